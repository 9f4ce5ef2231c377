// Ports for servers that child processes start (apps, nginx, agents, daemons), where listening on
// port 0 and reporting back is not possible. Picked below the kernel's ephemeral range (32768+), so
// no port-0 bind anywhere on the machine can take one between our check and the child's listen; and
// `span` consecutive ports are checked because replicas listen on port + slot.
import { createServer } from 'node:net';

const low = 20000;
const high = 32000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port p such that p .. p+span-1 are all free on 127.0.0.1 right now. */
export async function freePort(span = 8): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low - span));
    let ok = true;
    for (let p = base; p < base + span && ok; p++) ok = await bindable(p);
    if (ok) return base;
  }
  throw new Error(`no ${span} consecutive free ports found in ${low}-${high}`);
}
