// `boreas daemon`: wires the store, the reconcile queue, the triggers (poll, webhooks, watch,
// resync, API) and the HTTP server, and takes them down in order on shutdown: stop triggers, let the
// running reconcile finish (bounded), close the server and the store.
import { join } from 'node:path';
import { isRemoteRepo, requireLocalSource } from '../source/index.js';
import { redactUrl } from '../source/remote-url.js';
import { openPostgresStore, openSqliteStore, stateLocation, type Store } from '../store/index.js';
import type { PullQueue } from './agents/queue.js';
import { openReplica, type Replica } from './cluster/replica.js';
import { createLogger, type Logger } from '../util/logger.js';
import type { DaemonConfig } from './config.js';
import type { DaemonContext } from './context.js';
import { Controller } from './controller.js';
import { startServer, type DaemonServer } from './http/server.js';
import { DaemonMetrics } from './metrics.js';
import { LiveDriftWatch } from './live-drift.js';
import { ReconcileQueue } from './queue.js';
import type { DaemonBase } from './run-session.js';
import { RevisionMemo } from '../engine/revision-memo.js';
import { SharedAgentClients } from '../targets/agent/shared-clients.js';
import { PullHub } from './agents/hub.js';
import { agentRoutes } from './agents/routes.js';
import { every, startPoller, startWatcher, type Stoppable } from './triggers.js';
import { ensureApiToken } from './api-token.js';
import { readsNeedToken } from './http/auth.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { mkdirPrivate } from '../util/private-files.js';

export { resolveDaemonConfig, type DaemonConfig, type DaemonFlags } from './config.js';

export interface RunningDaemon {
  ctx: DaemonContext;
  /** The address the HTTP server is bound to. */
  address: { host: string; port: number };
  /** Graceful stop; resolves true when the running reconcile finished within the bound. */
  stop(): Promise<boolean>;
}

