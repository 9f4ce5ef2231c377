// A throwaway PostgreSQL cluster for a test file (Debian's `postgresql` package): `initdb` into a
// temp dir as the `postgres` user (root may not run the server), `pg_ctl start` on 127.0.0.1 at a
// port the test picks, `createdb`, and `pg_ctl stop` when the file ends. When PostgreSQL is not
// installed or cannot start, `skip` says why and the tests skip with that reason.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** Where Debian puts the server binaries (the newest version installed). */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export interface TestPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/boreas` */
  url: string;
  port: number;
  /** A fresh, empty database on the same cluster (one per test that needs isolation). */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL through psql (assertions on rows the daemons wrote). */
  sql(query: string, db?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why PostgreSQL cannot be used here, or undefined when it can. */
export function postgresSkipReason(): string | undefined {
  if (!binDir()) return 'PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)';
  if (userInfo().uid === 0) {
    try {
      userInfoOf('postgres');
    } catch {
      return 'no postgres user to run the server as';
    }
  }
  return undefined;
}

function userInfoOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Starts a cluster and creates database `boreas`; throws with the server log when it cannot start. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  if (!bin) throw new Error(postgresSkipReason());
  const dir = await mkdtemp(join(tmpdir(), 'boreas-pg-'));
  await chmod(dir, 0o755);
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const pgUser = userInfoOf('postgres');
    await chown(dir, pgUser.uid, pgUser.gid);
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args));
  const data = join(dir, 'data');
  const port = await freePort(1);
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  try {
    await as('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      '-w',
      'start',
    ]);
  } catch (err) {
    const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  const psql = async (query: string, db = 'boreas') =>
    (
      await run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-At', '-v', 'ON_ERROR_STOP=1', '-c', query])
    ).stdout.trim();
  const createDatabase = async (name: string) => {
    await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
    return `postgresql://postgres@127.0.0.1:${port}/${name}`;
  };
  const url = await createDatabase('boreas');
  return {
    url,
    port,
    createDatabase,
    sql: psql,
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
