// Progress of a reconcile run. On a TTY one line is redrawn in place (`[3/10] batch 1 · applying
// local/Instance/api-0`); otherwise (CI logs) each finished task is one plain line. Failures are
// always printed as their own line so they survive the redraw.
import type { ChangeAction, Plan, TaskOutcome, TaskState } from '../model/plan.js';
import { describeCounts, countActions } from './plan-summary.js';
import { safeText } from '../util/terminal-text.js';
import { redact } from '../util/redact.js';

/** What the executor reports; unknown fields are ignored, so the executor may send more. */
export interface ProgressEvent {
  type: 'task-started' | 'task-finished';
  resourceId: string;
  action?: ChangeAction;
  /** Rollout batch of the task (0 first). */
  batch?: number;
  /** Final state for task-finished: succeeded | failed | cancelled (or skipped when already done). */
  state?: TaskState | 'skipped';
  outcome?: TaskOutcome;
  message?: string;
}

export interface Progress {
  /** A new plan was computed (pass 1, 2, ...): resets the counter to its changes. */
  plan(plan: Plan, pass: number): void;
  /** A task started or finished (a ProgressEvent, or the executor's equivalent). */
  event(event: unknown): void;
  /** Clears the live line; call before printing the summary. */
  done(): void;
}

export interface WritableLike {
  write(chunk: string): unknown;
}

/** Progress printer writing to `stream`; `isTTY` chooses the redrawn line over plain lines. */
export function createProgress(out: WritableLike, isTTY: boolean): Progress {
  // Task messages come from targets and libraries: any resolved secret in them is masked.
  const stream: WritableLike = { write: (chunk: string) => out.write(redact(chunk)) };
  let total = 0;
  let started = 0;
  let finished = 0;
  let live = false;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  const redraw = (text: string) => {
    stream.write(`\r\x1b[2K${text}`);
    live = true;
  };
  return {
    plan(plan, pass) {
      total = plan.changes.length;
      started = 0;
      finished = 0;
      if (total === 0 && pass === 1) return;
      const text = total === 0 ? `pass ${pass}: no changes left` : `pass ${pass}: ${describeCounts(countActions(plan.changes))}`;
      clear();
      stream.write(`${text}\n`);
    },
    event(raw) {
      const ev = normalizeEvent(raw);
      if (!ev) return;
      const counter = (n: number) => `[${n}/${Math.max(total, n)}]`;
      const batch = ev.batch !== undefined ? `batch ${ev.batch + 1} · ` : '';
      if (ev.type === 'task-started') {
        started++;
        const verb = ev.action === 'delete' ? 'deleting' : 'applying';
        if (isTTY) redraw(`${counter(started)} ${batch}${verb} ${safeText(ev.resourceId)}`);
        return;
      }
      finished++;
      const failed = ev.state === 'failed' || ev.state === 'cancelled' || ev.outcome === 'failed';
      const status = failed ? (ev.state === 'cancelled' ? 'cancelled' : 'failed') : 'ok';
      const detail = ev.message ? `: ${safeText(ev.message)}` : ev.outcome ? ` (${ev.outcome})` : '';
      const line = `${counter(finished)} ${status} ${ev.action ? `${ev.action} ` : ''}${safeText(ev.resourceId)}${detail}`;
      if (!isTTY) stream.write(`${line}\n`);
      else if (failed) {
        clear();
        stream.write(`${line}\n`);
      } else redraw(`${counter(finished)} ${batch}done ${safeText(ev.resourceId)}`);
    },
    done() {
      if (isTTY) clear();
    },
  };
}

type Loose = { [key: string]: unknown };
const obj = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null ? (v as Loose) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Accepts a ProgressEvent or a close shape (`{type: 'started', task: {...}}`, `{kind: 'finished', result}`). */
export function normalizeEvent(raw: unknown): ProgressEvent | undefined {
  const e = obj(raw);
  if (!e) return undefined;
  const task = obj(e.task);
  const result = obj(e.result);
  const kind = (str(e.type) ?? str(e.kind) ?? str(e.event) ?? '').toLowerCase();
  const type = /start|running|begin/.test(kind)
    ? 'task-started'
    : /finish|done|end|complete|result|succeeded|failed|cancel|skip/.test(kind)
      ? 'task-finished'
      : undefined;
  const resourceId = str(e.resourceId) ?? str(task?.resourceId) ?? str(e.id);
  if (!type || !resourceId) return undefined;
  const resource = obj(task?.resource);
  const batchRaw = e.batch ?? resource?.batch ?? task?.batch;
  return {
    type,
    resourceId,
    action: (str(e.action) ?? str(task?.action)) as ChangeAction | undefined,
    batch: typeof batchRaw === 'number' ? batchRaw : undefined,
    state: (str(e.state) ?? str(result?.state)) as ProgressEvent['state'],
    outcome: (str(e.outcome) ?? str(result?.outcome)) as TaskOutcome | undefined,
    message: str(e.message) ?? str(result?.message),
  };
}
