// JSON Schemas of every request body the agent accepts, shared by both sides: the agent validates
// with them, the controller's tests check what it sends against them. Unknown fields are refused
// (additionalProperties: false) so a typo in a controller or a curl call is a 400 naming the field,
// not a silently ignored setting.
import { taskTypes } from './tasks.js';

/** RFC 8555 §8.3: ACME tokens are base64url; anything else is refused before touching the disk. */
export const acmeTokenPattern = '^[A-Za-z0-9_-]{1,256}$';

const str = { type: 'string', minLength: 1 };
const argv = { type: 'array', items: str, minItems: 1 };
const strMap = { type: 'object', additionalProperties: { type: 'string' } };
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, properties, required });
const port = { type: 'integer', minimum: 1, maximum: 65535 };

/** `POST /v1/apply` of the node status API (deploy one app by package). */
export const v1ApplySchema = obj(
  {
    app: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' },
    version: str,
    pkg: obj(
      {
        type: { enum: ['docker', 'binary', 'script'] },
        image: str,
        ports: { type: 'array', items: obj({ host: port, container: port, protocol: { enum: ['tcp', 'udp'] } }, ['container']) },
        environment: strMap,
        command: { anyOf: [str, argv] },
        args: { type: 'array', items: { type: 'string' } },
        cwd: str,
        url: str,
        sha256: { type: 'string', pattern: '^[a-f0-9]{64}$' },
        start: argv,
        stop: argv,
        status: argv,
        networkMode: str,
      },
      ['type'],
    ),
  },
  ['app', 'version', 'pkg'],
);

const healthCheck = obj({
  http: obj({ port, path: { type: 'string' }, scheme: { enum: ['http', 'https'] } }, ['port']),
  tcp: obj({ port }, ['port']),
  exec: obj({ command: argv }, ['command']),
  process: { type: 'object' },
  intervalSeconds: { type: 'number' },
  timeoutSeconds: { type: 'number' },
  initialDelaySeconds: { type: 'number' },
  failureThreshold: { type: 'number' },
});

const instanceRef = obj({ runtime: { enum: ['process', 'container', 'script', 'systemd'] }, instance: str }, ['runtime', 'instance']);

/** Payload schema per task type. */
export const payloadSchemas: Record<string, object> = {
  ApplyConfigFiles: obj(
    {
      files: {
        type: 'array',
        minItems: 1,
        items: obj({ path: str, instance: str, content: { type: 'string' }, mode: { type: 'string', pattern: '^0?[0-7]{3,4}$' }, owner: str, group: str }, [
          'path',
          'content',
        ]),
      },
    },
    ['files'],
  ),
  RemoveFiles: obj({ paths: { type: 'array', minItems: 1, items: str }, instance: str }, ['paths']),
  SystemdInstallUnit: obj({ unitName: str, unitPath: str, content: { type: 'string' }, enable: { type: 'boolean' } }, ['unitName', 'content']),
  SystemdControl: obj({ unitName: str, action: { enum: ['start', 'stop', 'restart', 'status'] } }, ['unitName', 'action']),
  HealthProbe: obj({ check: healthCheck, runtime: instanceRef.properties.runtime, instance: str, host: str }, ['check']),
  // The InstanceSpec is the controller's own type (src/model/machine-specs.ts); only what the agent
  // relies on is checked here so the spec can grow without an agent upgrade.
  StartInstance: obj(
    {
      spec: {
        type: 'object',
        required: ['app', 'instance', 'runtime', 'version', 'state'],
        properties: { instance: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }, runtime: instanceRef.properties.runtime },
      },
      specHash: str,
      env: strMap,
    },
    ['spec', 'specHash', 'env'],
  ),
  StopInstance: instanceRef,
  RemoveInstance: instanceRef,
  RenderAndDeployNginx: obj(
    {
      siteName: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      targetPath: str,
      content: { type: 'string' },
      testCommand: { anyOf: [argv, str] },
      reloadCommand: { anyOf: [argv, str] },
      // How observe checks the site is live (model/edge-specs.ts NginxSiteProbe); kept with the record.
      probe: obj({ host: str, path: { type: 'string' }, tls: { type: 'boolean' }, marker: str, expectBackend: { type: 'boolean' } }, [
        'host',
        'path',
        'tls',
        'marker',
        'expectBackend',
      ]),
    },
    ['siteName', 'content'],
  ),
  RemoveNginxSite: obj({ siteName: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }, targetPath: str }, ['siteName']),
  DeployCertificate: obj(
    {
      name: str,
      certPem: str,
      keyPem: str,
      certPath: str,
      keyPath: str,
      modeOwnerGroup: { type: 'object' },
      reload: { type: 'boolean' },
      testCommand: { anyOf: [argv, str] },
      reloadCommand: { anyOf: [argv, str] },
    },
    ['name', 'certPem', 'keyPem', 'certPath', 'keyPath'],
  ),
  // ACME http-01: a token and its key authorization only; the directory is the node's --nginx-webroot.
  PublishChallenge: obj({ token: { type: 'string', pattern: acmeTokenPattern }, content: { type: 'string', minLength: 1, maxLength: 4096 } }, [
    'token',
    'content',
  ]),
  RemoveChallenge: obj({ token: { type: 'string', pattern: acmeTokenPattern } }, ['token']),
};

/** The task envelope. */
export const taskSchema = obj(
  {
    taskId: str,
    idempotencyKey: str,
    type: { enum: [...taskTypes] },
    traceId: str,
    timeoutSec: { type: 'number', exclusiveMinimum: 0 },
    resource: obj({ id: str, kind: str, hash: str }, ['id', 'kind', 'hash']),
    payload: { type: 'object' },
  },
  ['taskId', 'type', 'payload'],
);

const observeItems = { type: 'array', items: obj({ id: str, kind: str, hash: str, locator: { type: 'object' } }, ['id', 'kind']) };
payloadSchemas.Observe = obj({ resources: observeItems }, ['resources']);

/** `POST /v1/observe-digests`: the observe items plus the digests the controller holds. */
export const observeDigestsSchema = obj(
  { resources: observeItems, known: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
  ['resources'],
);

export const observeSchema = obj({ resources: { type: 'array', items: obj({ id: str, kind: str, hash: str, locator: { type: 'object' } }, ['id', 'kind']) } }, [
  'resources',
]);
