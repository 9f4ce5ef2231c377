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
// static-import closure over INPUTS starting from an entry src file; print chain to a matching input
const start = process.argv[2];
const want = new RegExp(process.argv[3]);
const prev = new Map([[start, null]]);
const q = [start];
while (q.length) {
  const f = q.shift();
  for (const i of inputs[f]?.imports ?? [])
    if (i.kind !== 'dynamic-import' && inputs[i.path] && !prev.has(i.path)) {
      prev.set(i.path, f);
      q.push(i.path);
    }
}
const hits = [...prev.keys()].filter((k) => want.test(k));
const seen = new Set();
for (const h of hits) {
  const chain = [];
  for (let c = h; c; c = prev.get(c)) chain.unshift(c);
  const key = chain.filter((c) => c.startsWith('src/')).join(' -> ');
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(
    key,
    '->',
    chain.find((c) => !c.startsWith('src/')),
  );
}
