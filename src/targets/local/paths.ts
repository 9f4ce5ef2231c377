// Where the local target keeps this machine's agent state: `<stateDir>/local` (the agent database,
// instance directories with their records and logs).
import { join } from 'node:path';

export function localWorkDir(stateDir: string): string {
  return join(stateDir, 'local');
}
