// Stable resource ids. They key the inventory, history and plan pairing, so their format is part of
// the state file: changing it makes every resource look new (create + prune).

export const localTarget = 'local';
export const agentTarget = (node: string) => `agent:${node}`;

export function instanceName(app: string, ordinal: number): string {
  return `${app}-${ordinal}`;
}

export function instanceId(target: string, instance: string): string {
  return `${target}/Instance/${instance}`;
}

export function fileId(target: string, instance: string, path: string): string {
  return `${target}/File/${instance}/${path.replace(/^\/+/, '')}`;
}

/** The controller's certificate store is a target of its own: issuing is applying. */
export const certificatesTarget = 'certificates';

export function certificateId(name: string): string {
  return `${certificatesTarget}/Certificate/${name}`;
}