/** Starts the daemon: binds the HTTP server first (so /v1/health answers at once), then reconciles. */
export async function startDaemon(given: DaemonConfig, log: Logger = createLogger({ format: given.logFormat, level: given.logLevel })): Promise<RunningDaemon> {
  const location = stateLocation(given.state);
  const stateDir = location.dir;
  // A mistyped local --repo is refused before the state directory (by default inside it) is created.
  await requireLocalSource({ repo: given.repo });
  mkdirPrivate(stateDir);
  // The API is never open: without --api-token-file a token is generated once beside the state file.
  const generated = given.apiToken ? undefined : ensureApiToken(stateDir);
  const cfg: DaemonConfig = generated ? { ...given, apiToken: generated.token, apiTokenFile: generated.file } : given;
  if (generated?.generated) log.info('API token generated; the dashboard login and API calls need it', { file: generated.file });
  const metrics = new DaemonMetrics();
  let store: Store;
  let hub: PullQueue | undefined;
  let replica: Replica | undefined;
  if (location.kind === 'sqlite') {
    store = openSqliteStore(location.file);
    hub = cfg.agentTokens.size ? new PullHub() : undefined;
  } else {
    // Several replicas share this database: environments are sharded by leases (docs/ha.md).
    const pg = openPostgresStore(location.url);
    try {
      replica = await openReplica(cfg, pg, location.url, metrics, log);
    } catch (err) {
      await pg.close();
      throw err;
    }
    store = pg;
    hub = replica.pull;
    if (!process.env.BOREAS_STATE_KEY)
      log.warn(
        "BOREAS_STATE_KEY is not set: each replica seals keys with its own state.key, so replicas cannot read each other's certificate keys (see docs/ha.md)",
      );
  }
  const base: DaemonBase = {
    store,
    stateDir,
    cacheDir: join(stateDir, 'cache'),
    log,
    pull: hub,
    ageIdentityFiles: cfg.ageIdentityFiles,
    memo: new RevisionMemo(),
    agentClients: new SharedAgentClients(),
  };
  // Watches what each reconcile applied and asks for another when it drifts (Kubernetes watches);
  // it only triggers after a reconcile, when ctx exists.
  const liveDrift = new LiveDriftWatch(base, (reason) => void ctx.trigger(reason), log);
  const controller = new Controller(cfg, base, metrics, (loaded, summary) => liveDrift.update(loaded, summary.desired), replica?.shards);
  const queue = new ReconcileQueue(async (reasons) => void (await controller.run(reasons)), log);
  const ctx: DaemonContext = {
    cfg,
    base,
    controller,
    queue,
    metrics,
    startedAt: new Date(),
    deliveries: new WebhookDeliveries(store),
    hub,
    cluster: replica && { id: replica.id, tables: replica.tables },
    trigger(reason) {
      const queued = queue.trigger(reason);
      if (queued) metrics.recordTrigger(reason);
      if (queued) replica?.forward(reason);
      return queued;
    },
  };

  let server: DaemonServer;
  try {
    server = await startServer(ctx, ctx.hub ? agentRoutes(ctx, ctx.hub) : {});
  } catch (err) {
    await replica?.stop();
    await store.close();
    throw err;
  }
  log.info('daemon started', {
    listen: `${server.address.host}:${server.address.port}`,
    // A URL may carry credentials (https://user:token@host/...): never log them.
    repo: isRemoteRepo(cfg.repo) ? redactUrl(cfg.repo) : cfg.repo,
    ref: cfg.ref,
    path: cfg.path,
    state: location.kind === 'sqlite' ? location.file : location.display,
    replica: replica?.id,
    intervalMs: cfg.intervalMs,
    resyncMs: cfg.resyncMs,
    watch: cfg.watch,
    webhooks: !!cfg.webhookSecret,
    apiTokenFile: cfg.apiTokenFile,
    readsNeedToken: readsNeedToken(cfg),
    config: cfg.configFile,
  });

  const stoppables: Stoppable[] = [];
  stoppables.push(
    startPoller({
      intervalMs: cfg.intervalMs,
      currentRevision: async () => (await (await controller.openSource()).resolve()).sha,
      lastRevision: () => controller.lastSeenRevision,
      started: () => controller.ready,
      trigger: (r) => ctx.trigger(r),
      log,
    }),
  );
  stoppables.push(every(cfg.resyncMs, () => void ctx.trigger('resync'), log, 'resync'));
  if (cfg.watch) {
    if (isRemoteRepo(cfg.repo)) log.warn('--watch ignored: the repository is remote (polling and webhooks still apply)');
    else stoppables.push(startWatcher({ dir: cfg.repo, stateDir, trigger: (r) => ctx.trigger(r), log }));
  }
  if (replica) {
    const r = replica;
    // Forwarded and lease triggers run here only: they are not forwarded again.
    await r.start(`${server.address.host}:${server.address.port}`, (reason) => {
      const queued = queue.trigger(reason);
      if (queued) metrics.recordTrigger(reason);
      return queued;
    });
  }
  ctx.trigger('startup');

  let stopping: Promise<boolean> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down: no new triggers; waiting for the running reconcile', { busy: queue.busy, boundMs: cfg.shutdownTimeoutMs });
      queue.close();
      // Waiting dispatches fail now, so a reconcile blocked on an absent agent can finish.
      ctx.hub?.close();
      await Promise.allSettled([...stoppables.map((s) => s.stop()), liveDrift.close()]);
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        queue.idle().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), cfg.shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (!finished)
        log.warn('the running reconcile did not finish in time; it resumes from the state file on the next start', { boundMs: cfg.shutdownTimeoutMs });
      await server.close();
      // Leaves the cluster: the survivors own this replica's environments from their next heartbeat.
      await replica?.stop();
      // A reconcile cut short still holds the store; closing it under the run would turn a clean
      // resume into a crash, so the store is only closed once the queue is idle.
      if (finished) await Promise.all([store.close(), base.agentClients?.close()]);
      log.info('daemon stopped', { clean: finished });
      return finished;
    })());
  return { ctx, address: server.address, stop };
}
