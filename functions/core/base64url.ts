// core: strict base64url decoding. Node's decoder silently accepts `+`, `/` and drops illegal
// characters, so the alphabet, padding and canonical form are checked explicitly.

const BASE64URL_SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;

/** Decodes one base64url segment (padded or not); undefined when it is not strict base64url. */
export function decodeBase64UrlStrict(segment: string): Buffer | undefined {
  if (!BASE64URL_SEGMENT.test(segment)) return undefined;
  const unpadded = segment.replace(/=+$/, '');
  const padding = segment.length - unpadded.length;
  if (unpadded.length % 4 === 1) return undefined;
  if (padding > 0 && segment.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(unpadded, 'base64url');
  // Reject non-canonical encodings (stray bits in the last character).
  if (bytes.toString('base64url') !== unpadded) return undefined;
  return bytes;
}

export function encodeBase64Url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64url');
}
