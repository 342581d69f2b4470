// Unit tests for the DER ⇄ R||S conversion of ECDSA signatures: KMS answers in DER, JWS needs R||S.
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  SignatureEncodingError,
  derToJoseSignature,
  joseToDerSignature,
} from '../../functions/core/ecdsa-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('ECDSA signature encodings', () => {
  it('turns DER signatures into R||S that verify as JWS signatures, whatever the lengths of R and S', () => {
    // Over 300 signatures some R or S start with a high bit (33 DER bytes) and some are shorter than 32.
    const lengths = new Set<number>();
    for (let i = 0; i < 300; i += 1) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      lengths.add(der.length);
      const joined = derToJoseSignature(der);
      expect(joined).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, joined)).toBe(true);
      expect(Buffer.from(joseToDerSignature(joined))).toEqual(der);
    }
    expect(lengths.size).toBeGreaterThan(2);
  });

  it('pads short integers and strips the sign byte', () => {
    const der = Uint8Array.from([0x30, 0x08, 0x02, 0x01, 0x05, 0x02, 0x03, 0x00, 0x80, 0x01]);
    const joined = derToJoseSignature(der);
    expect(joined[31]).toBe(5);
    expect([...joined.subarray(32, 62)].every((byte) => byte === 0)).toBe(true);
    expect([joined[62], joined[63]]).toEqual([0x80, 0x01]);
  });

  it.each([
    ['not a sequence', [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['a wrong sequence length', [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['trailing bytes', [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]],
    ['a negative integer', [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]],
    ['a non-minimal integer', [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]],
    ['an empty integer', [0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01]],
    [
      'an integer too large for P-256',
      [0x30, 0x26, 0x02, 0x21, ...Array<number>(33).fill(0x11), 0x02, 0x01, 0x01],
    ],
    ['a truncated signature', [0x30]],
    ['nothing', []],
  ])('refuses %s', (_name, bytes) => {
    expect(() => derToJoseSignature(Uint8Array.from(bytes))).toThrow(SignatureEncodingError);
  });
});
