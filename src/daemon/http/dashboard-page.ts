// The dashboard's HTML, rendered on the server from a DashboardView: header with the revision and the
// readiness badge, the red banner of an invalid HEAD, the first page of the application table, the
// recent reconciles — all readable before (or without) any script — plus the view as JSON for the
// page's script, which filters, pages and refreshes it. One self-contained page: no external assets.
import type { ClusterView } from './api.js';
import { dashboardScript, pageSize } from './dashboard-script.js';
import type { DashboardView } from './dashboard-view.js';

/** HTML-escapes text for element content and quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON inside <script type="application/json">: `<` escaped so no `</script>` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

type AppRow = DashboardView['apps']['applications'][number];

const syncTone: Record<string, string> = { 'in-sync': 'ok', drifted: 'warn', missing: 'bad', unknown: 'muted' };
const syncText: Record<string, string> = { 'in-sync': 'in sync', drifted: 'drifted', missing: 'missing', unknown: 'unknown' };

function bar(level: number): string {
  const colour = level >= 80 ? '#1a9c4a' : level >= 40 ? '#d99a00' : '#c0262d';
  return `<span class="bar"><i style="width:${level}%;background:${colour}"></i></span> ${level}`;
}

/** One application row; the page's script builds the same markup (keep both in step). */
export function appRow(a: AppRow): string {
  const rev = `<code>${esc(a.revision.short)}</code>${a.revision.pinned ? ' <span class="warn">pinned</span>' : ''}<br><span class="muted">${esc(a.revision.subject ?? '')}</span>`;
  const healthy = a.instances.filter((i) => i.health.status === 'Healthy').length;
  const drift = a.drift.count ? ` <span class="muted">(${a.drift.count})</span>` : '';
  return (
    `<tr data-app="${esc(a.name)}"><td><a href="#app=${encodeURIComponent(a.name)}"><b>${esc(a.name)}</b></a></td><td>${esc(a.environment)}</td><td>${rev}</td>` +
    `<td class="${syncTone[a.sync]}">${syncText[a.sync]}${drift}</td><td>${bar(a.health.level)} <span class="muted">${esc(a.health.status)}</span></td>` +
    `<td>${healthy}/${a.instances.length}</td></tr>`
  );
}

function header(v: DashboardView): string {
  const last = v.reconciles.reconciles[0];
  const rev = last?.revision
    ? `revision <code>${esc(last.revision.slice(0, 12))}</code> <span class="subject">${esc(last.subject ?? '')}</span>`
    : 'revision …';
  const auth = v.authenticated
    ? '<button id="sync" type="button" title="POST /api/v1/reconcile">Reconcile now</button><form method="post" action="logout"><button type="submit">Log out</button></form>'
    : '<button id="sync" type="button" title="POST /api/v1/reconcile (needs the API token)">Reconcile now</button><a id="login" href="login">Log in</a>';
  return `<header><h1>Boreas</h1><span id="rev">${rev}</span><span id="ready" class="badge ${v.badge.tone}">${esc(v.badge.text)}</span><span class="grow"></span>${auth}</header>`;
}

/** At most this many banner lines are rendered; the rest are counted. */
export const bannerLines = 50;

function banner(v: DashboardView): string {
  const b = v.banner;
  if (!b) return '<div id="banner" class="banner" role="alert" hidden></div>';
  const more = b.lines.length > bannerLines ? `<li>… and ${b.lines.length - bannerLines} more</li>` : '';
  return `<div id="banner" class="banner" role="alert"><b>${esc(b.title)}</b><ul>${b.lines
    .slice(0, bannerLines)
    .map((l) => `<li><code>${esc(l)}</code></li>`)
    .join('')}${more}</ul></div>`;
}

function summary(v: DashboardView): string {
  const s = v.apps.summary;
  return `${v.apps.applications.length} applications: <span class="ok">${s['in-sync']} in sync</span>, <span class="warn">${s.drifted} drifted</span>, <span class="bad">${s.missing} missing</span>, <span class="muted">${s.unknown} unknown</span>`;
}

function reconcileRows(v: DashboardView): string {
  const tone: Record<string, string> = { converged: 'ok', not_converged: 'warn', blocked: 'warn', invalid: 'bad', error: 'bad' };
  return v.reconciles.reconciles
    .slice(0, 15)
    .map(
      (r) =>
        `<tr><td>${r.seq}</td><td>${esc(r.reasons.join(', '))}</td><td class="${tone[r.result] ?? ''}">${esc(r.result)}${r.error ? ` — ${esc(r.error)}` : ''}</td>` +
        `<td><code>${esc(r.revision?.slice(0, 12) ?? '—')}</code> ${esc(r.subject ?? '')}</td><td>${r.tasks ? `${r.tasks.succeeded} ok, ${r.tasks.failed} failed` : '—'}</td><td>${esc(r.finishedAt)}</td></tr>`,
    )
    .join('');
}

