// `validate` checks encrypted-value paths without decrypting anything (no identity needed): relative,
// no "..", present in the revision, reported as file:line:col; SOPS files and .sops.yaml in the repo
// are data, not manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

const env = 'apiVersion: boreas.dev/v1\nkind: Environment\nmetadata: {name: dev}\nspec: {type: local}\n';
const app = (envMap: string) =>
  `apiVersion: boreas.dev/v1\nkind: Application\nmetadata: {name: api}\nspec:\n  environment: dev\n  runtime: process\n  process: {command: node}\n  env:\n${envMap}`;

test('validate names bad age/SOPS paths by file:line:col and accepts a SOPS file and .sops.yaml beside manifests', async (t) => {
  const repo = await createGitRepo({
    'env.yaml': env,
    'apps/api.yaml': app(
      [
        '    A: {valueFrom: {age: ../outside.age}}',
        '    B: {valueFrom: {age: /etc/boreas/x.age}}',
        '    C: {valueFrom: {age: secrets/missing.age}}',
        '    D: {valueFrom: {sops: {file: secrets/app.sops.yaml, key: db.password}}}',
        '',
      ].join('\n'),
    ),
    'apps/bad.yaml': app('    E: {valueFrom: {sops: {file: secrets/app.sops.yaml, key: "db..password"}}}\n').replace('name: api', 'name: bad'),
    'secrets/app.sops.yaml':
      'db:\n  password: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\nsops:\n  age: []\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n  version: 3.9.4\n',
    '.sops.yaml': 'creation_rules:\n  - age: age1xyz\n',
  });
  t.after(() => repo.cleanup());
  const r = await runCli(['validate', '--repo', repo.dir], { env: { BOREAS_AGE_IDENTITY_FILE: '' } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /apps\/api\.yaml:9:\d+: Application\/api: spec\.env\.A\.valueFrom\.age: path "\.\.\/outside\.age" must not contain "\.\." segments/);
  assert.match(out, /apps\/api\.yaml:10:\d+: Application\/api: spec\.env\.B\.valueFrom\.age: path "\/etc\/boreas\/x\.age" must be relative/);
  assert.match(out, /apps\/api\.yaml:11:\d+: Application\/api: spec\.env\.C\.valueFrom\.age: file "secrets\/missing\.age" is not in this revision/);
  assert.match(out, /apps\/bad\.yaml:9:\d+: Application\/bad: spec\.env\.E\.valueFrom\.sops\.key: must match/, 'a malformed dotted key is a schema error');
  assert.doesNotMatch(out, /spec\.env\.D/, 'an existing SOPS file is fine');
  assert.doesNotMatch(out, /sops\.yaml:\d+:\d+/, 'SOPS files and .sops.yaml are not manifests');
});
