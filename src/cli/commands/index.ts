// The command registry: one module per command (their contract is in types.ts).
import { registerInit } from './init.js';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerReconcile } from './reconcile.js';
import { registerStatus } from './status.js';
import { registerDown } from './down.js';
import { registerHistory } from './history.js';
import { registerRollback } from './rollback.js';
import { registerAgent } from './agent.js';
import { registerDaemon } from './daemon.js';
import { registerSecrets } from './secrets.js';
import { registerState } from './state.js';

import type { RegisterCommand } from './types.js';

export type { RegisterCommand, SetExit } from './types.js';

export const commands: RegisterCommand[] = [
  registerInit,
  registerValidate,
  registerPlan,
  registerReconcile,
  registerStatus,
  registerDown,
  registerHistory,
  registerRollback,
  registerAgent,
  registerDaemon,
  registerSecrets,
  registerState,
];
