// The options the commands share (docs/design.md, Commands), declared once: `--repo`, `--ref`,
// `--path`, `--state` and `--age-identity-file` come from the session option table
// (engine/session-options.ts, which the daemon uses too), `--output` and `--no-color` are defined
// here. Every command that reads manifests or state takes the ones that mean something to it.
import { type Command, Option } from 'commander';
import { sessionOptions } from '../engine/session-options.js';
import type { OptionValues } from '../util/options/option.js';
// From the file, not the index: the index also loads the config-file parser (ajv, yaml).
import { type RawFlags, envLayer, flagLayer, mergeOptions } from '../util/options/resolve.js';
import { addTableFlags } from './option-flags.js';

/** The common options, as README's command table lists them once. */
export const COMMON_FLAGS = ['--repo', '--ref', '--path', '--state', '--output', '--no-color'] as const;

export interface CommonOptionsUse {
  /** The command reads manifests: `--ref` and `--path` too (`--repo` and `--state` always). */
  manifests: boolean;
  /** Formats of `--output` (default: the first). */
  output: readonly string[];
  /** `--age-identity-file`: the command decrypts the repository's encrypted values. */
  ageIdentities?: boolean;
}

/** Adds the common options a command takes, in the same order on every command. */
export function addCommonOptions(cmd: Command, use: CommonOptionsUse): Command {
  addTableFlags(cmd, sessionOptions, use.manifests ? ['repo', 'ref', 'path', 'state'] : ['repo', 'state']);
  cmd.addOption(new Option('--output <format>', 'output format').choices(use.output).default(use.output[0]));
  cmd.option('--no-color', 'no ANSI colours (neither are there when NO_COLOR is set or the output is not a terminal)');
  if (use.ageIdentities) addTableFlags(cmd, sessionOptions, ['ageIdentityFile']);
  return cmd;
}

/** Where a command's manifests and state are: absolute paths (URLs as given), defaults applied. */
export type SessionFlags = OptionValues<typeof sessionOptions>;

/** The session options from a command's flags (over $BOREAS_AGE_IDENTITY_FILE, over the defaults). */
export function sessionFlags(flags: RawFlags, cwd = process.cwd()): SessionFlags {
  return mergeOptions(sessionOptions, [envLayer(sessionOptions, process.env, cwd), flagLayer(sessionOptions, flags, cwd)], cwd);
}

const identityOnly = { ageIdentityFile: sessionOptions.ageIdentityFile };

/** `--age-identity-file` alone, for a command that reads no repository. */
export function addAgeIdentityOption(cmd: Command): Command {
  return addTableFlags(cmd, identityOnly);
}

/** The age identity files from `--age-identity-file`, else $BOREAS_AGE_IDENTITY_FILE. */
export function ageIdentityFiles(flags: RawFlags, cwd = process.cwd()): string[] {
  return mergeOptions(identityOnly, [envLayer(identityOnly, process.env, cwd), flagLayer(identityOnly, flags, cwd)], cwd).ageIdentityFiles;
}

/** Colour only on a terminal, unless --no-color or NO_COLOR says otherwise. */
export function useColor(flags: { color?: boolean }, stream: { isTTY?: boolean } = process.stdout): boolean {
  return flags.color !== false && !process.env.NO_COLOR && !!stream.isTTY;
}
