// What the dashboard shows at first paint, gathered on the server so the HTML carries the data
// (a screenshot or a browser without scripts sees it): the application list from the cached
// observations, the last reconciles with their commit subjects, the readiness badge and, for an
// invalid HEAD or a failed reconcile, the banner with its validation errors. The page's script
// refreshes the same pieces from the API afterwards.
import type { DaemonContext } from '../context.js';
import type { ReconcileRecord } from '../controller.js';
import { applications, type ClusterView, cluster, reconciles } from './api.js';

/** The badge beside the revision: green only when the last reconcile converged. */
export interface ReadyBadge {
  text: string;
  tone: 'ok' | 'warn' | 'bad' | 'muted';
}

export interface Banner {
  title: string;
  /** Validation errors as `file:line:col: Kind/name: field: message`, or the error. */
  lines: string[];
}

export interface DashboardView {
  authenticated: boolean;
  badge: ReadyBadge;
  banner?: Banner;
  /** The `GET /api/v1/applications?observe=cached` body. */
  apps: Awaited<ReturnType<typeof applications>>;
  /** The `GET /api/v1/reconciles` body. */
  reconciles: Awaited<ReturnType<typeof reconciles>>;
  /** The `GET /api/v1/cluster` body: one row with a SQLite state, every live replica with PostgreSQL. */
  cluster: ClusterView;
}

/** Badge for the newest reconcile (the page's script applies the same rule to live data). */
export function badgeOf(last: ReconcileRecord | undefined): ReadyBadge {
  if (!last) return { text: 'starting…', tone: 'muted' };
  switch (last.result) {
    case 'converged':
      return { text: 'ready', tone: 'ok' };
    case 'blocked':
      return { text: 'blocked', tone: 'warn' };
    case 'not_converged':
      return { text: 'not converged', tone: 'warn' };
    case 'invalid':
      return { text: 'HEAD invalid', tone: 'bad' };
    default:
      return { text: 'reconcile failed', tone: 'bad' };
  }
}

/** The red banner: what is wrong with HEAD (each validation error) or why the reconcile failed. */
export function bannerOf(last: ReconcileRecord | undefined): Banner | undefined {
  if (!last || (last.result !== 'invalid' && last.result !== 'error')) return undefined;
  if (last.result === 'invalid') {
    const kept = last.appliedRevision ? `; ${last.appliedRevision.slice(0, 12)} (the last valid revision) is kept in sync` : '; nothing was applied';
    return {
      title: `Revision ${last.revision?.slice(0, 12) ?? '(unknown)'} is invalid: ${last.diagnostics?.length ?? 0} validation error(s)${kept}`,
      lines: last.diagnostics ?? [],
    };
  }
  return { title: 'The last reconcile failed', lines: [last.error ?? 'unknown error'] };
}

export async function dashboardView(ctx: DaemonContext, authenticated: boolean): Promise<DashboardView> {
  const last = ctx.controller.records[0];
  const banner = bannerOf(last);
  return {
    authenticated,
    badge: badgeOf(last),
    ...(banner ? { banner } : {}),
    apps: await applications(ctx, 'cached'),
    reconciles: await reconciles(ctx),
    cluster: await cluster(ctx),
  };
}
