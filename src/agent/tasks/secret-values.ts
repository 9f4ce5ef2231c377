// The secret values a task carries, registered for redaction in this agent's process: the controller
// resolves `{valueFrom}` env values and certificate keys and sends them in the task, and a start that
// fails carries the process's stderr tail (an app that prints its environment) into the task's error,
// the agent's log line and its task record. The controller masks the values it resolved in its own
// process; an agent is another process, so it learns them here, from the payload, before running.
import type { AgentTask } from '../../protocol/tasks.js';
import { registerSecret } from '../../util/redact.js';

/** Registers the env values that came from a secret reference and a certificate's private key. */
export function registerTaskSecrets(task: AgentTask): void {
  if (task.type === 'StartInstance') {
    const { spec, env } = task.payload;
    for (const [name, value] of Object.entries(spec.env ?? {})) if (typeof value !== 'string' && env[name] !== undefined) registerSecret(env[name]);
  } else if (task.type === 'DeployCertificate') registerSecret(task.payload.keyPem);
}
