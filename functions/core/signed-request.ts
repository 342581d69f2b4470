// core: verification of Meta's `signed_request` (Data Deletion and Deauthorize callbacks).
// Stricter than Meta's sample: exactly one dot, strict base64url, a 32-byte MAC over the payload
// segment exactly as received, constant-time compare, and payload checks only after the MAC matches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64UrlStrict } from './base64url.js';

export interface SignedRequestPolicy {
  /** Candidate secrets in order of preference (current first, then rotated or fallback ones). */
  readonly secrets: readonly string[];
  /** How old `issued_at` may be. Meta documents no delivery bound. */
  readonly maxAgeSeconds: number;
  /** How far in the future `issued_at` may be (clock skew). */
  readonly maxSkewSeconds: number;
}

export interface SignedRequestPayload {
  readonly userId: string;
  readonly issuedAt: number;
  readonly expires?: number;
}

export type SignedRequestRejection =
  | 'malformed'
  | 'bad_signature'
  | 'bad_payload'
  | 'unsupported_algorithm'
  | 'invalid_user_id'
  | 'login_payload'
  | 'invalid_issued_at'
  | 'stale'
  | 'issued_in_future';

export type SignedRequestVerification =
  | { readonly ok: true; readonly payload: SignedRequestPayload; readonly matchedSecretIndex: number }
  | { readonly ok: false; readonly reason: SignedRequestRejection };

/** Longest `signed_request` accepted; real ones are 200–300 characters. */
export const MAX_SIGNED_REQUEST_LENGTH = 4096;
const SIGNED_REQUEST_SHAPE = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}$/;
const MAC_BYTES = 32;
const DIGITS = /^[0-9]{1,32}$/;
/** Case-insensitive over ASCII only: a non-unicode regex never folds `ſ` into `s`. */
const ALGORITHM = /^HMAC-SHA256$/i;

export function verifySignedRequest(
  signedRequest: string,
  policy: SignedRequestPolicy,
  nowSeconds: number,
): SignedRequestVerification {
  if (signedRequest.length > MAX_SIGNED_REQUEST_LENGTH || !SIGNED_REQUEST_SHAPE.test(signedRequest)) {
    return { ok: false, reason: 'malformed' };
  }
  const [encodedSignature = '', encodedPayload = ''] = signedRequest.split('.');
  const signature = decodeBase64UrlStrict(encodedSignature);
  const payloadBytes = decodeBase64UrlStrict(encodedPayload);
  if (!signature || !payloadBytes || signature.length !== MAC_BYTES)
    return { ok: false, reason: 'malformed' };

  const matchedSecretIndex = findMatchingSecret(signature, encodedPayload, policy.secrets);
  if (matchedSecretIndex < 0) return { ok: false, reason: 'bad_signature' };

  const parsed = parsePayload(payloadBytes, policy, nowSeconds);
  return parsed.ok ? { ok: true, payload: parsed.payload, matchedSecretIndex } : parsed;
}

/**
 * The form of a signed request that identifies one callback: padding on the signature segment does
 * not change what was signed, so a padded and an unpadded copy are the same callback.
 */
export function canonicalSignedRequest(signedRequest: string): string {
  const [signature = '', payload = ''] = signedRequest.split('.');
  return `${signature.replace(/=+$/, '')}.${payload}`;
}

/** HMAC-SHA256 of the payload segment as transmitted, as a raw 32-byte buffer. */
export function signPayloadSegment(encodedPayload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload, 'utf8').digest();
}

function findMatchingSecret(signature: Buffer, encodedPayload: string, secrets: readonly string[]): number {
  // Every candidate is computed, so timing does not reveal which one matched.
  let matched = -1;
  secrets.forEach((secret, index) => {
    if (secret.length === 0) return;
    const expected = signPayloadSegment(encodedPayload, secret);
    if (timingSafeEqual(expected, signature) && matched < 0) matched = index;
  });
  return matched;
}

function parsePayload(
  payloadBytes: Buffer,
  policy: SignedRequestPolicy,
  nowSeconds: number,
): { ok: true; payload: SignedRequestPayload } | { ok: false; reason: SignedRequestRejection } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    return { ok: false, reason: 'bad_payload' };
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    return { ok: false, reason: 'bad_payload' };
  }
  const fields = decoded as Record<string, unknown>;
  // Meta's legacy helpers upper-cased the algorithm before comparing; we accept any case.
  if (typeof fields.algorithm !== 'string' || !ALGORITHM.test(fields.algorithm)) {
    return { ok: false, reason: 'unsupported_algorithm' };
  }
  // The login shape: what the JavaScript SDK hands to browsers and the `fbsr_` cookie holds. Signed
  // with the same secret, so only its fields tell it apart: a leaked browser token is not a callback.
  if ('code' in fields || 'oauth_token' in fields) return { ok: false, reason: 'login_payload' };
  // A number would lose precision above 2^53, so only a digit string is an app-scoped id.
  if (typeof fields.user_id !== 'string' || !DIGITS.test(fields.user_id)) {
    return { ok: false, reason: 'invalid_user_id' };
  }
  const issuedAt = fields.issued_at;
  if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt)) {
    return { ok: false, reason: 'invalid_issued_at' };
  }
  if (issuedAt > nowSeconds + policy.maxSkewSeconds) return { ok: false, reason: 'issued_in_future' };
  if (issuedAt < nowSeconds - policy.maxAgeSeconds) return { ok: false, reason: 'stale' };
  // `expires` has no documented meaning for these callbacks: kept for the record, never enforced.
  const expires =
    typeof fields.expires === 'number' && Number.isSafeInteger(fields.expires) ? fields.expires : undefined;
  return {
    ok: true,
    payload: { userId: fields.user_id, issuedAt, ...(expires === undefined ? {} : { expires }) },
  };
}
