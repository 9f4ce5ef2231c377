// What one task handler reports back to handleTask (the envelope and the recorded result are the
// shared protocol types in src/protocol/tasks.ts).
import type { ResourceLocator } from '../../protocol/observe.js';
import type { AgentTaskOf, TaskPayloads, TaskResultDetails, TaskResultRecord, TaskType } from '../../protocol/tasks.js';
import type { AgentContext } from '../context.js';

export interface HandlerOutcome {
  outcome: TaskResultRecord['outcome'];
  message?: string;
  details?: TaskResultDetails;
  /** Recorded for `task.resource`; undefined = forget the resource (removals). */
  locator?: ResourceLocator;
  /** Set by removal handlers: the resource no longer exists on this node. */
  removed?: boolean;
}

/** Runs one task of type T with its typed payload. */
export type TaskHandler<T extends TaskType> = (ctx: AgentContext, payload: TaskPayloads[T], task: AgentTaskOf<T>) => Promise<HandlerOutcome>;

/** A handler for every task type. */
export type TaskHandlers = { [T in TaskType]: TaskHandler<T> };
