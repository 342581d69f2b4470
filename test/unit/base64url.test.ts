// Unit tests for the strict base64url decoder: Node's own decoder is lenient (accepts + and /,
// drops illegal characters, ignores stray bits), so the strict one must refuse all of that.
import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { decodeBase64UrlStrict, encodeBase64Url } from '../../functions/core/base64url.js';
import { base64url, padBase64Url } from '../support/signing.js';

describe('decodeBase64UrlStrict', () => {
  it('decodes unpadded base64url of any byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        expect(decodeBase64UrlStrict(base64url(bytes))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('decodes correctly padded base64url of any byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        expect(decodeBase64UrlStrict(base64url(bytes, { pad: true }))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('decodes - and _ as the url-safe 62nd and 63rd letters', () => {
    expect(decodeBase64UrlStrict('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64UrlStrict('-_8=')).toEqual(Buffer.from([0xfb, 0xff]));
  });

  it.each([
    ['an empty segment', ''],
    ['the standard-alphabet +', '+_8'],
    ['the standard-alphabet /', '-/8'],
    ['an exclamation mark', 'AAAA!'],
    ['a space', 'AA AA'],
    ['a trailing newline', 'AAAA\n'],
    ['percent-encoded padding', 'AA%3D%3D'],
    ['padding in the middle', 'AA==AAAA'],
    ['three padding characters', 'A==='],
    ['only padding', '=='],
    ['a length of 1 mod 4', 'AAAAA'],
    ['too little padding', 'AA='],
    ['too much padding', 'AAA=='],
    ['padding where none is needed', 'AAAA='],
    ['stray bits in the last character (2 chars)', 'AB'],
    ['stray bits in the last character (3 chars)', 'AAB'],
  ])('rejects %s', (_name, segment) => {
    expect(Buffer.from(segment, 'base64url')).toBeInstanceOf(Buffer); // Node itself would not complain
    expect(decodeBase64UrlStrict(segment)).toBeUndefined();
  });

  it('rejects every non-canonical final character that Node would silently accept', () => {
    const canonical = base64url(Buffer.from([0xfb, 0xff])); // '-_8'
    const variants = ['9', '-', '_'].map((last) => `${canonical.slice(0, -1)}${last}`);
    for (const variant of variants) {
      expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from([0xfb, 0xff]));
      expect(decodeBase64UrlStrict(variant)).toBeUndefined();
    }
    expect(decodeBase64UrlStrict(padBase64Url(canonical))).toEqual(Buffer.from([0xfb, 0xff]));
  });
});

describe('encodeBase64Url', () => {
  it('encodes with the url-safe alphabet and no padding', () => {
    expect(encodeBase64Url(Buffer.from([0xfb, 0xff]))).toBe('-_8');
  });

  it('encodes a string as its UTF-8 bytes', () => {
    expect(encodeBase64Url('ä')).toBe(base64url(Buffer.from([0xc3, 0xa4])));
  });

  it('round-trips through the strict decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        expect(decodeBase64UrlStrict(encodeBase64Url(Buffer.from(bytes)))).toEqual(Buffer.from(bytes));
      }),
    );
  });
});
