// dependsOn must form a DAG: a cycle would leave every application in it waiting for the others.
import { finding, type Finding, type ManifestIndex } from './types.js';

/** One finding per distinct cycle, naming it `a -> b -> a`, at the dependsOn entry that closes it. */
export function checkDependencyCycles(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    const deps = index.applications.get(name)?.manifest.spec.dependsOn ?? [];
    deps.forEach((dep, i) => {
      if (dep === name || !index.applications.has(dep)) return; // reported by the reference checks
      const s = state.get(dep);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        out.push(finding(index.applications.get(name)!, ['spec', 'dependsOn', i], `dependsOn cycle: ${cycle.join(' -> ')}`));
      } else if (!s) visit(dep);
    });
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...index.applications.keys()].sort()) if (!state.has(name)) visit(name);
  return out;
}
