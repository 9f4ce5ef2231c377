// The environment an instance starts with: a few variables from the starting process (so PATH-found
// tools and HOME work), then the instance's resolved env, then the runner's own BOREAS_* facts.
// Everything else from the CLI's environment is left out so an instance does not depend on who
// happened to run `reconcile`.
const inherited = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

export function instanceEnv(resolved: Record<string, string>, extra: Record<string, string>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of inherited) if (from[k] !== undefined) env[k] = from[k]!;
  return { ...env, ...resolved, ...extra };
}
