// The machine resources every machine target (local, agent push, agent pull) is held to the contract
// with: a config file under an allowed root, and a real process instance serving HTTP with an http
// health check (so observe-time health is exercised on every target the same way).
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FileSpec, InstanceSpec } from '../../../src/model/machine-specs.js';
import type { FileResource, InstanceResource } from '../../../src/model/resource.js';
import { readRecord } from '../../../src/runtime/state/instance-state.js';
import { hashJson } from '../../../src/util/hash.js';
import { freePort } from '../../helpers/ports.js';
import { killAfter, killGroup, serverScript } from '../../runtime/helpers.js';
import type { ContractSample } from './suite.js';

export interface MachineSampleOptions {
  target: string;
  node: string;
  /** A directory the target may write files under (an agent's allowed root). */
  filesDir: string;
  /** The target's work dir (instance records live in `<workDir>/instances`). */
  workDir: string;
}

export async function machineSamples(t: TestContext, o: MachineSampleOptions): Promise<ContractSample[]> {
  const file = (content: string): FileResource => {
    const spec: FileSpec = { app: 'web', instance: 'web-0', path: join(o.filesDir, 'web.conf'), mode: '0640', content };
    return {
      id: `${o.target}/File/web-0/web.conf`,
      target: o.target,
      kind: 'File',
      owner: 'web',
      environment: 'contract',
      name: 'web-0:web.conf',
      spec,
      hash: hashJson(spec),
      dependsOn: [],
    };
  };
  const script = join(o.filesDir, 'server.mjs');
  writeFileSync(script, serverScript);
  const port = await freePort();
  const instance = (message: string): InstanceResource => {
    const spec: InstanceSpec = {
      app: 'web',
      instance: 'web-0',
      ordinal: 0,
      node: o.node,
      host: '127.0.0.1',
      version: message,
      runtime: 'process',
      process: { command: process.execPath, args: [script] },
      env: { PORT: String(port), MESSAGE: message },
      ports: { http: port },
      filesHash: '',
      state: 'Running',
      health: { http: { port, path: '/healthz', scheme: 'http' }, intervalSeconds: 1, timeoutSeconds: 1, initialDelaySeconds: 0, failureThreshold: 1 },
    };
    return {
      id: `${o.target}/Instance/web-0`,
      target: o.target,
      kind: 'Instance',
      owner: 'web',
      environment: 'contract',
      name: 'web-0',
      spec,
      hash: hashJson(spec),
      dependsOn: [],
    };
  };
  killAfter(t, o.workDir, 'web-0');
  return [
    { name: 'File', v1: file('a: 1\n'), v2: file('a: 2\n'), drift: () => writeFile(join(o.filesDir, 'web.conf'), 'edited by hand\n') },
    {
      name: 'Instance',
      v1: instance('v1'),
      v2: instance('v2'),
      async drift() {
        const rec = await readRecord(o.workDir, 'web-0');
        if (rec?.pid) killGroup(rec.pid);
        await new Promise((r) => setTimeout(r, 200));
      },
    },
  ];
}
