// SystemdInstallUnit / SystemdControl (docs/design.md, Agent protocol) for units the controller manages directly
// (Application runtime systemd goes through StartInstance and the systemd runner instead). The unit
// file may only land in the configured unit dir or an allowed root.
import { join } from 'node:path';
import { checkBeneath, readFileBeneath, writeFileBeneath } from '../../runtime/files/index.js';
import { assertUnitName, showUnit, systemctl, type SystemdOptions } from '../../runtime/runners/systemd.js';
import type { AgentContext } from '../context.js';
import type { TaskHandlers } from './types.js';

function options(ctx: AgentContext): SystemdOptions {
  return { systemctl: ctx.config.systemctl, unitDir: ctx.config.systemdUnitDir };
}

const installUnit: TaskHandlers['SystemdInstallUnit'] = async (ctx, payload) => {
  const unitName = assertUnitName(payload.unitName);
  const roots = [ctx.config.systemdUnitDir, ...ctx.config.allowedRoots];
  const path = checkBeneath(payload.unitPath ?? join(ctx.config.systemdUnitDir, unitName), roots);
  const opts = options(ctx);
  const changed = readFileBeneath(path, roots)?.content.toString('utf8') !== payload.content;
  if (changed) await writeFileBeneath(path, roots, payload.content, 0o644);
  if (changed) await systemctl(opts, ['daemon-reload']);
  if (payload.enable === true) await systemctl(opts, ['enable', '--', unitName]);
  return {
    outcome: changed ? 'configured' : 'unchanged',
    message: changed ? `${unitName} written, daemon reloaded` : `${unitName} unchanged`,
    details: { unitPath: path },
    locator: { unit: unitName, unitPath: path },
  };
};

const actions = { start: 'start', stop: 'stop', restart: 'restart', status: 'status' } as const;

const control: TaskHandlers['SystemdControl'] = async (ctx, payload) => {
  const unitName = assertUnitName(payload.unitName);
  const action = actions[payload.action];
  const opts = options(ctx);
  const before = await showUnit(opts, unitName);
  const active = before.ActiveState === 'active';
  // start/stop are ensures (no-op when already there); restart always restarts.
  const needed = action === 'restart' || (action === 'start' && !active) || (action === 'stop' && active);
  if (needed) await systemctl(opts, [action, '--', unitName]);
  const after = needed ? await showUnit(opts, unitName) : before;
  const details = { activeState: after.ActiveState, subState: after.SubState, invocationId: after.InvocationID };
  return {
    outcome: needed ? 'configured' : 'unchanged',
    message: `${unitName} ${after.ActiveState} (${after.SubState})`,
    details,
    locator: { unit: unitName },
  };
};

export const systemdHandlers: Pick<TaskHandlers, 'SystemdInstallUnit' | 'SystemdControl'> = { SystemdInstallUnit: installUnit, SystemdControl: control };
