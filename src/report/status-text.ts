// `boreas status` (text): one line per application with its revision, sync state, health level and
// version split, then per application the commit it runs, what drifted, and a table of its instances
// (node, version, health, sync, endpoint, pid or container, notes).
import { shortRevision } from './format.js';
import type { AppStatus, RevisionInfo, SyncState } from '../model/status.js';
import { toV1Status } from './status-v1.js';
import { textTable } from './table.js';
import { safeText } from '../util/terminal-text.js';

/** All applications as text; `No applications ...` when the state file has none. */
export function renderStatusText(status: AppStatus[]): string {
  if (status.length === 0) return 'No applications applied yet (run `boreas reconcile --once`).\n';
  const summary = textTable(
    ['APP', 'ENVIRONMENT', 'REVISION', 'SYNC', 'HEALTH', 'INSTANCES', 'VERSIONS'],
    status.map((s) => {
      const v1 = toV1Status(s);
      const healthy = s.instances.filter((i) => i.health.status === 'Healthy').length;
      return [
        s.app,
        s.environment,
        shortRevision(s.revision.sha) + (s.revision.pinned ? ' (pinned)' : ''),
        syncWords[s.sync],
        String(v1.healthy.level),
        `${healthy}/${s.instances.length} healthy`,
        v1.versions.map((v) => `${v.version || '-'} ${v.percent}%`).join(', ') || '-',
      ];
    }),
  );
  const details = status.map(renderApp);
  return [summary, ...details].join('\n');
}

/** How a sync state reads in a sentence and a column. */
const syncWords: Record<SyncState, string> = { 'in-sync': 'in sync', drifted: 'drifted', missing: 'missing', unknown: 'unknown' };

/** `1a2b3c4d5e6f "subject" by author`, or the id alone when the commit is not known. */
function describeRevision(r: RevisionInfo): string {
  const commit = `${shortRevision(r.sha)}${r.subject ? ` "${r.subject}"` : r.sha.startsWith('worktree:') ? ' (uncommitted working tree)' : ''}${r.author ? ` by ${r.author}` : ''}`;
  return r.pinned ? `${commit}, pinned by a rollback` : commit;
}

function renderApp(s: AppStatus): string {
  const v1 = toV1Status(s);
  const lines = [
    safeText(`${s.app} (${s.environment} @ ${describeRevision(s.revision)}): ${syncWords[s.sync]}, health ${v1.healthy.level} ${s.health.status}`),
  ];
  for (const d of s.drift) lines.push(safeText(`  ${d.state}: ${d.kind} ${d.name}: ${d.message}`));
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
        syncWords[i.sync],
        i.endpoint ?? '-',
        i.pid !== undefined ? `pid ${i.pid}` : i.containerId ? `container ${i.containerId}` : '-',
        [i.drift?.length ? `drift: ${i.drift.join('; ')}` : '', i.health.status !== 'Healthy' && i.health.message ? i.health.message : '']
          .filter(Boolean)
          .join(' · ') || '-',
      ]);
    out += textTable(['INSTANCE', 'NODE', 'VERSION', 'HEALTH', 'SYNC', 'ENDPOINT', 'PROCESS', 'NOTES'], rows, '  ');
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
