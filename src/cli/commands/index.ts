// The command registry: one module per command. Each registers itself on the program and reports its
// exit code through setExit (commander's action return value is not an exit code).
import type { Command } from 'commander';
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

export type SetExit = (code: number) => void;
export type RegisterCommand = (program: Command, setExit: SetExit) => void;

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
