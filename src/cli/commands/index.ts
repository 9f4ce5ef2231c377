// The command registry. Each command's module is imported only when that command runs or shows its
// help, so `boreas --version`, `boreas --help` and every command load only what they use (start-up
// time, issue 12). What `boreas --help` lists for the commands not loaded (usage term and one-line
// description) is kept here; test/cli/command-registry.test.ts checks it matches what each module
// registers, so the two cannot drift apart.
import type { RegisterCommand } from './types.js';

export type { RegisterCommand, SetExit } from './types.js';

/** One command: its summary for the command list, and the module that registers it in full. */
export interface CommandEntry {
  name: string;
  /** The usage term `boreas --help` lists, e.g. `init [options] [dir]`. */
  term: string;
  description: string;
  load(): Promise<RegisterCommand>;
}

export const commands: CommandEntry[] = [
  {
    name: 'init',
    term: 'init [options] [dir]',
    description: 'Scaffold a config repository (a local Environment and one example Application), ready to commit',
    load: async () => (await import('./init.js')).registerInit,
  },
  {
    name: 'validate',
    term: 'validate [options]',
    description: 'Check every *.yaml/*.yml manifest against the JSON Schemas and the semantic rules',
    load: async () => (await import('./validate.js')).registerValidate,
  },
  {
    name: 'plan',
    term: 'plan [options]',
    description: 'Show what would be created, changed and deleted, and why; changes nothing',
    load: async () => (await import('./plan.js')).registerPlan,
  },
  {
    name: 'reconcile',
    term: 'reconcile [options]',
    description: 'Fetch, validate, plan and apply until actual state matches Git (exit 0 only when converged)',
    load: async () => (await import('./reconcile.js')).registerReconcile,
  },
  {
    name: 'status',
    term: 'status [options] [app]',
    description: 'Show applications: revision, sync state, health, drift and instances',
    load: async () => (await import('./status.js')).registerStatus,
  },
  {
    name: 'down',
    term: 'down [options]',
    description: 'Stop and remove everything Boreas started locally (per the state file and the local records)',
    load: async () => (await import('./down.js')).registerDown,
  },
  {
    name: 'history',
    term: 'history [options] <app>',
    description: 'List the runs that applied an application: commit subject and author, result, whether anything changed',
    load: async () => (await import('./history.js')).registerHistory,
  },
  {
    name: 'rollback',
    term: 'rollback [options] <app>',
    description: "Re-apply an application's desired state from an earlier revision (default: the previous one)",
    load: async () => (await import('./rollback.js')).registerRollback,
  },
  {
    name: 'agent',
    term: 'agent [options]',
    description: 'run the node agent: the node status API (/v1/apply, /v1/status) and typed tasks for the controller',
    load: async () => (await import('./agent.js')).registerAgent,
  },
  {
    name: 'daemon',
    term: 'daemon [options]',
    description: 'Run the long-lived controller: poll Git, take webhooks, self-heal drift, serve the API, metrics and dashboard',
    load: async () => (await import('./daemon.js')).registerDaemon,
  },
  {
    name: 'secrets',
    term: 'secrets',
    description: 'Encrypt values for the repository (age) and show the controller recipient',
    load: async () => (await import('./secrets.js')).registerSecrets,
  },
  {
    name: 'state',
    term: 'state',
    description: 'Manage the state store',
    load: async () => (await import('./state.js')).registerState,
  },
];
