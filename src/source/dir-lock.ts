// A cross-process lock on a cache directory (mkdir is atomic), so two boreas processes fetching the
// same remote at once cannot interleave ref and pack writes.
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../model/errors.js';

/** A lock older than this was left by a crashed process and is broken. */
const STALE_MS = 10 * 60_000;

/** Runs `fn` holding `<path>.lock`; waits up to `timeoutMs` for another holder. */
export async function withDirLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 5 * 60_000): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock, { mode: 0o700 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = await stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > STALE_MS) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new UserError(`timed out waiting for lock ${lock} (another boreas process is fetching; remove it if none is)`);
      else await sleep(50 + Math.random() * 100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
