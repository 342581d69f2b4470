// core: the two encodings of an ECDSA signature. KMS (and OpenSSL) return an ASN.1 DER SEQUENCE of two
// INTEGERs; JWS (RFC 7518 §3.4) wants R and S as fixed-size big-endian octets, concatenated.

export class SignatureEncodingError extends Error {
  override readonly name = 'SignatureEncodingError';
}

/** Bytes of each of R and S for P-256 (ES256). */
export const P256_COORDINATE_BYTES = 32;

function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) throw new SignatureEncodingError('DER signature is truncated');
  if (first < 0x80) return { length: first, next: at + 1 };
  // Long form: only one length byte is ever needed for a P-256 signature (at most 72 bytes).
  if (first !== 0x81) throw new SignatureEncodingError('DER length is not minimal');
  const length = der[at + 1];
  if (length === undefined || length < 0x80) throw new SignatureEncodingError('DER length is not minimal');
  return { length, next: at + 2 };
}

function readInteger(der: Uint8Array, at: number, size: number): { value: Uint8Array; next: number } {
  if (der[at] !== 0x02) throw new SignatureEncodingError('DER signature: expected an INTEGER');
  const { length, next } = readLength(der, at + 1);
  if (length === 0 || next + length > der.length)
    throw new SignatureEncodingError('DER INTEGER is truncated');
  let bytes = der.subarray(next, next + length);
  if ((bytes[0]! & 0x80) !== 0) throw new SignatureEncodingError('DER INTEGER is negative');
  // A leading zero is there only to keep a high bit from reading as a sign; it is not part of the value.
  if (bytes.length > 1 && bytes[0] === 0) {
    if ((bytes[1]! & 0x80) === 0) throw new SignatureEncodingError('DER INTEGER is not minimal');
    bytes = bytes.subarray(1);
  }
  if (bytes.length > size) throw new SignatureEncodingError('DER INTEGER is too large for the curve');
  const value = new Uint8Array(size);
  value.set(bytes, size - bytes.length);
  return { value, next: next + length };
}

/** DER `SEQUENCE { r INTEGER, s INTEGER }` → R || S, each left-padded to `size` bytes. */
export function derToJoseSignature(der: Uint8Array, size = P256_COORDINATE_BYTES): Uint8Array {
  if (der[0] !== 0x30) throw new SignatureEncodingError('DER signature: expected a SEQUENCE');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw new SignatureEncodingError('DER SEQUENCE length does not match');
  const r = readInteger(der, next, size);
  const s = readInteger(der, r.next, size);
  if (s.next !== der.length) throw new SignatureEncodingError('DER signature has trailing bytes');
  const joined = new Uint8Array(size * 2);
  joined.set(r.value, 0);
  joined.set(s.value, size);
  return joined;
}

function integerToDer(value: Uint8Array): number[] {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  const bytes = [...value.subarray(start)];
  if ((bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return [0x02, bytes.length, ...bytes];
}

/** R || S → DER `SEQUENCE { r INTEGER, s INTEGER }` (what KMS returns). */
export function joseToDerSignature(joined: Uint8Array): Uint8Array {
  if (joined.length === 0 || joined.length % 2 !== 0)
    throw new SignatureEncodingError('R || S must have an even, non-zero length');
  const half = joined.length / 2;
  const body = [...integerToDer(joined.subarray(0, half)), ...integerToDer(joined.subarray(half))];
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.from([0x30, ...length, ...body]);
}
