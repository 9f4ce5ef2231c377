// Child process for the crash test: executes a fixed DAG of tasks against a target whose apply
// appends the task key to a side-effect log and then takes a while, printing one line per finished
// task so the parent knows when to kill -9 it. Usage: crash-child.ts <state.db> <side-effects.log>
import { appendFileSync } from 'node:fs';
import { executeTasks } from '../../src/engine/executor.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { Target } from '../../src/targets/target.js';
import { silentLogger } from '../../src/util/logger.js';
import { crashTasks } from './crash-tasks.js';

const [stateFile, logFile] = process.argv.slice(2);
const store = openSqliteStore(stateFile);
const target: Target = {
  key: 'local',
  kinds: ['Instance'],
  probe: async () => ({ reachable: true, facts: {} }),
  observe: async () => [],
  async apply(task) {
    appendFileSync(logFile, `${task.key}\n`);
    await new Promise((r) => setTimeout(r, 80));
    return { outcome: 'created' };
  },
  health: async () => ({ status: 'Healthy', level: 100 }),
};
const summary = await executeTasks(crashTasks(), {
  store,
  runId: await store.startRun('reconcile', 'rev1'),
  targetFor: () => target,
  log: silentLogger,
  concurrency: 2,
  onEvent: (ev) => {
    if (ev.type === 'task-finished') process.stdout.write(`finished ${ev.result.key} ${ev.result.state}\n`);
  },
});
await store.close();
process.stdout.write(`summary ${JSON.stringify({ succeeded: summary.succeeded, skipped: summary.skipped, failed: summary.failed })}\n`);
