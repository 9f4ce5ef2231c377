// Machine-side file helpers shared by the local target, the agent and the nginx/certificate tasks.
export { writeFileAtomic, parseMode } from './atomic.js';
export { assertAllowedPath, realPathOf } from './allowed-roots.js';
export { checkBeneath, resolveBeneath, type Beneath } from './beneath.js';
export {
  chownBeneath,
  ensureFileBeneath,
  type EnsuredFile,
  mkdirBeneath,
  readFileBeneath,
  removeFileBeneath,
  writeFileBeneath,
  type ConfinedRead,
} from './confined.js';
export { fileContentHash, observeFile, readWithMode, type FileObservation } from './observe.js';
export { removeEmptyParents } from './empty-dirs.js';
