// Flags shared by every command that reads manifests (docs/design.md, Commands), parsed in one place.
import { Option, type Command } from 'commander';
import { dirname, resolve } from 'node:path';

export function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('--repo <path|url>', 'manifests repository: a local directory or an http(s) Git URL', '.')
    .option('--ref <rev>', 'revision to read, as git spells it: branch, tag, SHA, HEAD~1, origin/main, v1^{} (default: the working tree, or HEAD of a remote)')
    .option('--path <subdir>', 'subdirectory of the repository holding the manifests');
}

export function addStateOption(cmd: Command): Command {
  return cmd.option('--state <file|url>', 'SQLite state file, or a postgresql://user@host:port/db URL', '.boreas/state.db');
}

export function addOutputOption(cmd: Command, formats: string[] = ['text', 'json']): Command {
  return cmd.addOption(new Option('--output <format>', 'output format').choices(formats).default('text'));
}

/** Directory holding the state file; targets and caches live beside it. */
export function stateDirOf(stateFile: string): string {
  return dirname(resolve(stateFile));
}

/** `--age-identity-file <file>` (repeatable): the controller's age identities for encrypted values. */
export function addAgeIdentityOption(cmd: Command): Command {
  return cmd.option(
    '--age-identity-file <file>',
    'age identity file (as age-keygen writes) decrypting age/SOPS values in the repo; repeatable (default: $BOREAS_AGE_IDENTITY_FILE)',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  );
}

export function useColor(): boolean {
  return !process.env.NO_COLOR && !!process.stdout.isTTY;
}
