// Unit tests for verifySignedRequest: the known-answer vectors of docs/protocols.md (Test vectors), and one test
// per signed-request case (docs/protocols.md) (plus the policy decisions pinned by the service).
import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import {
  MAX_SIGNED_REQUEST_LENGTH,
  signPayloadSegment,
  verifySignedRequest,
  type SignedRequestPolicy,
  type SignedRequestVerification,
} from '../../functions/core/signed-request.js';
import {
  TEST_APP_SECRET,
  base64url,
  deletionPayload,
  padBase64Url,
  signRequest,
  signSegment,
  splitSignedRequest,
} from '../support/signing.js';

/** Frozen clock: 2025-12-31T23:00:00Z, the issued_at of the test-only vector in docs/protocols.md. */
const NOW = 1767222000;
const MAX_AGE = 24 * 60 * 60;
const MAX_SKEW = 5 * 60;
const POLICY: SignedRequestPolicy = {
  secrets: [TEST_APP_SECRET],
  maxAgeSeconds: MAX_AGE,
  maxSkewSeconds: MAX_SKEW,
};
const USER_ID = '10158012345678901';

const META_VECTOR =
  'w5ZbbWP9yOwBA1uJZbc7-9gZok0O42U4i0yyvxXE_jY.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImV4cGlyZXMiOjEyOTE4NDA0MDAsImlzc3VlZF9hdCI6MTI5MTgzNjgwMCwidXNlcl9pZCI6IjIxODQ3MSJ9';
const BKRS_VECTOR =
  'Mf_s6nTb38UYqioBmPqu0Ewm9souPZB9I2fIGwV729U.eyJ1c2VyX2lkIjoiMCIsImFsZ29yaXRobSI6IkhNQUMtU0hBMjU2IiwiaXNzdWVkX2F0IjoxNjI0MjQ0MTU2fQ';
const GENERATED_VECTOR =
  'r1n8O3BPfm-zYY6-t70LBG-umUzNKL-0yYCuVoeJlKI.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImV4cGlyZXMiOjE3NjcyMjU2MDAsImlzc3VlZF9hdCI6MTc2NzIyMjAwMCwidXNlcl9pZCI6IjEwMTU4MDEyMzQ1Njc4OTAxIn0';
const GENERATED_PAYLOAD_JSON =
  '{"algorithm":"HMAC-SHA256","expires":1767225600,"issued_at":1767222000,"user_id":"10158012345678901"}';

function verify(
  signedRequest: string,
  policy: Partial<SignedRequestPolicy> = {},
  nowSeconds: number = NOW,
): SignedRequestVerification {
  return verifySignedRequest(signedRequest, { ...POLICY, ...policy }, nowSeconds);
}

/** A fresh, genuine deletion callback for USER_ID signed with the test secret. */
function genuine(extra: Record<string, unknown> = {}, secret: string = TEST_APP_SECRET): string {
  return signRequest(deletionPayload(USER_ID, NOW, extra), secret);
}

function accepted(userId: string = USER_ID, issuedAt: number = NOW, matchedSecretIndex = 0) {
  return { ok: true, payload: { userId, issuedAt, expires: issuedAt + 3600 }, matchedSecretIndex };
}

function rejected(reason: string) {
  return { ok: false, reason };
}

/** Replaces one base64url character by another valid one. */
function flip(char: string): string {
  return char === 'A' ? 'B' : 'A';
}

/** The first genuine request (over varying user ids) whose text contains the character. */
function genuineContaining(char: string): string {
  for (let i = 0; i < 10_000; i += 1) {
    const candidate = signRequest(
      deletionPayload(String(10158012345678901n + BigInt(i)), NOW),
      TEST_APP_SECRET,
    );
    if (candidate.includes(char)) return candidate;
  }
  throw new Error(`no request containing ${char}`);
}

