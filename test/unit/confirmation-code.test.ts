// Unit tests for confirmation codes (random bearer secrets) and callback request ids
// (deterministic, one-way).
import { describe, it, expect } from '@jest/globals';
import {
  CONFIRMATION_CODE_LENGTH,
  isWellFormedConfirmationCode,
  newConfirmationCode,
  requestIdForIntake,
} from '../../functions/core/confirmation-code.js';
import { parseDeletionJobMessage } from '../../functions/core/job-message.js';
import { TEST_APP_SECRET, deletionPayload, signRequest } from '../support/signing.js';

const USER_ID = '10158012345678901';
const SIGNED_REQUEST = signRequest(deletionPayload(USER_ID, 1767222000), TEST_APP_SECRET);

describe('newConfirmationCode', () => {
  it('is 24 alphanumeric characters', () => {
    const code = newConfirmationCode();
    expect(code).toHaveLength(24);
    expect(code).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('carries at least 128 bits: its length times log2 of the alphabet it draws from', () => {
    const bounds: number[] = [];
    newConfirmationCode((exclusiveMax) => {
      bounds.push(exclusiveMax);
      return 0;
    });
    expect(bounds).toHaveLength(CONFIRMATION_CODE_LENGTH);
    const alphabetSize = bounds[0] ?? 0;
    expect(bounds.every((bound) => bound === alphabetSize)).toBe(true);
    const alphabet = new Set(
      Array.from({ length: alphabetSize }, (_, index) => newConfirmationCode(() => index).charAt(0)),
    );
    expect(alphabet.size).toBe(alphabetSize);
    for (const char of alphabet) expect(char).toMatch(/^[A-Za-z0-9]$/);
    expect(CONFIRMATION_CODE_LENGTH * Math.log2(alphabet.size)).toBeGreaterThanOrEqual(128);
  });

  it('draws every character from the random source, not from a fixed pattern', () => {
    let calls = 0;
    const code = newConfirmationCode((exclusiveMax) => (calls++ * 7) % exclusiveMax);
    expect(new Set(code).size).toBeGreaterThan(10);
  });

  it('generates 10,000 distinct well-formed codes', () => {
    const codes = Array.from({ length: 10_000 }, () => newConfirmationCode());
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => /^[A-Za-z0-9]{24}$/.test(code))).toBe(true);
  });

  it('uses all 62 letters across 10,000 codes (no narrowed alphabet)', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => newConfirmationCode()).join(''));
    expect(seen.size).toBe(62);
  });
});

describe('isWellFormedConfirmationCode', () => {
  it('accepts a freshly generated code', () => {
    expect(isWellFormedConfirmationCode(newConfirmationCode())).toBe(true);
  });

  it.each([
    ['23 characters', 'A'.repeat(23)],
    ['25 characters', 'A'.repeat(25)],
    ['a dash', `${'A'.repeat(23)}-`],
    ['an underscore', `${'A'.repeat(23)}_`],
    ['a trailing newline', `${'A'.repeat(24)}\n`],
    ['a non-ASCII letter', `${'A'.repeat(23)}é`],
    ['a number', 123456],
    ['undefined', undefined],
  ])('rejects %s', (_name, value) => {
    expect(isWellFormedConfirmationCode(value)).toBe(false);
  });
});

describe('requestIdForIntake', () => {
  it('is the same for the same callback (a replay lands on the same request)', () => {
    expect(requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST)).toBe(
      requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST),
    );
  });

  it('differs for different callbacks', () => {
    const other = signRequest(deletionPayload(USER_ID, 1767222001), TEST_APP_SECRET);
    expect(requestIdForIntake('facebook-data-deletion', other)).not.toBe(
      requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST),
    );
  });

  it('differs for the same body arriving through different intakes', () => {
    expect(requestIdForIntake('instagram-data-deletion', SIGNED_REQUEST)).not.toBe(
      requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST),
    );
  });

  it('contains neither the user id nor any part of the signed request', () => {
    const id = requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST);
    expect(id).not.toContain(USER_ID);
    const [signature = '', payload = ''] = SIGNED_REQUEST.split('.');
    expect(id).not.toContain(signature.slice(0, 8));
    expect(id).not.toContain(payload.slice(0, 8));
  });

  it('does not contain a plain user id given as the intake body', () => {
    expect(requestIdForIntake('web', USER_ID)).not.toContain(USER_ID);
  });

  it('is an id the job message accepts', () => {
    const requestId = requestIdForIntake('facebook-data-deletion', SIGNED_REQUEST);
    expect(requestId).toMatch(/^req_/);
    expect(parseDeletionJobMessage({ v: 1, requestId })).toStrictEqual({ v: 1, requestId });
  });
});
