// `boreas secrets encrypt` and `boreas secrets recipients`: add an encrypted value to a config repo
// without installing other tools. The value is read from stdin, never from argv (argv is visible to
// every local user in `ps` and lands in shell history).
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, UserError } from '../../model/errors.js';
import { encryptAge } from '../../secrets/age-file.js';
import { IDENTITY_ENV, loadIdentities } from '../../secrets/identities.js';
import type { RawFlags } from '../../util/options/index.js';
import { addAgeIdentityOption, ageIdentityFiles } from '../options.js';
import type { SetExit } from './types.js';

export function registerSecrets(program: Command, setExit: SetExit): void {
  const secrets = program.command('secrets').description('Encrypt values for the repository (age) and show the controller recipient');

  secrets
    .command('encrypt')
    .description('Encrypt the value read from stdin to age recipients (armored text by default), for valueFrom: {age: <file>}')
    .requiredOption('--recipient <age1…>', 'recipient to encrypt to (boreas secrets recipients prints the controller one); repeatable', collect, [])
    .option('--out <file>', 'write the ciphertext to this file in the repository (default: stdout)')
    .option('--binary', 'write binary age instead of armored text')
    .action(async (flags: { recipient: string[]; out?: string; binary?: boolean }) => {
      if (process.stdin.isTTY) process.stderr.write('Type the value, then Ctrl-D (it is not echoed to a file or argv):\n');
      const plaintext = await readStdin();
      if (plaintext.length === 0) throw new UserError('nothing to encrypt: the value is read from stdin (e.g. printf %s "$VALUE" | boreas secrets encrypt …)');
      let ciphertext: Uint8Array;
      try {
        ciphertext = await encryptAge(plaintext, flags.recipient, !flags.binary);
      } catch (err) {
        throw new UserError(`cannot encrypt to ${flags.recipient.join(', ')}: ${(err as Error).message} (a recipient looks like age1…)`);
      }
      if (flags.out) {
        await writeFile(flags.out, ciphertext, { mode: 0o644 });
        process.stderr.write(`wrote ${flags.out} (encrypted to ${flags.recipient.length} recipient${flags.recipient.length === 1 ? '' : 's'})\n`);
      } else process.stdout.write(ciphertext);
      setExit(ExitCode.Ok);
    });

  const recipients = secrets.command('recipients').description("Print the recipient (public key) of each of the controller's age identities");
  addAgeIdentityOption(recipients).action(async (flags: RawFlags) => {
    const files = ageIdentityFiles(flags);
    if (files.length === 0) throw new UserError(`no age identity file: pass --age-identity-file or set ${IDENTITY_ENV}`, ExitCode.Failure);
    const ids = await loadIdentities(files);
    if (ids.length === 0) throw new UserError(`no age identity in ${files.join(', ')}`, ExitCode.Failure);
    for (const r of [...new Set(ids.map((i) => i.recipient))]) process.stdout.write(`${r}\n`);
    setExit(ExitCode.Ok);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
