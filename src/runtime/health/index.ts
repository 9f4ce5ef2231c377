// Health probes and the per-instance check built on them.
export { httpProbe, tcpProbe, execProbe, processProbe, healthy, unhealthy } from './probes.js';
export { runHealthCheck, type CheckContext } from './check.js';
