// `boreas state migrate --from <sqlite file> --to <postgresql://…>`: moves a single-node installation
// onto a shared PostgreSQL state for several daemon replicas (docs/ha.md). The SQLite file is held
// under its state.lock for the copy, so no reconcile writes to it meanwhile; it is left as it was.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { acquireStateLock } from '../../engine/state-lock.js';
import { ExitCode, UserError } from '../../model/errors.js';
import { copySqliteToPostgres } from '../../store/copy-to-postgres.js';
import { displayUrl, stateLocation } from '../../store/index.js';
import type { SetExit } from './types.js';

export function registerState(program: Command, setExit: SetExit): void {
  const state = program.command('state').description('Manage the state store');
  state
    .command('migrate')
    .description('Copy a SQLite state file into an empty PostgreSQL database (then run the daemons with --state <url>)')
    .requiredOption('--from <file>', 'SQLite state file to copy (e.g. .boreas/state.db)')
    .requiredOption('--to <url>', 'postgresql://user@host:port/db URL of an empty (or new) Boreas database')
    .action(async (flags: { from: string; to: string }) => {
      const from = stateLocation(flags.from);
      if (from.kind !== 'sqlite') throw new UserError(`--from ${displayUrl(flags.from)}: expected a SQLite state file, not a URL`);
      const to = stateLocation(flags.to);
      if (to.kind !== 'postgres') throw new UserError(`--to ${flags.to}: expected a postgresql:// or postgres:// URL`);
      if (!existsSync(from.file)) throw new UserError(`--from ${flags.from}: no such state file`);
      const release = acquireStateLock(from.dir, 'state migrate');
      try {
        const { tables } = await copySqliteToPostgres(from.file, to.url);
        const total = tables.reduce((n, t) => n + t.rows, 0);
        process.stdout.write(`copied ${total} rows from ${from.file} to ${to.display}\n`);
        for (const t of tables) process.stdout.write(`  ${t.table.padEnd(18)} ${t.rows}\n`);
        if (!process.env.BOREAS_STATE_KEY && existsSync(join(from.dir, 'state.key')))
          process.stdout.write(
            `certificate keys are sealed with ${join(from.dir, 'state.key')}: give every replica that key (BOREAS_STATE_KEY or the same state.key in its data directory; see docs/ha.md)\n`,
          );
        setExit(ExitCode.Ok);
      } finally {
        release();
      }
    });
}
