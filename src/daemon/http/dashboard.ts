// GET / : one self-contained HTML page (no external assets). The server renders it with its data
// (dashboard-view.ts gathers it, dashboard-page.ts writes the HTML), so the first paint shows the
// applications, the red banner of an invalid HEAD and the recent reconciles; the page's script
// (dashboard-script.ts) then filters, pages, opens details and refreshes from the API. Calls that
// need the API token (the "Reconcile now" button; every read when the daemon is not on loopback)
// send the session cookie the login form sets; a 401 leads to that form.
import type { DaemonContext } from '../context.js';
import { renderDashboard } from './dashboard-page.js';
import { dashboardView } from './dashboard-view.js';

/** The dashboard page as of now; `authenticated` says whether to offer "Log in" or "Log out". */
export async function dashboardHtml(ctx: DaemonContext, authenticated: boolean): Promise<string> {
  return renderDashboard(await dashboardView(ctx, authenticated));
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
