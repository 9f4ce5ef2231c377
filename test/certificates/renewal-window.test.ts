// When a stored certificate is due for renewal (src/targets/certificates/ensure.ts renewalReason):
// renewBeforeDays as given while it is shorter than the certificate's life; a window at least as
// long as the life (renewBeforeDays 30 with a CA's 6-day certificates) would renew it on every run,
// so it is a third of the life instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificateRecord } from '../../src/targets/certificates/cert-store.js';
import { renewalReason } from '../../src/targets/certificates/ensure.js';

const day = 86_400_000;
const issuedAt = Date.parse('2026-11-01T00:00:00Z');

function record(lifeDays: number): CertificateRecord {
  return {
    name: 'shop-cert',
    version: 1,
    issuer: 'acme',
    issuerHash: 'h',
    domains: ['shop.test'],
    sans: ['shop.test'],
    fingerprint: 'f',
    notBefore: new Date(issuedAt).toISOString(),
    notAfter: new Date(issuedAt + lifeDays * day).toISOString(),
    issuedAt: new Date(issuedAt).toISOString(),
    certPem: '',
    key: { plain: '' },
  };
}

const at = (days: number) => new Date(issuedAt + days * day);

test('renewBeforeDays shorter than the life is used as given', () => {
  const ninety = record(90);
  assert.equal(renewalReason(ninety, 'h', 30, at(1)), undefined);
  assert.equal(renewalReason(ninety, 'h', 30, at(59)), undefined);
  assert.equal(renewalReason(ninety, 'h', 30, at(61)), 'expires in 29 day(s), renewBeforeDays 30');
  assert.equal(renewalReason(ninety, 'h', 60, at(31)), 'expires in 59 day(s), renewBeforeDays 60');
});

test('a window as long as the life is a third of it: a new short-lived certificate is not renewed on every run', () => {
  const six = record(6);
  for (const now of [at(0), at(1), at(3.9)]) assert.equal(renewalReason(six, 'h', 30, now), undefined, `not due at ${now.toISOString()}`);
  assert.equal(renewalReason(six, 'h', 30, at(4.5)), 'expires in 1 day(s), a third of its 6-day life (renewBeforeDays 30 is not shorter than that life)');
  assert.equal(renewalReason(record(1826), 'h', 3650, at(1)), undefined, "pebble's 5-year certificate with renewBeforeDays 3650");
  // Whatever the window, a new issuer or domain list is a new certificate at once.
  assert.equal(renewalReason(six, 'other', 30, at(0)), 'domains or issuer changed');
  assert.equal(renewalReason(undefined, 'h', 30, at(0)), 'not issued yet');
});
