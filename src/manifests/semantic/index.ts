// The semantic layer: a pure function over every schema-valid document of a revision.
import type { BoreasKind } from '../model.js';
import { buildIndex } from './build-index.js';
import { checkUnusedCertificates } from './certificates.js';
import { checkDependencyCycles } from './dependencies.js';
import { checkEnvironments } from './environments.js';
import { checkEncryptedFiles } from './encrypted-files.js';
import { checkExecInput } from './exec-input.js';
import { checkFilePaths } from './file-paths.js';
import { findSecretSources } from './secret-sources.js';
import { checkIngresses } from './ingress.js';
import { checkPorts } from './ports.js';
import { checkReferences } from './references.js';
import { checkReleases } from './releases.js';
import { checkRuntimes } from './runtimes.js';
import type { Finding, ManifestDoc } from './types.js';

export type { DocRef, Finding, ManifestDoc } from './types.js';

/**
 * All semantic findings (errors, and warnings that block nothing). `invalidNames` lists documents that
 * failed the schema layer, so references to them are not reported a second time; `repoFiles` (every
 * file of the revision) lets references to files in the repository be checked.
 */
export function checkSemantics(docs: ManifestDoc[], invalidNames: { kind: BoreasKind; name: string }[] = [], repoFiles?: ReadonlySet<string>): Finding[] {
  const { index, findings } = buildIndex(docs, invalidNames);
  const sources = findSecretSources(index); // one walk for the checks of secret sources
  return [
    ...findings,
    ...checkReferences(index),
    ...checkEnvironments(index),
    ...checkDependencyCycles(index),
    ...checkReleases(index),
    ...checkRuntimes(index),
    ...checkFilePaths(index, sources),
    ...checkEncryptedFiles(index, repoFiles, sources),
    ...checkIngresses(index),
    ...checkPorts(index),
    ...checkExecInput(index),
    ...checkUnusedCertificates(index),
  ];
}
