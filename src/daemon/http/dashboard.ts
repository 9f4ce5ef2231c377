// GET / : one self-contained HTML page (no external assets) that polls the daemon's own API and
// shows applications with health and drift, the last reconciles, and the task graph of the last run
// (an SVG laid out by dependency depth, plus the same graph as an indented list). Calls that need the
// API token (the "Reconcile now" button; every read when the daemon is not on loopback) send the
// session cookie the login form sets; a 401 leads to that form.

/** The dashboard page. Static: all data comes from the API at view time. */
export function dashboardHtml(): string {
  return page;
}

/** The login form: the API token, posted to /login, becomes an HttpOnly SameSite=Strict cookie. */
export function loginHtml(error?: string): string {
  const note = error ? `<p class="bad">${error.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Boreas: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
form{max-width:420px;margin:80px auto;background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:16px 20px}
input{font:inherit;width:100%;box-sizing:border-box;padding:4px 6px;margin:6px 0 12px}.bad{color:#c0262d}</style></head><body>
<form method="post" action="login"><h1>Boreas</h1>${note}
<label for="token">API token (the <code>--api-token-file</code>, or <code>api.token</code> beside the state file)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button></form></body></html>
`;
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Boreas</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline}
header h1{font-size:18px;margin:0}header span{opacity:.8}
main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
.bar{display:inline-block;width:80px;height:8px;background:#e4e7ec;border-radius:4px;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%}
.ok{color:#0a7a32}.warn{color:#a86b00}.bad{color:#c0262d}.muted{color:#6b7280}
code{font:12px ui-monospace,monospace}
ul.tree{list-style:none;padding-left:18px;margin:0}ul.tree li{margin:2px 0}
button{font:inherit;padding:3px 10px;cursor:pointer}
svg text{font:11px ui-monospace,monospace}
</style></head><body>
<header><h1>Boreas</h1><span id="rev">revision …</span><span id="ready">…</span>
<button id="sync" title="POST /api/v1/reconcile">Reconcile now</button></header>
<main>
<section><h2>Applications</h2><table id="apps"><thead><tr><th>Application</th><th>Environment</th><th>Health</th><th>Instances</th><th>Drift</th></tr></thead><tbody></tbody></table></section>
<section><h2>Drift (last plan)</h2><div id="drift" class="muted">…</div></section>
<section><h2>Task graph of the last run <span id="runid" class="muted"></span></h2><div id="graph"></div><ul class="tree" id="tree"></ul></section>
<section><h2>Replicas</h2><table id="replicas"><thead><tr><th>Replica</th><th>Address</th><th>Last heartbeat</th><th>Environments</th></tr></thead><tbody></tbody></table></section>
<section><h2>Recent reconciles</h2><table id="recs"><thead><tr><th>#</th><th>Triggered by</th><th>Result</th><th>Revision</th><th>Tasks</th><th>Finished</th></tr></thead><tbody></tbody></table></section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
const short = (r) => r ? (r.startsWith("worktree:") ? r.slice(0, 17) : r.slice(0, 10)) : "—";
const cls = (state) => ({succeeded:"ok",converged:"ok",failed:"bad",error:"bad",invalid:"bad",cancelled:"bad",not_converged:"warn",running:"warn",blocked:"warn",pending:"muted"}[state] || "");
const bar = (level) => { const c = level >= 80 ? "#1a9c4a" : level >= 40 ? "#d99a00" : "#c0262d"; return '<span class="bar"><i style="width:' + level + '%;background:' + c + '"></i></span> ' + level; };
async function getJson(path) { const r = await fetch(path, {cache: "no-store"}); if (r.status === 401) location.href = "login"; return r.json(); }

function renderApps(data) {
  const rows = data.applications.map((a) => "<tr><td><b>" + esc(a.name) + "</b><br><code class=muted>" + esc(short(a.revision)) + "</code></td><td>" + esc(a.environment) +
    "</td><td>" + bar(a.healthy.level) + "</td><td>" + a.instances.map((i) => esc(i.instance) + " <span class=muted>" + esc(i.node) + " " + esc(i.version) + (i.endpoint ? " " + esc(i.endpoint) : "") + "</span> " + bar(i.health.level)).join("<br>") +
    "</td><td>" + (a.drift.length ? a.drift.map((d) => '<span class="warn">' + esc(d.action) + "</span> " + esc(d.id)).join("<br>") : '<span class="ok">in sync</span>') + "</td></tr>");
  $("apps").tBodies[0].innerHTML = rows.join("") || '<tr><td colspan=5 class=muted>nothing deployed yet</td></tr>';
}

function renderDrift(plan) {
  if (!plan.changes.length) { $("drift").innerHTML = '<span class="ok">No drift: actual state matches revision ' + esc(short(plan.revision)) + ".</span>"; return; }
  $("drift").innerHTML = "<table><tr><th>Action</th><th>Resource</th><th>Reason</th><th>Message</th></tr>" +
    plan.changes.map((c) => '<tr><td class="warn">' + esc(c.action) + "</td><td><code>" + esc(c.id) + "</code></td><td>" + esc(c.reason) + "</td><td>" + esc(c.message) + "</td></tr>").join("") + "</table>";
}

// Depth of a task = longest chain of dependencies below it; columns of the SVG are depths.
function depths(tasks) {
  const byKey = new Map(tasks.map((t) => [t.key, t])); const memo = new Map();
  const depth = (t, seen) => { if (memo.has(t.key)) return memo.get(t.key); if (seen.has(t.key)) return 0; seen.add(t.key);
    const d = Math.max(-1, ...t.dependsOn.map((k) => byKey.has(k) ? depth(byKey.get(k), seen) : -1)) + 1; memo.set(t.key, d); return d; };
  tasks.forEach((t) => depth(t, new Set())); return memo;
}

function renderGraph(data) {
  $("runid").textContent = data.run ? "(run " + data.run.id + ", revision " + short(data.run.revision) + ")" : "(no run yet)";
  const tasks = data.tasks; if (!tasks.length) { $("graph").innerHTML = '<p class="muted">No tasks: nothing had to change.</p>'; $("tree").innerHTML = ""; return; }
  const d = depths(tasks); const cols = new Map(); const pos = new Map();
  tasks.forEach((t) => { const c = d.get(t.key); if (!cols.has(c)) cols.set(c, []); cols.get(c).push(t); });
  const W = 230, H = 34; let maxRows = 0;
  for (const [c, list] of cols) { list.forEach((t, r) => pos.set(t.key, {x: 10 + c * W, y: 10 + r * H})); maxRows = Math.max(maxRows, list.length); }
  const colour = {succeeded:"#1a9c4a",failed:"#c0262d",cancelled:"#c0262d",running:"#d99a00",blocked:"#d99a00",pending:"#8a93a3"};
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + (cols.size * W + 20) + '" height="' + (maxRows * H + 20) + '">';
  for (const t of tasks) for (const k of t.dependsOn) { const a = pos.get(k), b = pos.get(t.key); if (a && b) svg += '<line x1="' + (a.x + 200) + '" y1="' + (a.y + 12) + '" x2="' + b.x + '" y2="' + (b.y + 12) + '" stroke="#9aa3b2"/>'; }
  for (const t of tasks) { const p = pos.get(t.key); const label = t.action + " " + t.resource;
    svg += '<g><title>' + esc(label + " — " + t.state + (t.message ? ": " + t.message : "")) + '</title><rect x="' + p.x + '" y="' + p.y + '" width="200" height="24" rx="4" fill="#fff" stroke="' + (colour[t.state] || "#8a93a3") + '" stroke-width="2"/>' +
      '<text x="' + (p.x + 6) + '" y="' + (p.y + 16) + '">' + esc(label.length > 30 ? label.slice(0, 29) + "…" : label) + "</text></g>"; }
  $("graph").innerHTML = svg + "</svg>";
  // The same graph as an indented list: each task under the tasks it depends on.
  const children = new Map(); const keys = new Set(tasks.map((t) => t.key));
  tasks.forEach((t) => t.dependsOn.filter((k) => keys.has(k)).forEach((k) => { if (!children.has(k)) children.set(k, []); children.get(k).push(t); }));
  const item = (t, seen) => '<li><span class="' + cls(t.state) + '">' + esc(t.state) + "</span> " + esc(t.action) + " <code>" + esc(t.resource) + "</code>" +
    (t.message ? ' <span class="muted">' + esc(t.message) + "</span>" : "") +
    ((children.get(t.key) || []).length && !seen.has(t.key) ? '<ul class="tree">' + children.get(t.key).map((c) => item(c, new Set([...seen, t.key]))).join("") + "</ul>" : "") + "</li>";
  $("tree").innerHTML = tasks.filter((t) => !t.dependsOn.some((k) => keys.has(k))).map((t) => item(t, new Set())).join("");
}

function renderReconciles(data) {
  $("recs").tBodies[0].innerHTML = data.reconciles.slice(0, 15).map((r) => "<tr><td>" + r.seq + "</td><td>" + esc(r.reasons.join(", ")) + '</td><td class="' + cls(r.result) + '">' + esc(r.result) + (r.error ? " — " + esc(r.error) : "") +
    "</td><td><code>" + esc(short(r.revision)) + "</code></td><td>" + (r.tasks ? r.tasks.succeeded + " ok, " + r.tasks.failed + " failed" : "—") + "</td><td>" + esc(r.finishedAt) + "</td></tr>").join("");
}

// Who owns which environment (GET /api/v1/cluster); one row with a SQLite state.
function renderReplicas(data) {
  $("replicas").tBodies[0].innerHTML = data.replicas.map((r) => "<tr><td><b>" + esc(r.id) + "</b>" + (r.id === data.self ? ' <span class="muted">(this one)</span>' : "") + "</td><td><code>" + esc(r.listen) +
    "</code></td><td>" + esc(r.lastHeartbeat) + "</td><td>" + (r.environments.map(esc).join(", ") || '<span class="muted">none</span>') + "</td></tr>").join("");
}

async function refresh() {
  try {
    const [ready, apps, plan, tasks, recs] = await Promise.all([getJson("v1/ready"), getJson("api/v1/applications"), getJson("api/v1/drift"), getJson("api/v1/tasks"), getJson("api/v1/reconciles")]);
    renderReplicas(await getJson("api/v1/cluster"));
    $("ready").innerHTML = ready.ready ? '<span class="ok">ready</span>' : "starting…";
    $("rev").textContent = "revision " + short(recs.reconciles[0] && recs.reconciles[0].revision);
    renderApps(apps); renderDrift(plan); renderGraph(tasks); renderReconciles(recs);
  } catch (e) { $("ready").textContent = "daemon unreachable"; }
}
$("sync").onclick = async () => { const r = await fetch("api/v1/reconcile", {method: "POST"}); if (r.status === 401) { location.href = "login"; return; } $("sync").textContent = r.ok ? "Queued" : "Refused (" + r.status + ")"; setTimeout(() => { $("sync").textContent = "Reconcile now"; refresh(); }, 1500); };
refresh(); setInterval(refresh, 5000);
</script></body></html>
`;
