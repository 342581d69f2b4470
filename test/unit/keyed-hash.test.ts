// Unit tests for keyed (peppered) hashes of personal identifiers.
import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';

const PEPPER = 'test_pepper_0123456789abcdef';
const ASID = '10158012345678901';

describe('makeIdentifierHasher', () => {
  it('gives the same output for the same identifier', () => {
    expect(makeIdentifierHasher(PEPPER)('facebook_asid', ASID)).toBe(
      makeIdentifierHasher(PEPPER)('facebook_asid', ASID),
    );
  });

  it('gives a different output under a different pepper', () => {
    expect(makeIdentifierHasher('another_pepper')('facebook_asid', ASID)).not.toBe(
      makeIdentifierHasher(PEPPER)('facebook_asid', ASID),
    );
  });

  it('gives different outputs for different values', () => {
    const hash = makeIdentifierHasher(PEPPER);
    expect(hash('facebook_asid', '10158012345678902')).not.toBe(hash('facebook_asid', ASID));
  });

  it('gives different outputs for the same value under different kinds', () => {
    const hash = makeIdentifierHasher(PEPPER);
    expect(hash('instagram_scoped_id', ASID)).not.toBe(hash('facebook_asid', ASID));
  });

  it('does not contain the raw value', () => {
    const hash = makeIdentifierHasher(PEPPER);
    for (const value of [ASID, '+4915123456789', 'person@example.com']) {
      expect(hash('any', value)).not.toContain(value);
      expect(hash('any', value)).not.toContain(value.slice(0, 6));
    }
  });

  it('is not a plain (unkeyed) SHA-256 of the value', () => {
    const hashed = makeIdentifierHasher(PEPPER)('facebook_asid', ASID);
    for (const input of [ASID, `facebook_asid:${ASID}`]) {
      const plain = createHash('sha256').update(input).digest();
      expect(plain.toString('base64url')).not.toContain(hashed);
      expect(plain.toString('hex')).not.toContain(hashed);
    }
  });

  it('is a compact base64url string of at least 128 bits', () => {
    const hashed = makeIdentifierHasher(PEPPER)('facebook_asid', ASID);
    expect(hashed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(hashed.length * 6).toBeGreaterThanOrEqual(128);
  });
});
