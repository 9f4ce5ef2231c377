// Keyed digests of secret plaintexts, so a desired spec can change when a secret's value changes
// without the spec (stored in the state file, printed in plans) ever holding the value. HMAC with the
// controller's state key, never a plain hash: a bare sha256 of a short password is brute-forced
// offline from a copied state file.
import { createHmac } from 'node:crypto';

/** `hmac-sha256:<hex>` of `plaintext` under `key`. Same value + same key = same digest, so re-encrypting
 *  an unchanged value to a new recipient (rotation) changes nothing downstream. */
export function secretDigest(key: string, plaintext: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(plaintext, 'utf8').digest('hex')}`;
}
