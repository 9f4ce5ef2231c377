// The one home of secret handling: where a value comes from (env, file, age, SOPS), how it is
// decrypted and checked before a run, how it stands in desired specs (keyed digests), what counts as
// secret, how it is masked in reports, and how resolved values are redacted from every text written.
export { SecretError } from './errors.js';
export { resolveSecret, type SecretContext } from './resolve.js';
export { resolveEnv, literalEnv } from './env.js';
export { preflightSecrets, openRevisionSecrets, ciphertextDigests, revisionSecretContext, repoSecretUses, type RevisionSecrets } from './preflight.js';
export { secretDigest } from './digest.js';
export { registerSecret, redact, redactDeep, REDACTED } from '../util/redact.js';
export { identityFiles, loadIdentities, IDENTITY_ENV, type AgeIdentity } from './identities.js';
export { describeSource, placeholderOf, isSecretRef, isSecretSource, isRepoSource, type SecretSource } from './source.js';