/** One row per replica: who owns which environment (GET /api/v1/cluster). */
export function replicaRows(c: ClusterView): string {
  return c.replicas
    .map(
      (r) =>
        `<tr><td><b>${esc(r.id)}</b>${r.id === c.self ? ' <span class="muted">(this one)</span>' : ''}</td><td><code>${esc(r.listen)}</code></td>` +
        `<td>${esc(r.lastHeartbeat)}</td><td>${r.environments.map(esc).join(', ') || '<span class="muted">none</span>'}</td></tr>`,
    )
    .join('');
}

const style = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}header a{color:#cfe0ff}header form{margin:0}.grow{flex:1}
.subject{opacity:.8}.badge{padding:2px 8px;border-radius:10px;font-weight:600;background:#fff}
.banner{background:#c0262d;color:#fff;padding:10px 20px}.banner ul{margin:6px 0 0;padding-left:20px}.banner code{color:#fff}
main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
#apps tbody tr{cursor:pointer}#apps tbody tr:hover{background:#f3f6fb}
.bar{display:inline-block;width:80px;height:8px;background:#e4e7ec;border-radius:4px;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%}
.ok{color:#0a7a32}.warn{color:#a86b00}.bad{color:#c0262d}.muted{color:#6b7280}
.badge.ok{background:#d8f5e1}.badge.warn{background:#fdf0d0}.badge.bad{background:#c0262d;color:#fff}.badge.muted{background:#e4e7ec}
code,pre{font:12px ui-monospace,monospace}pre{background:#f6f7f9;padding:6px;overflow:auto;margin:4px 0}
.add{color:#0a7a32}.del{color:#c0262d}
.tools{display:flex;gap:12px;align-items:center;margin-bottom:8px}#filter{font:inherit;padding:3px 6px;width:320px}
ul.tree{list-style:none;padding-left:18px;margin:0}ul.tree li{margin:2px 0}
button{font:inherit;padding:3px 10px;cursor:pointer}
svg text{font:11px ui-monospace,monospace}`;

/** The whole page for this view. */
export function renderDashboard(v: DashboardView): string {
  const rows = v.apps.applications.slice(0, pageSize).map(appRow).join('') || '<tr><td colspan=6 class=muted>nothing deployed yet</td></tr>';
  const total = v.apps.applications.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Boreas</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${style}</style></head><body>
${header(v)}
${banner(v)}
<main>
<section><h2>Applications</h2>
<div class="tools"><input id="filter" type="search" placeholder="Filter: name, environment, sync, health, node, version, commit" aria-label="Filter applications">
<span id="summary">${summary(v)}</span></div>
<table id="apps"><thead><tr><th>Application</th><th>Environment</th><th>Revision</th><th>Sync</th><th>Health</th><th>Healthy</th></tr></thead><tbody>${rows}</tbody></table>
<div class="tools" id="pager"><button id="prev" type="button">Previous</button><span id="range">${total ? `1–${Math.min(pageSize, total)} of ${total}` : '0 of 0'}</span><button id="next" type="button">Next</button></div>
</section>
<section id="detail" hidden><h2 id="detail-title"></h2><div id="detail-body"></div></section>
<section><h2>Drift (last plan)</h2><div id="drift" class="muted">…</div></section>
<section><h2>Task graph of the last run <span id="runid" class="muted"></span></h2><div id="graph"></div><ul class="tree" id="tree"></ul></section>
<section><h2>Replicas</h2><table id="replicas"><thead><tr><th>Replica</th><th>Address</th><th>Last heartbeat</th><th>Environments</th></tr></thead><tbody>${replicaRows(v.cluster)}</tbody></table></section>
<section><h2>Recent reconciles</h2><table id="recs"><thead><tr><th>#</th><th>Triggered by</th><th>Result</th><th>Revision</th><th>Tasks</th><th>Finished</th></tr></thead><tbody>${reconcileRows(v)}</tbody></table></section>
</main>
<script type="application/json" id="boreas-data">${scriptJson({ apps: v.apps, reconciles: v.reconciles })}</script>
<script>${dashboardScript}</script></body></html>
`;
}
