// What one task handler reports back to handleTask (the envelope and the recorded result are the
// shared protocol types in src/protocol/tasks.ts).
import type { Json } from '../../model/json.js';
import type { TaskResultRecord } from '../../protocol/tasks.js';

export interface HandlerOutcome {
  outcome: TaskResultRecord['outcome'];
  message?: string;
  details?: Record<string, Json>;
  /** Recorded for `task.resource`; undefined = forget the resource (removals). */
  locator?: Record<string, Json>;
  /** Set by removal handlers: the resource no longer exists on this node. */
  removed?: boolean;
}
