#!/usr/bin/env node
// Records what was built, for `boreas --version`: the package version and, when the package root is
// the top of a git work tree, the commit (with "-dirty" when tracked files differ from it). Run by
// `npm run build` after tsc; writes dist/src/build-info.json next to the compiled CLI. Built outside
// a git checkout (an unpacked tarball), the commit is simply absent.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = realpathSync(new URL('..', import.meta.url).pathname);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

const info = { version };
const top = git('rev-parse', '--show-toplevel');
// An enclosing repository that is not this package's own (node_modules inside a project) does not count.
if (top.status === 0 && realpathSync(top.stdout.trim()) === root) {
  const head = git('rev-parse', 'HEAD');
  if (head.status === 0) {
    info.commit = head.stdout.trim();
    info.dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  }
}
mkdirSync(join(root, 'dist', 'src'), { recursive: true });
writeFileSync(join(root, 'dist', 'src', 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
