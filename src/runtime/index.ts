// The machine runtime in one import, for the local target and `boreas agent`: runners per runtime,
// supervision, config files, templates and health probes.
export type { Runner, RunnerContext, RunnerObservation } from './runner.js';
export type { InstanceSpec, FileSpec, HealthCheckSpec, Runtime } from '../model/machine-specs.js';
export { RunnerSet, ProcessRunner, ScriptRunner, type RunnerFactory } from './runners/index.js';
export { Supervisor, type SupervisorOptions } from './supervisor.js';
export { writeFileAtomic, parseMode, assertAllowedPath, realPathOf, fileContentHash, observeFile, type FileObservation } from './files/index.js';
export { renderTemplate, type RenderedTemplate } from '../util/template.js';
export { runHealthCheck, httpProbe, tcpProbe, execProbe, processProbe } from './health/index.js';
export { ensureArtifact, artifactPath } from './artifact.js';
export { instanceDir, resolveInstanceFilePath } from './paths.js';
export { isSameProcessAlive, processStartTime } from './process/proc-stat.js';
export { readRecord, listRecords, type InstanceRecord } from './state/instance-state.js';
