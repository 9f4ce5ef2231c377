// An in-test Target that records every call (it is the executor's collaborator, not a fake of a real
// system): per-resource scripted behaviour for apply delay, thrown errors, outcomes and health.
import type { Task, TaskResult } from '../../src/model/plan.js';
import type { DesiredResource, Health } from '../../src/model/resource.js';
import type { Reachability, Target } from '../../src/targets/target.js';

export interface Script {
  /** Milliseconds each apply takes. */
  applyMs?: number;
  /** Throw this many times before succeeding. */
  throwTimes?: number;
  /** Returned outcome (default created). */
  outcome?: TaskResult['outcome'];
  /** Health answers in order; the last one repeats. Default Healthy. */
  health?: Health[];
}

export interface Call {
  resourceId: string;
  key: string;
  action: Task['action'];
  start: number;
  end?: number;
  threw?: boolean;
}

export class RecordingTarget implements Target {
  readonly calls: Call[] = [];
  readonly healthCalls: string[] = [];
  active = 0;
  maxActive = 0;
  /** Hook run at the start of each apply (tests read the store from here). */
  onApply?: (task: Task) => void | Promise<void>;
  private readonly thrown = new Map<string, number>();

  constructor(
    readonly key = 'local',
    private readonly scripts: Record<string, Script> = {},
  ) {}

  readonly kinds = ['Instance', 'File', 'NginxSite', 'CertificateFiles', 'Certificate', 'KubeObject'] as const;

  async probe(): Promise<Reachability> {
    return { reachable: true, facts: {} };
  }

  async observe(): Promise<never[]> {
    return [];
  }

  async apply(task: Task): Promise<TaskResult> {
    const s = this.scripts[task.resourceId] ?? {};
    const call: Call = { resourceId: task.resourceId, key: task.key, action: task.action, start: performance.now() };
    this.calls.push(call);
    await this.onApply?.(task);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await new Promise((r) => setTimeout(r, s.applyMs ?? 5));
      const n = this.thrown.get(task.resourceId) ?? 0;
      if (n < (s.throwTimes ?? 0)) {
        this.thrown.set(task.resourceId, n + 1);
        call.threw = true;
        throw new Error(`connection refused (${task.resourceId} try ${n + 1})`);
      }
      const outcome = s.outcome ?? (task.action === 'delete' ? 'deleted' : 'created');
      return outcome === 'failed' ? { outcome, message: `target says no to ${task.resourceId}` } : { outcome };
    } finally {
      this.active--;
      call.end = performance.now();
    }
  }

  async health(resource: DesiredResource): Promise<Health> {
    this.healthCalls.push(resource.id);
    const list = this.scripts[resource.id]?.health ?? [{ status: 'Healthy', level: 100 }];
    const n = this.healthCalls.filter((id) => id === resource.id).length;
    return list[Math.min(n, list.length) - 1];
  }

  /** Apply calls for one resource. */
  callsFor(name: string): Call[] {
    return this.calls.filter((c) => c.resourceId === `local/Instance/${name}`);
  }
}
