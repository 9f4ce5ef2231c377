// FAKE Kubernetes API server for tests: nothing real can run on these machines (see README.md).
export {
  startFakeKubeApiServer,
  type FakeKubeApiServer,
  type FakeKubeApiServerOptions,
  type InjectedFault,
  type ObjectRef,
  type RequestCounts,
} from './server.js';
