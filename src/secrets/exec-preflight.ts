// The second half of the exec checks `validate` makes (src/manifests/semantic/exec-input.ts), with the
// secret values a run resolved: a value with a NUL byte cannot be put in a process environment, and
// the command line plus the environment must still fit MAX_EXEC_BYTES once secrets are filled in.
// Run in the preflight, so a value that would fail at start fails the revision before anything is
// applied (not after its config files were written). Messages name variables and sizes, never values.
import { applicationCommands, argvBytes, envBytes, execSizeProblem, runtimeCommands } from '../manifests/exec-size.js';
import { fieldPath } from '../manifests/diag.js';
import type { ManifestSet } from '../manifests/model.js';
import type { SecretSource } from './source.js';

/** One problem with where it is (`Application/api spec.env.TOKEN`). */
export interface ExecProblem {
  message: string;
  where: string;
}

/** Problems of every running application whose environment holds a resolved secret. */
export function resolvedExecProblems(manifests: ManifestSet, valueFor: (source: SecretSource) => string | undefined): ExecProblem[] {
  const out: ExecProblem[] = [];
  for (const { manifest: app } of manifests.applications.values()) {
    const env = Object.entries(app.spec.env ?? {});
    if (app.spec.state === 'Stopped' || !env.some(([, v]) => typeof v !== 'string')) continue;
    const name = `Application/${app.metadata.name}`;
    const entries: [string, string][] = [];
    for (const [key, v] of env) {
      const value = typeof v === 'string' ? v : valueFor(v.valueFrom);
      if (value === undefined) continue;
      if (typeof v !== 'string' && value.includes('\0'))
        out.push({ message: `env ${key}: secret value contains a NUL byte`, where: `${name} spec.env.${key}` });
      entries.push([key, value]);
    }
    const envSize = envBytes(entries);
    const release = manifests.releases.get(app.metadata.name)?.manifest;
    const commands = [
      ...applicationCommands(app).map((c) => ({ argv: c.argv, where: `${name} ${fieldPath(c.path)}` })),
      ...(release?.spec.versions ?? []).flatMap((v, i) =>
        runtimeCommands(v, ['spec', 'versions', i]).map((c) => ({ argv: c.argv, where: `Release/${release!.metadata.name} ${fieldPath(c.path)}` })),
      ),
    ];
    for (const cmd of commands) {
      const problem = execSizeProblem(argvBytes(cmd.argv), envSize);
      if (problem) {
        out.push({ message: `${problem} with its secret values resolved`, where: cmd.where });
        break;
      }
    }
  }
  return out;
}
