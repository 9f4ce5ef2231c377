// The dashboard's script, sent inline (no external assets, no dependencies). It starts from the data
// the server embedded in the page, filters the application list in memory and renders one page of
// rows at a time (so 10,000 applications filter as fast as 10), opens an application's detail
// (instances, drift with diffs, history) from the API, refreshes everything every few seconds, and
// sends "Reconcile now" with the login cookie (or goes to the login form). Row markup must stay in
// step with appRow() in dashboard-page.ts.

/** Rows per page of the application table. */
export const pageSize = 100;

export const dashboardScript = `
"use strict";
const pageSize = ${pageSize};
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
const short = (r) => r ? (r.startsWith("worktree:") ? r.slice(0, 21) : r.slice(0, 12)) : "—";
const syncTone = {"in-sync":"ok", drifted:"warn", missing:"bad", unknown:"muted"};
const syncText = {"in-sync":"in sync", drifted:"drifted", missing:"missing", unknown:"unknown"};
const cls = (state) => ({succeeded:"ok",converged:"ok",failed:"bad",error:"bad",invalid:"bad",cancelled:"bad",not_converged:"warn",running:"warn",blocked:"warn",pending:"muted"}[state] || "");
const bar = (level) => { const c = level >= 80 ? "#1a9c4a" : level >= 40 ? "#d99a00" : "#c0262d"; return '<span class="bar"><i style="width:' + level + '%;background:' + c + '"></i></span> ' + level; };
async function getJson(path) { const r = await fetch(path, {cache: "no-store"}); if (r.status === 401) { location.href = "login"; throw new Error("login needed"); } return r.json(); }

let apps = [], filtered = [], page = 0;

function searchText(a) {
  return [a.name, a.environment, syncText[a.sync], a.sync, a.health.status, a.revision.short, a.revision.subject || "", a.revision.author || "",
    ...a.instances.map((i) => i.instance + " " + i.node + " " + i.version + " " + (i.endpoint || ""))].join(" ").toLowerCase();
}
function appRow(a) {
  const healthy = a.instances.filter((i) => i.health.status === "Healthy").length;
  return '<tr data-app="' + esc(a.name) + '"><td><a href="#app=' + encodeURIComponent(a.name) + '"><b>' + esc(a.name) + "</b></a></td><td>" + esc(a.environment) + "</td><td><code>" + esc(a.revision.short) + "</code>" +
    (a.revision.pinned ? ' <span class="warn">pinned</span>' : "") + '<br><span class="muted">' + esc(a.revision.subject || "") + '</span></td><td class="' + syncTone[a.sync] + '">' + syncText[a.sync] +
    (a.drift.count ? ' <span class="muted">(' + a.drift.count + ")</span>" : "") + "</td><td>" + bar(a.health.level) + ' <span class="muted">' + esc(a.health.status) + "</span></td><td>" + healthy + "/" + a.instances.length + "</td></tr>";
}
function setApps(data) {
  apps = data.applications; for (const a of apps) a._s = searchText(a);
  const s = data.summary;
  $("summary").innerHTML = apps.length + ' applications: <span class="ok">' + s["in-sync"] + ' in sync</span>, <span class="warn">' + s.drifted + ' drifted</span>, <span class="bad">' + s.missing + ' missing</span>, <span class="muted">' + s.unknown + " unknown</span>";
  applyFilter();
}
function applyFilter() {
  const terms = $("filter").value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
  filtered = terms.length ? apps.filter((a) => terms.every((t) => a._s.includes(t))) : apps;
  page = Math.max(0, Math.min(page, Math.ceil(filtered.length / pageSize) - 1));
  const rows = filtered.slice(page * pageSize, (page + 1) * pageSize);
  $("apps").tBodies[0].innerHTML = rows.map(appRow).join("") || '<tr><td colspan=6 class=muted>' + (apps.length ? "no application matches" : "nothing deployed yet") + "</td></tr>";
  $("range").textContent = filtered.length ? (page * pageSize + 1) + "–" + (page * pageSize + rows.length) + " of " + filtered.length + (filtered.length < apps.length ? " (filtered from " + apps.length + ")" : "") : "0 of " + apps.length;
  $("prev").disabled = page === 0; $("next").disabled = (page + 1) * pageSize >= filtered.length;
}
$("filter").addEventListener("input", () => { page = 0; applyFilter(); });
$("prev").onclick = () => { page--; applyFilter(); };
$("next").onclick = () => { page++; applyFilter(); };
$("apps").tBodies[0].addEventListener("click", (e) => { const tr = e.target.closest("tr[data-app]"); if (tr) { e.preventDefault(); location.hash = "app=" + encodeURIComponent(tr.dataset.app); } });

function diffHtml(text) { return "<pre>" + text.split("\\n").map((l) => '<span class="' + (l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : "") + '">' + esc(l) + "</span>").join("\\n") + "</pre>"; }
function fieldValue(v) { return v === undefined ? "(none)" : esc(JSON.stringify(v)); }
async function showDetail() {
  const m = /^#app=(.+)$/.exec(location.hash);
  if (!m) { $("detail").hidden = true; return; }
  const name = decodeURIComponent(m[1]);
  let a;
  try { a = await getJson("api/v1/applications/" + encodeURIComponent(name)); } catch (e) { return; }
  $("detail").hidden = false;
  $("detail-title").innerHTML = esc(name) + ' <span class="' + syncTone[a.sync] + '">' + syncText[a.sync] + '</span> <span class="muted">' + esc(a.environment) + " @ " + esc(a.revision.short) + " " + esc(a.revision.subject || "") + (a.revision.author ? " by " + esc(a.revision.author) : "") + "</span>";
  if (a.error) { $("detail-body").innerHTML = '<p class="bad">' + esc(a.error) + "</p>"; return; }
  const inst = "<h3>Instances</h3><table><tr><th>Instance</th><th>Node</th><th>Version</th><th>Endpoint</th><th>Process</th><th>Sync</th><th>Health</th></tr>" + a.instances.map((i) => "<tr><td>" + esc(i.instance) + "</td><td>" + esc(i.node) + "</td><td>" + esc(i.version) + "</td><td>" + esc(i.endpoint || "—") + "</td><td>" +
    (i.pid ? "pid " + i.pid : i.containerId ? "container " + esc(i.containerId) : "—") + '</td><td class="' + syncTone[i.sync] + '">' + syncText[i.sync] + "</td><td>" + bar(i.health.level) + " " + esc(i.health.message || i.health.status) + "</td></tr>").join("") + "</table>";
  const drift = "<h3>Drift</h3>" + (a.drift.count || a.pendingChanges.length ? a.drift.resources.map((d) => '<div><span class="' + syncTone[d.state] + '">' + esc(d.state) + "</span> <code>" + esc(d.resource) + "</code> " + esc(d.message) + "</div>").join("") +
    a.pendingChanges.map((c) => '<div><span class="warn">' + esc(c.action) + "</span> <code>" + esc(c.id) + "</code> " + esc(c.message) + "</div>" + (c.fields.length ? "<pre>" + c.fields.map((f) => esc(f.path) + ": " + fieldValue(f.before) + " → " + fieldValue(f.after)).join("\\n") + "</pre>" : "") +
      Object.entries(c.textDiffs).map(([label, d]) => '<div class="muted">' + esc(label) + "</div>" + diffHtml(d)).join("")).join("") : '<p class="ok">in sync: what runs is what was applied</p>');
  const hist = "<h3>History</h3><table><tr><th>Revision</th><th>Subject</th><th>Author</th><th>Run</th><th>Result</th><th>At</th><th>Changed</th></tr>" + a.history.map((h) => "<tr><td><code>" + esc(short(h.revision.sha)) + "</code></td><td>" + esc(h.revision.subject || "—") + "</td><td>" + esc(h.revision.author || "—") + "</td><td>" + h.runId +
    '</td><td class="' + cls(h.result) + '">' + esc(h.result) + "</td><td>" + esc(h.at) + "</td><td>" + (h.changed ? "yes" + (h.changedResources ? " (" + h.changedResources + ")" : "") : "no") + "</td></tr>").join("") + "</table>";
  $("detail-body").innerHTML = inst + drift + hist;
}
window.addEventListener("hashchange", showDetail);

function renderHead(recs) {
  const last = recs[0];
  const badge = !last ? ["starting…", "muted"] : last.result === "converged" ? ["ready", "ok"] : last.result === "not_converged" ? ["not converged", "warn"] : last.result === "blocked" ? ["blocked", "warn"] : last.result === "invalid" ? ["HEAD invalid", "bad"] : ["reconcile failed", "bad"];
  $("ready").textContent = badge[0]; $("ready").className = "badge " + badge[1];
  if (last && last.revision) $("rev").innerHTML = "revision <code>" + esc(short(last.revision)) + '</code> <span class="subject">' + esc(last.subject || "") + "</span>";
  const b = $("banner");
  if (last && (last.result === "invalid" || last.result === "error")) {
    const lines = last.result === "invalid" ? (last.diagnostics || []) : [last.error || "unknown error"];
    const title = last.result === "invalid" ? "Revision " + short(last.revision) + " is invalid: " + lines.length + " validation error(s)" + (last.appliedRevision ? "; " + short(last.appliedRevision) + " (the last valid revision) is kept in sync" : "; nothing was applied") : "The last reconcile failed";
    b.innerHTML = "<b>" + esc(title) + "</b><ul>" + lines.slice(0, 50).map((l) => "<li><code>" + esc(l) + "</code></li>").join("") + (lines.length > 50 ? "<li>… and " + (lines.length - 50) + " more</li>" : "") + "</ul>";
    b.hidden = false;
  } else b.hidden = true;
}

function renderDrift(plan) {
  const unknown = plan.unknown && plan.unknown.length ? ' <span class="muted">' + plan.unknown.length + " resource(s) could not be observed (Unknown: never pruned, never re-created).</span>" : "";
  if (!plan.changes.length) { $("drift").innerHTML = (unknown ? "No changes planned." : '<span class="ok">No drift: actual state matches revision ' + esc(short(plan.revision)) + ".</span>") + unknown; return; }
  $("drift").innerHTML = "<table><tr><th>Action</th><th>Resource</th><th>Reason</th><th>Message</th></tr>" +
    plan.changes.slice(0, 200).map((c) => '<tr><td class="warn">' + esc(c.action) + "</td><td><code>" + esc(c.id) + "</code></td><td>" + esc(c.reason) + "</td><td>" + esc(c.message) + "</td></tr>").join("") + "</table>" +
    (plan.changes.length > 200 ? '<p class="muted">… and ' + (plan.changes.length - 200) + " more</p>" : "");
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
  const tasks = data.tasks.slice(0, 500); if (!tasks.length) { $("graph").innerHTML = '<p class="muted">No tasks: nothing had to change.</p>'; $("tree").innerHTML = ""; return; }
  const d = depths(tasks); const cols = new Map(); const pos = new Map();
  tasks.forEach((t) => { const c = d.get(t.key); if (!cols.has(c)) cols.set(c, []); cols.get(c).push(t); });
  const W = 230, H = 34; let maxRows = 0;
  for (const [c, list] of cols) { list.forEach((t, r) => pos.set(t.key, {x: 10 + c * W, y: 10 + r * H})); maxRows = Math.max(maxRows, list.length); }
  const colour = {succeeded:"#1a9c4a",failed:"#c0262d",cancelled:"#c0262d",running:"#d99a00",blocked:"#d99a00",pending:"#8a93a3"};
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + (cols.size * W + 20) + '" height="' + (maxRows * H + 20) + '">';
  for (const t of tasks) for (const k of t.dependsOn) { const a = pos.get(k), b = pos.get(t.key); if (a && b) svg += '<line x1="' + (a.x + 200) + '" y1="' + (a.y + 12) + '" x2="' + b.x + '" y2="' + (b.y + 12) + '" stroke="#9aa3b2"/>'; }
  for (const t of tasks) { const p = pos.get(t.key); const label = t.action + " " + t.resource;
    svg += "<g><title>" + esc(label + " — " + t.state + (t.message ? ": " + t.message : "")) + '</title><rect x="' + p.x + '" y="' + p.y + '" width="200" height="24" rx="4" fill="#fff" stroke="' + (colour[t.state] || "#8a93a3") + '" stroke-width="2"/>' +
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

function renderReconciles(recs) {
  $("recs").tBodies[0].innerHTML = recs.slice(0, 15).map((r) => "<tr><td>" + r.seq + "</td><td>" + esc(r.reasons.join(", ")) + '</td><td class="' + cls(r.result) + '">' + esc(r.result) + (r.error ? " — " + esc(r.error) : "") +
    "</td><td><code>" + esc(short(r.revision)) + "</code> " + esc(r.subject || "") + "</td><td>" + (r.tasks ? r.tasks.succeeded + " ok, " + r.tasks.failed + " failed" : "—") + "</td><td>" + esc(r.finishedAt) + "</td></tr>").join("");
}

// Who owns which environment (GET /api/v1/cluster); one row with a SQLite state.
function renderReplicas(data) {
  $("replicas").tBodies[0].innerHTML = data.replicas.map((r) => "<tr><td><b>" + esc(r.id) + "</b>" + (r.id === data.self ? ' <span class="muted">(this one)</span>' : "") + "</td><td><code>" + esc(r.listen) +
    "</code></td><td>" + esc(r.lastHeartbeat) + "</td><td>" + (r.environments.map(esc).join(", ") || '<span class="muted">none</span>') + "</td></tr>").join("");
}

async function refresh() {
  try {
    renderReplicas(await getJson("api/v1/cluster"));
    const [list, plan, tasks, recs] = await Promise.all([getJson("api/v1/applications?observe=cached"), getJson("api/v1/drift"), getJson("api/v1/tasks"), getJson("api/v1/reconciles")]);
    setApps(list); renderHead(recs.reconciles); renderDrift(plan); renderGraph(tasks); renderReconciles(recs.reconciles);
    if (!$("detail").hidden) showDetail();
  } catch (e) { $("ready").textContent = "daemon unreachable"; $("ready").className = "badge bad"; }
}
$("sync").onclick = async () => {
  const r = await fetch("api/v1/reconcile", {method: "POST"});
  if (r.status === 401) { location.href = "login"; return; }
  $("sync").textContent = r.ok ? "Queued" : "Refused (" + r.status + ")";
  setTimeout(() => { $("sync").textContent = "Reconcile now"; refresh(); }, 1500);
};

const embedded = JSON.parse($("boreas-data").textContent);
setApps(embedded.apps);
showDetail();
refresh(); setInterval(refresh, 5000);
`;
