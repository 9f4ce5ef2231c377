// What one reconcile run reports: the verdict and its reasons. The engine fills it in; the CLI, the
// daemon's API and the run record render or store it.
import type { Plan } from './plan.js';
import type { DesiredResource } from './resource.js';

/** `blocked`: nothing failed, but some desired resources cannot be applied (plan.blocked says why). */
export type RunResult = 'converged' | 'not-converged' | 'failed' | 'blocked' | 'interrupted';

export interface RunSummary {
  revision: string;
  converged: boolean;
  result: RunResult;
  passes: number;
  tasks: { run: number; succeeded: number; failed: number; skipped: number; cancelled: number };
  failures: Array<{ resource: string; message: string }>;
  /** Desired resources that are in sync but not healthy now. */
  unhealthy: Array<{ resource: string; message: string }>;
  /** Applied resources kept because of --no-prune. */
  orphans: string[];
  warnings: string[];
  durationMs: number;
  /** Applications whose release failed and were rolled back (autoRollback), pinned to their previous revision. */
  rolledBack: Array<{ application: string; to: string }>;
  /** Set when the run stopped at an interrupt: tasks done in this run, and planned ones not started. */
  interrupted?: { done: number; notStarted: number };
  /** The last plan computed (empty when converged); its `unknown` and `massDelete` say why not. */
  plan: Plan;
  /** The desired resources of the last pass (what the daemon keeps watching for live drift). */
  desired: DesiredResource[];
  dryRun: boolean;
}
