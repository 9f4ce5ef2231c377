// The real age CLI (Debian's `age`, `age-keygen`) for tests: keys and ciphertexts made exactly as a
// user makes them, so Boreas is tested against files it did not write itself.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why age tests cannot run here, or undefined when the age CLI is installed. */
export const ageMissing: string | undefined = (() => {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    execFileSync('age-keygen', ['--help'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the age CLI is not installed (apt-get install age)';
  }
})();

export interface AgeKey {
  /** Identity file as age-keygen writes it. */
  file: string;
  recipient: string;
  identity: string;
}

/** `age-keygen -o <file>` in a fresh temp dir. */
export async function ageKeygen(dir?: string, name = 'key.txt'): Promise<AgeKey> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'boreas-age-')));
  const file = join(d, name);
  await run('age-keygen', ['-o', file]);
  const recipient = (await run('age-keygen', ['-y', file])).stdout.trim();
  const identity = (await readFile(file, 'utf8')).split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  return { file, recipient, identity };
}

/** `age [-a] -r … -o <out>` with the plaintext on stdin; returns the ciphertext bytes. */
export async function ageEncrypt(plaintext: string | Buffer, recipients: string[], opts: { armor?: boolean } = {}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-age-'));
  const [input, out] = [join(dir, 'in'), join(dir, 'out')];
  await writeFile(input, plaintext, { mode: 0o600 });
  await run('age', [...(opts.armor ? ['-a'] : []), ...recipients.flatMap((r) => ['-r', r]), '-o', out, input]);
  return readFile(out);
}

/** `age -d -i <identity file>`: the plaintext. */
export async function ageDecrypt(ciphertext: Buffer, identityFile: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'boreas-age-'));
  const input = join(dir, 'in.age');
  await writeFile(input, ciphertext);
  return (await run('age', ['-d', '-i', identityFile, input], { encoding: 'buffer' })).stdout as unknown as Buffer;
}
