// `boreas status` (text): one line per application with its health level and version split, then a
// table of its instances (node, version, health, endpoint, drift).
import { shortRevision } from './format.js';
import type { AppStatus } from '../model/status.js';
import { toV1Status } from './status-v1.js';
import { textTable } from './table.js';
import { safeText } from '../util/terminal-text.js';

/** All applications as text; `No applications ...` when the state file has none. */
export function renderStatusText(status: AppStatus[]): string {
  if (status.length === 0) return 'No applications applied yet (run `boreas reconcile --once`).\n';
  const summary = textTable(
    ['APP', 'ENVIRONMENT', 'REVISION', 'HEALTH', 'INSTANCES', 'VERSIONS'],
    status.map((s) => {
      const v1 = toV1Status(s);
      const healthy = s.instances.filter((i) => i.health.status === 'Healthy').length;
      return [
        s.app,
        s.environment,
        shortRevision(s.revision),
        String(v1.healthy.level),
        `${healthy}/${s.instances.length} healthy`,
        v1.versions.map((v) => `${v.version || '-'} ${v.percent}%`).join(', ') || '-',
      ];
    }),
  );
  const details = status.map(renderApp);
  return [summary, ...details].join('\n');
}

function renderApp(s: AppStatus): string {
  const v1 = toV1Status(s);
  const lines = [safeText(`${s.app} (${s.environment} @ ${shortRevision(s.revision)}): health ${v1.healthy.level}`)];
  for (const v of v1.versions) {
    const nodes = v.nodes.map((n) => `${n.node} ${n.healthy.level}`).join(', ');
    lines.push(safeText(`  version ${v.version || '-'}: ${v.percent}% of instances, health ${v.healthy.level} (nodes: ${nodes})`));
  }
  let out = lines.join('\n') + '\n';
  if (s.instances.length > 0) {
    const rows = [...s.instances]
      .sort((a, b) => a.instance.localeCompare(b.instance, undefined, { numeric: true }))
      .map((i) => [
        i.instance,
        i.node,
        i.version || '-',
        `${i.health.level} ${i.health.status}`,
        i.endpoint ?? '-',
        [i.drift?.length ? `drift: ${i.drift.join('; ')}` : '', i.health.status !== 'Healthy' && i.health.message ? i.health.message : '']
          .filter(Boolean)
          .join(' · ') || '-',
      ]);
    out += textTable(['INSTANCE', 'NODE', 'VERSION', 'HEALTH', 'ENDPOINT', 'NOTES'], rows, '  ');
  } else out += '  no instances\n';
  if (s.certificates && s.certificates.length > 0) {
    const rows = s.certificates.map((c) => [
      c.name,
      (c.sans?.length ? c.sans : c.domains).join(','),
      c.notAfter ? `${c.notAfter.slice(0, 10)} (${c.daysLeft ?? '?'}d)` : '-',
      c.version === undefined ? '-' : `v${c.version}`,
      c.issuer ?? '-',
      c.nodes?.length
        ? c.nodes
            .map((n) => `${n.node} ${n.version === undefined ? (n.fingerprint ? 'other' : 'none') : `v${n.version}`}${n.drift ? ' (drift)' : ''}`)
            .join(', ')
        : '-',
      c.message ?? '-',
    ]);
    out += textTable(['CERTIFICATE', 'SANS', 'EXPIRES', 'VERSION', 'ISSUER', 'SERVED', 'NOTES'], rows, '  ');
  }
  return out;
}
