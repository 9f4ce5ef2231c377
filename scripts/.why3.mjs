import { build } from 'esbuild';
const r = await build({
  absWorkingDir: '/work/main',
  entryPoints: ['src/cli/main.ts'],
  outbase: 'src',
  outdir: '/tmp/meta/out',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  metafile: true,
  external: ['better-sqlite3', 'pg', 'pg-native', 'dockerode', 'ssh2', 'cpu-features', 'kubernetes-models', '@kubernetes/client-node'],
  define: { BOREAS_MANIFESTS_CODE_HASH: '"x"' },
  logLevel: 'error',
});
const inputs = r.metafile.inputs;
const starts = process.argv.slice(2);
const seen = new Set(starts);
const q = [...starts];
while (q.length) {
  const f = q.shift();
  for (const i of inputs[f]?.imports ?? [])
    if (i.kind !== 'dynamic-import' && inputs[i.path] && !seen.has(i.path)) {
      seen.add(i.path);
      q.push(i.path);
    }
}
const pk = new Map();
for (const f of seen) {
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f);
  const k = m ? m[1] : 'src';
  pk.set(k, (pk.get(k) ?? 0) + inputs[f].bytes);
}
console.log(
  [...pk]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${(v / 1024).toFixed(0).padStart(6)} KB ${k}`)
    .join('\n'),
);
