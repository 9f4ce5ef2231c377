// Commander flags from an option table (src/util/options): the flag syntax, help line, default and
// environment variable shown in `--help` come from the same declaration as the config-file key and
// the docs. No commander defaults: an unset flag must fall through to the config file, the
// environment, then the table's default (util/options/resolve.ts).
import { type Command, Option as CommanderOption } from 'commander';
import { type Option, type OptionTable, defaultText, flagSyntax } from '../util/options/option.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds a flag for every option of `table` that has one, or only for `keys`, in table order. */
export function addTableFlags(cmd: Command, table: OptionTable, keys?: readonly string[]): Command {
  for (const [key, spec] of Object.entries(table)) {
    if (keys && !keys.includes(key)) continue;
    const syntax = flagSyntax(key, spec);
    if (!syntax) continue;
    const flag = new CommanderOption(syntax, flagHelp(spec));
    if (spec.kind.repeatable) flag.argParser(collect);
    cmd.addOption(flag);
  }
  return cmd;
}

/** The help line: description; repeatable; default and environment variable. */
export function flagHelp(spec: Option<unknown>): string {
  // A switch is off unless given (`--no-x`: on unless given): saying so adds nothing.
  const d = spec.kind.arg === undefined ? undefined : defaultText(spec);
  const tail = [d && `default: ${d}`, spec.env && `env: ${spec.env}`].filter(Boolean).join('; ');
  return `${spec.description}${spec.kind.repeatable ? '; repeatable' : ''}${tail ? ` (${tail})` : ''}`;
}
