// Small pure pieces: the secret format, Retry-After parsing, the per-device name suggestion,
// and how an IntegrationError reads.
import { randomBytes } from 'node:crypto';
import { IntegrationError } from './integration-error.js';
import { suggestPerDevice } from './per-device.js';
import { parseRetryAfter } from './resilient-http.js';
import { decryptSecret, encryptSecret, SecretDecryptionError } from './secret-box.js';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips, with a fresh IV each time and a versioned format', () => {
    const a = encryptSecret('s3cret-value', key);
    const b = encryptSecret('s3cret-value', key);
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret-value');
    expect(Buffer.from(a.split(':')[1], 'base64')).toHaveLength(12);
    expect(decryptSecret(a, key)).toBe('s3cret-value');
  });

  it('a wrong key, a tampered value or an unknown format is a clear error', () => {
    const stored = encryptSecret('s3cret-value', key);
    const [v, iv, tag, ct] = stored.split(':');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    for (const bad of [
      () => decryptSecret(stored, randomBytes(32)),
      () => decryptSecret([v, iv, tag, flipped.toString('base64')].join(':'), key),
      () => decryptSecret(`v9:${iv}:${tag}:${ct}`, key),
      () => decryptSecret('plaintext', key),
    ]) {
      expect(bad).toThrow(SecretDecryptionError);
      expect(bad).toThrow(/could not be decrypted \(was ENCRYPTION_KEY changed\?\)/);
    }
  });
});

describe('Retry-After', () => {
  it('reads seconds or an HTTP date; ignores garbage', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(inAMinute)).toBeGreaterThan(50_000);
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });
});

describe('suggestPerDevice', () => {
  it.each([
    ['Huntress Managed EDR', true], ['Datto Endpoint Backup for PCs', true], ['N-able N-sight RMM Agent', true],
    ['Bitdefender GravityZone Business Security', true], ['SentinelOne Singularity Control', true],
    ['Windows Server Backup', true], ['Per-Device Antivirus', true], ['ESET anti-virus', true],
    ['Microsoft 365 Business Premium', false], ['Exchange Online (Plan 1)', false], ['Keeper Business', false],
    ['Proofpoint Email Security', false], ['Acronis Cyber Protect Cloud - Site Licence', false], ['', false],
  ])('%s → %s', (name, expected) => {
    expect(suggestPerDevice(name)).toBe(expected);
  });
});

describe('IntegrationError', () => {
  it('names the system, the problem, the call and what to do', () => {
    const err = new IntegrationError({ kind: 'rate-limited', integration: 'pax8', call: 'GET /subscriptions page 3', upstreamMessage: 'Too many requests, after 6 attempts' });
    expect(err.message).toBe('Pax8 kept rate-limiting requests (GET /subscriptions page 3): Too many requests, after 6 attempts. Try again in a few minutes.');
    expect(err).toMatchObject({ kind: 'rate-limited', integration: 'pax8', call: 'GET /subscriptions page 3' });
  });
});
