// Directories a removed file leaves empty are removed too, up to and including `top` (an instance's
// directory), so deleting an instance's last relative config file leaves nothing behind.
import { rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function removeEmptyParents(path: string, top: string): Promise<void> {
  for (let dir = dirname(path); dir === top || dir.startsWith(`${top}/`); dir = dirname(dir)) {
    const removed = await rmdir(dir).then(
      () => true,
      () => false,
    );
    if (!removed) return;
  }
}
