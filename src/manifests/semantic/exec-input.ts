// What reaches exec() and the file system must be passable there, or the revision would fail half
// applied: environment variable names a shell and exec accept, no NUL byte in any string (a C string
// ends at NUL: an argument, a value, a path or a file written from it would be cut short or refused),
// and a command line plus environment that fits the kernel's limit (MAX_EXEC_BYTES). Values resolved
// from secrets are checked again, with their values, by the run's preflight.
import { applicationCommands, argvBytes, envBytes, execSizeProblem, runtimeCommands, type ExecCommand } from '../exec-size.js';
import type { Application } from '../model.js';
import { releasesByApplication } from './releases.js';
import { finding, type Finding, type ManifestDoc, type ManifestIndex } from './types.js';

/** What a portable environment variable name looks like (POSIX: letters, digits, `_`, no leading digit). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkExecInput(index: ManifestIndex): Finding[] {
  const out: Finding[] = [];
  const all: ManifestDoc[] = [
    ...index.environments.values(),
    ...index.nodes.values(),
    ...index.applications.values(),
    ...index.releases.values(),
    ...index.ingresses.values(),
    ...index.certificates.values(),
  ];
  for (const doc of all)
    findNul(doc.manifest, [], (path, what) =>
      out.push(finding(doc, path, `${what} contains a NUL byte (\\0), which no argument, environment value, path or file can carry`)),
    );
  const releases = releasesByApplication(index);
  for (const doc of index.applications.values()) {
    const env = doc.manifest.spec.env ?? {};
    for (const name of Object.keys(env)) {
      if (!ENV_NAME.test(name)) {
        out.push(
          finding(
            doc,
            ['spec', 'env', name],
            `environment variable name ${JSON.stringify(name)} must match ${ENV_NAME.source} (letters, digits and _, not starting with a digit)`,
          ),
        );
      }
    }
    const envSize = literalEnvBytes(doc.manifest);
    for (const cmd of applicationCommands(doc.manifest)) checkSize(doc, cmd, envSize, out);
    const release = releases.get(doc.name);
    release?.manifest.spec.versions.forEach((v, i) => {
      for (const cmd of runtimeCommands(v, ['spec', 'versions', i])) checkSize(release, cmd, envSize, out);
    });
  }
  return out;
}

/** Bytes of the environment as far as Git knows it: literal values, and names of values resolved later. */
function literalEnvBytes(app: Application): number {
  return envBytes(Object.entries(app.spec.env ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : ''] as const));
}

function checkSize(doc: ManifestDoc, cmd: ExecCommand, env: number, out: Finding[]): void {
  const argv = argvBytes(cmd.argv);
  const problem = execSizeProblem(argv, env);
  if (problem) out.push(finding(doc, argv >= env || doc.kind !== 'Application' ? cmd.path : ['spec', 'env'], problem));
}

/** Calls `report` for every string (value or key) holding a NUL, with its path. */
function findNul(value: unknown, path: (string | number)[], report: (path: (string | number)[], what: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) report([...path], 'value');
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      findNul(value[i], path, report);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    path.push(k);
    if (k.includes('\0')) report([...path], 'name');
    findNul((value as Record<string, unknown>)[k], path, report);
    path.pop();
  }
}
