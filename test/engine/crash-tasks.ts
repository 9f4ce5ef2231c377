// The task graph of the crash test: three chains of four tasks (t3 needs t0, t4 needs t1, ...).
import type { Task } from '../../src/model/plan.js';
import { task } from '../store/fixtures.js';

export function crashTasks(): Task[] {
  return Array.from({ length: 12 }, (_, i) => task(`t${i}`, { dependsOn: i >= 3 ? [`key-t${i - 3}`] : [] }));
}