describe('verifySignedRequest — known-answer vectors (docs/protocols.md, Test vectors)', () => {
  it("verifies Meta's documented example with its secret", () => {
    const result = verify(META_VECTOR, { secrets: ['client_secret_shhhhhh!'] }, 1291836800);
    expect(result).toStrictEqual({
      ok: true,
      payload: { userId: '218471', issuedAt: 1291836800, expires: 1291840400 },
      matchedSecretIndex: 0,
    });
  });

  it('verifies the bk-rs/facebook-rs vector, whose payload carries no expires', () => {
    const result = verify(BKRS_VECTOR, { secrets: ['key'] }, 1624244156);
    expect(result).toStrictEqual({
      ok: true,
      payload: { userId: '0', issuedAt: 1624244156 },
      matchedSecretIndex: 0,
    });
  });

  it('verifies the test-only vector of docs/protocols.md (payload length ≡ 3 mod 4)', () => {
    expect(splitSignedRequest(GENERATED_VECTOR).payload.length % 4).toBe(3);
    expect(verify(GENERATED_VECTOR, {}, 1767222000)).toStrictEqual(accepted(USER_ID, 1767222000));
  });

  it('builds the test-only vector with the test signing helper (the helper follows the recipe)', () => {
    expect(signRequest(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET)).toBe(GENERATED_VECTOR);
  });

  it('computes HMAC-SHA256 as RFC 4231 test case 2 expects', () => {
    expect(signPayloadSegment('what do ya want for nothing?', 'Jefe').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs the payload segment text, not the decoded JSON', () => {
    const { signature, payload } = splitSignedRequest(GENERATED_VECTOR);
    expect(signPayloadSegment(payload, TEST_APP_SECRET).toString('base64url')).toBe(signature);
    expect(signPayloadSegment(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET).toString('base64url')).not.toBe(
      signature,
    );
  });
});

describe('verifySignedRequest — every signed-request case', () => {
  it('accepts a fresh request signed with the app secret', () => {
    expect(verify(genuine())).toStrictEqual(accepted());
  });

  it('verifies a replayed request again with the same result (replays are deduplicated by request id)', () => {
    const signedRequest = genuine();
    expect(verify(signedRequest)).toStrictEqual(verify(signedRequest));
    expect(verify(signedRequest).ok).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(genuine({}, 'another_secret_0123456789abcdef'))).toStrictEqual(rejected('bad_signature'));
  });

  it('rejects a payload whose user_id was changed after signing', () => {
    const { signature } = splitSignedRequest(genuine());
    const forged = base64url(JSON.stringify(deletionPayload('10158012345678902', NOW)));
    expect(verify(`${signature}.${forged}`)).toStrictEqual(rejected('bad_signature'));
  });

  it('rejects a signature with one character flipped', () => {
    const signedRequest = genuine();
    const tampered = flip(signedRequest.charAt(0)) + signedRequest.slice(1);
    expect(verify(tampered)).toStrictEqual(rejected('bad_signature'));
  });

  it('rejects a truncated signature (not 32 bytes) as malformed, without throwing', () => {
    const { signature, payload } = splitSignedRequest(genuine());
    expect(() => verify(`${signature.slice(0, -1)}.${payload}`)).not.toThrow();
    expect(verify(`${signature.slice(0, -1)}.${payload}`)).toStrictEqual(rejected('malformed'));
  });

  it.each([31, 33, 64])('rejects a canonical signature segment of %i bytes as malformed', (bytes) => {
    const { payload } = splitSignedRequest(genuine());
    expect(verify(`${base64url(Buffer.alloc(bytes, 7))}.${payload}`)).toStrictEqual(rejected('malformed'));
  });

  it.each([
    ['none', 'none'],
    ['HMAC-SHA1', 'HMAC-SHA1'],
    ['an empty string', ''],
    ['a number', 256],
    ['null', null],
  ])('rejects a correctly signed payload whose algorithm is %s', (_name, algorithm) => {
    expect(verify(genuine({ algorithm }))).toStrictEqual(rejected('unsupported_algorithm'));
  });

  it('rejects a correctly signed payload without an algorithm', () => {
    const { algorithm: _algorithm, ...payload } = deletionPayload(USER_ID, NOW);
    expect(verify(signRequest(payload, TEST_APP_SECRET))).toStrictEqual(rejected('unsupported_algorithm'));
  });

  it.each(['hmac-sha256', 'Hmac-Sha256'])(
    'accepts the algorithm written as %s (Meta legacy upper-cased)',
    (algorithm) => {
      expect(verify(genuine({ algorithm }))).toStrictEqual(accepted());
    },
  );

  describe('padding', () => {
    it('rejects a genuine unpadded request with = padding appended to both segments (MAC is over the text as received)', () => {
      const { signature, payload } = splitSignedRequest(GENERATED_VECTOR);
      const padded = `${padBase64Url(signature)}.${padBase64Url(payload)}`;
      expect(padded).not.toBe(GENERATED_VECTOR);
      expect(verify(padded)).toStrictEqual(rejected('bad_signature'));
    });

    it('rejects the bk-rs vector with == appended to its payload segment', () => {
      const { signature, payload } = splitSignedRequest(BKRS_VECTOR);
      expect(padBase64Url(payload)).toBe(`${payload}==`);
      expect(verify(`${signature}.${payload}==`, { secrets: ['key'] }, 1624244156)).toStrictEqual(
        rejected('bad_signature'),
      );
    });

    it('accepts a padded signature segment over the unpadded payload it was signed with', () => {
      const { signature, payload } = splitSignedRequest(GENERATED_VECTOR);
      expect(padBase64Url(signature)).toBe(`${signature}=`);
      expect(verify(`${signature}=.${payload}`)).toStrictEqual(accepted());
    });

    it('accepts a request signed over padded payload text, with a padded signature', () => {
      const signedRequest = signRequest(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET, { pad: true });
      const { signature, payload } = splitSignedRequest(signedRequest);
      expect(payload.endsWith('=')).toBe(true);
      expect(signature.endsWith('=')).toBe(true);
      expect(verify(signedRequest)).toStrictEqual(accepted());
    });

    it('accepts a request signed over padded payload text, with an unpadded signature', () => {
      const signedRequest = signRequest(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET, {
        pad: true,
        padSignature: false,
      });
      const { signature, payload } = splitSignedRequest(signedRequest);
      expect(payload.endsWith('=')).toBe(true);
      expect(signature).toHaveLength(43);
      expect(verify(signedRequest)).toStrictEqual(accepted());
    });

    it('rejects a request signed over padded payload text whose padding was stripped in transit', () => {
      const { signature, payload } = splitSignedRequest(
        signRequest(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET, { pad: true }),
      );
      expect(verify(`${signature}.${payload.replace(/=+$/, '')}`)).toStrictEqual(rejected('bad_signature'));
    });

    it('rejects a payload segment carrying the wrong amount of padding, even when signed over it', () => {
      const { payload } = splitSignedRequest(GENERATED_VECTOR);
      expect(payload.length % 4).toBe(3);
      expect(verify(signSegment(`${payload}==`, TEST_APP_SECRET))).toStrictEqual(rejected('malformed'));
    });

    it('rejects padding on a segment that needs none, even when signed over it', () => {
      const { payload } = splitSignedRequest(META_VECTOR);
      expect(payload.length % 4).toBe(0);
      expect(
        verify(
          signSegment(`${payload}=`, 'client_secret_shhhhhh!'),
          { secrets: ['client_secret_shhhhhh!'] },
          1291836800,
        ),
      ).toStrictEqual(rejected('malformed'));
    });

    it('rejects a non-canonical payload segment (stray low bits), even when signed over it', () => {
      const { payload } = splitSignedRequest(GENERATED_VECTOR);
      // 3 trailing characters carry 2 bytes and 2 unused bits; `1` (0b110101) sets one that `0` (0b110100) leaves clear.
      const last = payload.charAt(payload.length - 1);
      expect(last).toBe('0');
      const nonCanonical = `${payload.slice(0, -1)}1`;
      expect(Buffer.from(nonCanonical, 'base64url').equals(Buffer.from(payload, 'base64url'))).toBe(true);
      expect(verify(signSegment(nonCanonical, TEST_APP_SECRET))).toStrictEqual(rejected('malformed'));
    });
  });

  describe('alphabet', () => {
    it('rejects the standard-base64 alphabet (+ and / for - and _) in the documented vector', () => {
      expect(META_VECTOR).toMatch(/-/);
      expect(META_VECTOR).toMatch(/_/);
      const standard = META_VECTOR.replace(/-/g, '+').replace(/_/g, '/');
      expect(verify(standard, { secrets: ['client_secret_shhhhhh!'] }, 1291836800)).toStrictEqual(
        rejected('malformed'),
      );
    });

    it.each([
      ['+', '-'],
      ['/', '_'],
    ])('rejects a genuine request with %s in place of %s', (standardChar, urlChar) => {
      const signedRequest = genuineContaining(urlChar);
      expect(verify(signedRequest).ok).toBe(true);
      expect(verify(signedRequest.split(urlChar).join(standardChar))).toStrictEqual(rejected('malformed'));
    });

    it.each([
      ['! appended to the signature', (s: string, p: string) => `${s}!.${p}`],
      ['! inside the payload', (s: string, p: string) => `${s}.${p.slice(0, 10)}!${p.slice(10)}`],
      ['a leading space', (s: string, p: string) => ` ${s}.${p}`],
      ['a trailing space', (s: string, p: string) => `${s}.${p} `],
      ['a trailing newline', (s: string, p: string) => `${s}.${p}\n`],
      ['a tab inside the signature', (s: string, p: string) => `${s.slice(0, 5)}\t${s.slice(5)}.${p}`],
      ['spaces around the dot', (s: string, p: string) => `${s} . ${p}`],
      ['a non-ASCII letter', (s: string, p: string) => `${s}.${p}é`],
    ])('rejects a genuine request with %s', (_name, mangle) => {
      const { signature, payload } = splitSignedRequest(genuine());
      expect(verify(mangle(signature, payload))).toStrictEqual(rejected('malformed'));
    });

    it('rejects padding left percent-encoded (%3D) instead of form-decoded', () => {
      const padded = signRequest(GENERATED_PAYLOAD_JSON, TEST_APP_SECRET, { pad: true });
      expect(verify(padded).ok).toBe(true);
      expect(verify(padded.replace(/=/g, '%3D'))).toStrictEqual(rejected('malformed'));
    });
  });

  describe('shape', () => {
    const { signature, payload } = splitSignedRequest(GENERATED_VECTOR);

    it.each([
      ['no dot', () => signature],
      ['two dots', () => `${signature}.${payload}.x`],
      ['a trailing dot', () => `${signature}.${payload}.`],
      ['an empty signature segment', () => `.${payload}`],
      ['an empty payload segment', () => `${signature}.`],
      ['only a dot', () => '.'],
      ['nothing at all', () => ''],
    ])('rejects a request with %s as malformed', (_name, build) => {
      expect(verify(build())).toStrictEqual(rejected('malformed'));
    });
  });

  describe('payload', () => {
    it('rejects a correctly signed payload that is not JSON', () => {
      expect(verify(signRequest('not json', TEST_APP_SECRET))).toStrictEqual(rejected('bad_payload'));
    });

    it('rejects a correctly signed payload that is not valid UTF-8', () => {
      const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
      expect(verify(signSegment(base64url(invalidUtf8), TEST_APP_SECRET))).toStrictEqual(
        rejected('bad_payload'),
      );
    });

    it.each([['[1,2,3]'], ['"x"'], ['null'], ['42'], ['true']])(
      'rejects a correctly signed JSON payload that is not an object: %s',
      (json) => {
        expect(verify(signRequest(json, TEST_APP_SECRET))).toStrictEqual(rejected('bad_payload'));
      },
    );

    it('accepts non-ASCII text in a correctly signed payload and decodes it as UTF-8', () => {
      const signedRequest = genuine({ x: 'ä', y: 'löschen 🗑' });
      expect(verify(signedRequest)).toStrictEqual(accepted());
    });

    it('ignores unknown fields of the payload', () => {
      expect(verify(genuine({ user: { country: 'de' }, profile_id: '1' }))).toStrictEqual(accepted());
    });

    it.each([
      ['code', { code: 'AQD-browser-code' }],
      ['oauth_token', { oauth_token: 'EAAB-token' }],
      ['both, with an empty value', { code: '', oauth_token: '' }],
    ])('refuses the login shape (%s) even when correctly signed', (_name, fields) => {
      expect(verify(genuine(fields))).toStrictEqual(rejected('login_payload'));
    });
  });

  describe('user_id', () => {
    it('rejects user_id sent as a JSON number (it would lose precision above 2^53)', () => {
      const json = `{"algorithm":"HMAC-SHA256","expires":${NOW + 3600},"issued_at":${NOW},"user_id":10158012345678901}`;
      expect(JSON.parse(json).user_id).toBe(10158012345678900);
      expect(verify(signRequest(json, TEST_APP_SECRET))).toStrictEqual(rejected('invalid_user_id'));
    });

    it('rejects a correctly signed payload without user_id', () => {
      const { user_id: _userId, ...payload } = deletionPayload(USER_ID, NOW);
      expect(verify(signRequest(payload, TEST_APP_SECRET))).toStrictEqual(rejected('invalid_user_id'));
    });

    it.each([
      ['empty', ''],
      ['letters', 'abc'],
      ['digits and a letter', '12a'],
      ['a leading space', ' 123'],
      ['a trailing space', '123 '],
      ['a sign', '-1'],
      ['a decimal point', '1.5'],
      ['an exponent', '1e5'],
      ['full-width digits', '１２３'],
      ['33 digits', '1'.repeat(33)],
      ['null', null],
      ['an array', ['123']],
    ])('rejects a user_id that is %s', (_name, userId) => {
      expect(verify(genuine({ user_id: userId }))).toStrictEqual(rejected('invalid_user_id'));
    });

    it('accepts a user_id of 32 digits', () => {
      const userId = '9'.repeat(32);
      expect(verify(signRequest(deletionPayload(userId, NOW), TEST_APP_SECRET))).toStrictEqual(
        accepted(userId),
      );
    });

    it('keeps a user_id above 2^53 exactly as sent', () => {
      const userId = '9007199254740993';
      expect(Number(userId).toString()).not.toBe(userId);
      expect(verify(signRequest(deletionPayload(userId, NOW), TEST_APP_SECRET))).toStrictEqual(
        accepted(userId),
      );
    });
  });

  describe('issued_at and expires', () => {
    it('rejects a request issued longer ago than the maximum age as stale', () => {
      const issuedAt = NOW - MAX_AGE - 1;
      expect(verify(signRequest(deletionPayload(USER_ID, issuedAt), TEST_APP_SECRET))).toStrictEqual(
        rejected('stale'),
      );
    });

    it('accepts a request issued exactly the maximum age ago', () => {
      const issuedAt = NOW - MAX_AGE;
      expect(verify(signRequest(deletionPayload(USER_ID, issuedAt), TEST_APP_SECRET))).toStrictEqual(
        accepted(USER_ID, issuedAt),
      );
    });

    it('honours the configured maximum age', () => {
      const signedRequest = signRequest(deletionPayload(USER_ID, NOW - 120), TEST_APP_SECRET);
      expect(verify(signedRequest, { maxAgeSeconds: 60 })).toStrictEqual(rejected('stale'));
      expect(verify(signedRequest, { maxAgeSeconds: 120 }).ok).toBe(true);
    });

    it('never enforces expires: a fresh request whose expires is in the past is accepted', () => {
      const signedRequest = genuine({ expires: NOW - 7 * 24 * 3600 });
      expect(verify(signedRequest)).toStrictEqual({
        ok: true,
        payload: { userId: USER_ID, issuedAt: NOW, expires: NOW - 7 * 24 * 3600 },
        matchedSecretIndex: 0,
      });
    });

    it('leaves out an expires that is not an integer', () => {
      expect(verify(genuine({ expires: 'tomorrow' }))).toStrictEqual({
        ok: true,
        payload: { userId: USER_ID, issuedAt: NOW },
        matchedSecretIndex: 0,
      });
    });

    it('rejects a request issued an hour in the future', () => {
      const issuedAt = NOW + 3600;
      expect(verify(signRequest(deletionPayload(USER_ID, issuedAt), TEST_APP_SECRET))).toStrictEqual(
        rejected('issued_in_future'),
      );
    });

    it('accepts a request issued exactly the allowed clock skew in the future, and rejects one second more', () => {
      const atLimit = signRequest(deletionPayload(USER_ID, NOW + MAX_SKEW), TEST_APP_SECRET);
      const beyond = signRequest(deletionPayload(USER_ID, NOW + MAX_SKEW + 1), TEST_APP_SECRET);
      expect(verify(atLimit)).toStrictEqual(accepted(USER_ID, NOW + MAX_SKEW));
      expect(verify(beyond)).toStrictEqual(rejected('issued_in_future'));
    });

    it('rejects a correctly signed payload without issued_at', () => {
      const { issued_at: _issuedAt, ...payload } = deletionPayload(USER_ID, NOW);
      expect(verify(signRequest(payload, TEST_APP_SECRET))).toStrictEqual(rejected('invalid_issued_at'));
    });

    it.each([
      ['a string', String(NOW)],
      ['a fraction', NOW + 0.5],
      ['null', null],
      ['beyond the safe integer range', 2 ** 53],
      ['an object', { seconds: NOW }],
    ])('rejects an issued_at that is %s', (_name, issuedAt) => {
      expect(verify(genuine({ issued_at: issuedAt }))).toStrictEqual(rejected('invalid_issued_at'));
    });
  });

  describe('size', () => {
    /** A genuine request padded with a filler field to exactly `length` characters (unpadded signature). */
    function genuineOfLength(length: number): string {
      const payloadChars = length - 44;
      const jsonBytes = (payloadChars * 3) / 4;
      const base = JSON.stringify(deletionPayload(USER_ID, NOW, { filler: '' }));
      const signedRequest = genuine({ filler: 'a'.repeat(jsonBytes - base.length) });
      expect(signedRequest).toHaveLength(length);
      return signedRequest;
    }

    it('accepts a genuine request of exactly the maximum length', () => {
      expect(MAX_SIGNED_REQUEST_LENGTH).toBe(4096);
      expect(verify(genuineOfLength(MAX_SIGNED_REQUEST_LENGTH))).toStrictEqual(accepted());
    });

    it('rejects a genuine request one character over the maximum length', () => {
      const { signature, payload } = splitSignedRequest(genuineOfLength(MAX_SIGNED_REQUEST_LENGTH));
      const oneOver = `${signature}=.${payload}`;
      expect(oneOver).toHaveLength(MAX_SIGNED_REQUEST_LENGTH + 1);
      expect(verify(oneOver)).toStrictEqual(rejected('malformed'));
    });

    it('rejects a 10 KB genuine request', () => {
      const signedRequest = genuine({ filler: 'a'.repeat(10 * 1024) });
      expect(signedRequest.length).toBeGreaterThan(10 * 1024);
      expect(verify(signedRequest)).toStrictEqual(rejected('malformed'));
    });
  });

  describe('candidate secrets', () => {
    const OLD = 'rotated_secret_fedcba9876543210';
    const INSTAGRAM = 'instagram_secret_00112233445566';

    it('reports the current secret as candidate 0', () => {
      expect(verify(genuine(), { secrets: [TEST_APP_SECRET, OLD, INSTAGRAM] })).toStrictEqual(accepted());
    });

    it('accepts a request signed with the second candidate and reports index 1', () => {
      expect(verify(genuine({}, OLD), { secrets: [TEST_APP_SECRET, OLD, INSTAGRAM] })).toStrictEqual(
        accepted(USER_ID, NOW, 1),
      );
    });

    it('accepts a request signed with the third candidate and reports index 2', () => {
      expect(verify(genuine({}, INSTAGRAM), { secrets: [TEST_APP_SECRET, OLD, INSTAGRAM] })).toStrictEqual(
        accepted(USER_ID, NOW, 2),
      );
    });

    it('reports the first of two identical candidates', () => {
      expect(verify(genuine({}, OLD), { secrets: [TEST_APP_SECRET, OLD, OLD] })).toStrictEqual(
        accepted(USER_ID, NOW, 1),
      );
    });

    it('never matches an empty-string candidate, even for a request signed with the empty key', () => {
      expect(verify(genuine({}, ''), { secrets: ['', TEST_APP_SECRET] })).toStrictEqual(
        rejected('bad_signature'),
      );
    });

    it('skips an empty current secret and still matches the next candidate', () => {
      expect(verify(genuine(), { secrets: ['', TEST_APP_SECRET] })).toStrictEqual(accepted(USER_ID, NOW, 1));
    });

    it('rejects every request when no secret is configured', () => {
      expect(verify(genuine(), { secrets: [] })).toStrictEqual(rejected('bad_signature'));
    });
  });

  describe('verify before parsing', () => {
    it.each([
      ['a non-JSON payload', () => signRequest('not json', 'wrong_secret')],
      ['algorithm none', () => genuine({ algorithm: 'none' }, 'wrong_secret')],
      ['a numeric user_id', () => genuine({ user_id: 1 }, 'wrong_secret')],
      ['a stale issued_at', () => signRequest(deletionPayload(USER_ID, NOW - MAX_AGE - 1), 'wrong_secret')],
    ])('reports bad_signature, not a payload error, for a forged request with %s', (_name, build) => {
      expect(verify(build())).toStrictEqual(rejected('bad_signature'));
    });
  });
});

