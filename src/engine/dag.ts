// Task graph checks done before anything runs. The planner only produces acyclic graphs; this is the
// defensive check that turns a planner bug into a clear error instead of a run that never ends.
import type { Task } from '../model/plan.js';

/** Dependencies of each task restricted to the tasks given (others count as already satisfied). */
export function localDependencies(tasks: Task[]): Map<string, string[]> {
  const keys = new Set(tasks.map((t) => t.key));
  return new Map(tasks.map((t) => [t.key, [...new Set(t.dependsOn.filter((d) => keys.has(d) && d !== t.key))]]));
}

/** Throws when two tasks share a key or the dependencies form a cycle (the message names the cycle). */
export function assertAcyclic(tasks: Task[]): void {
  const byKey = new Map<string, Task>();
  for (const t of tasks) {
    if (byKey.has(t.key)) throw new Error(`task graph: duplicate task key ${t.key} (${t.resourceId})`);
    byKey.set(t.key, t);
  }
  for (const t of tasks) if (t.dependsOn.includes(t.key)) throw new Error(`task graph: ${t.resourceId} depends on itself`);
  const deps = localDependencies(tasks);
  const state = new Map<string, 'visiting' | 'done'>();
  // Iterative DFS: a graph of 10,000 instances must not overflow the stack.
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const stack: Array<{ key: string; next: number }> = [{ key: root, next: 0 }];
    state.set(root, 'visiting');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const children = deps.get(top.key)!;
      if (top.next >= children.length) {
        state.set(top.key, 'done');
        stack.pop();
        continue;
      }
      const child = children[top.next++];
      const s = state.get(child);
      if (s === 'done') continue;
      if (s === 'visiting') {
        const from = stack.findIndex((f) => f.key === child);
        const cycle = [...stack.slice(from).map((f) => byKey.get(f.key)!.resourceId), byKey.get(child)!.resourceId];
        throw new Error(`task graph: dependency cycle ${cycle.join(' -> ')}`);
      }
      state.set(child, 'visiting');
      stack.push({ key: child, next: 0 });
    }
  }
}
