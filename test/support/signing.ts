// test support: builds Meta-style `signed_request` values independently of the service code, so the
// tests check the verifier against the recipe of docs/protocols.md (data deletion request callback) rather than against itself.
import { createHmac } from 'node:crypto';

export interface Base64UrlOptions {
  /** Keep the `=` padding (Meta never sends it; the verifier must still cope with it). */
  readonly pad?: boolean;
}

/** base64url (RFC 4648 §5) of bytes or of a string's UTF-8 bytes; unpadded unless asked. */
export function base64url(input: Buffer | Uint8Array | string, opts: Base64UrlOptions = {}): string {
  const standard = Buffer.from(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).toString(
    'base64',
  );
  const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
  return opts.pad ? urlSafe : urlSafe.replace(/=+$/, '');
}

/** Adds the `=` padding an unpadded base64url segment would carry. */
export function padBase64Url(segment: string): string {
  const unpadded = segment.replace(/=+$/, '');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** HMAC-SHA256 of the text (UTF-8) under the secret (UTF-8), as raw bytes. */
export function hmacSha256(secret: string, text: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(text, 'utf8')).digest();
}

export interface SignOptions {
  /** Encode the payload segment with `=` padding and sign over that padded text. */
  readonly pad?: boolean;
  /** Pad the signature segment too; defaults to `pad`. */
  readonly padSignature?: boolean;
}

/** Signs an already encoded payload segment exactly as given and joins `<sig>.<payload>`. */
export function signSegment(
  encodedPayload: string,
  secret: string,
  opts: { padSignature?: boolean } = {},
): string {
  return `${base64url(hmacSha256(secret, encodedPayload), { pad: opts.padSignature ?? false })}.${encodedPayload}`;
}

/**
 * A `signed_request` as Meta builds it: `base64url(HMAC-SHA256(secret, p)) + '.' + p` with
 * `p = base64url(utf8(json))`. A string payload is used verbatim as the JSON text (or any text).
 */
export function signRequest(payload: object | string, secret: string, opts: SignOptions = {}): string {
  const json = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const encodedPayload = base64url(json, { pad: opts.pad ?? false });
  return signSegment(encodedPayload, secret, { padSignature: opts.padSignature ?? opts.pad ?? false });
}

/** Splits a `signed_request` at its (single) dot. */
export function splitSignedRequest(signedRequest: string): { signature: string; payload: string } {
  const dot = signedRequest.indexOf('.');
  if (dot < 0) throw new Error('signed_request without a dot');
  return { signature: signedRequest.slice(0, dot), payload: signedRequest.slice(dot + 1) };
}

/** The JSON a signed_request's payload segment carries. */
export function decodePayload(signedRequest: string): unknown {
  const { payload } = splitSignedRequest(signedRequest);
  return JSON.parse(Buffer.from(payload.replace(/=+$/, ''), 'base64url').toString('utf8'));
}

/** A Data Deletion callback payload as Meta documents it (expires = issued_at + 1 h). */
export function deletionPayload(
  userId: string,
  issuedAt: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    algorithm: 'HMAC-SHA256',
    expires: issuedAt + 3600,
    issued_at: issuedAt,
    user_id: userId,
    ...extra,
  };
}

/** The urlencoded form body Meta posts: `signed_request=<percent-encoded value>`. */
export function callbackFormBody(signedRequest: string): string {
  return new URLSearchParams({ signed_request: signedRequest }).toString();
}

/** Test-only secret of docs/protocols.md (Test vectors); never a real app secret. */
export const TEST_APP_SECRET = 'test_app_secret_0123456789abcdef';