describe('verifySignedRequest — properties', () => {
  const REASONS = [
    'malformed',
    'bad_signature',
    'bad_payload',
    'unsupported_algorithm',
    'invalid_user_id',
    'invalid_issued_at',
    'stale',
    'issued_in_future',
  ];
  const base64urlChar = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.'.split(''),
  );

  it('never throws on arbitrary input and answers with a known rejection', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: base64urlChar, maxLength: 200 })), (input) => {
        const result = verify(input);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(REASONS).toContain(result.reason);
      }),
    );
  });

  it('accepts any well-formed payload signed with the secret, returning its user_id and issued_at', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,32}$/),
        fc.integer({ min: NOW - MAX_AGE, max: NOW + MAX_SKEW }),
        fc.string(),
        fc.boolean(),
        (userId, issuedAt, note, pad) => {
          const signedRequest = signRequest(deletionPayload(userId, issuedAt, { note }), TEST_APP_SECRET, {
            pad,
          });
          expect(verify(signedRequest)).toStrictEqual(accepted(userId, issuedAt));
        },
      ),
    );
  });

  it('rejects every single-character change to a genuine request', () => {
    const signedRequest = genuine();
    fc.assert(
      fc.property(fc.nat({ max: signedRequest.length - 1 }), base64urlChar, (index, replacement) => {
        fc.pre(signedRequest.charAt(index) !== replacement);
        const mutated = signedRequest.slice(0, index) + replacement + signedRequest.slice(index + 1);
        expect(verify(mutated).ok).toBe(false);
      }),
    );
  });
});
