// core: authenticity of WhatsApp webhooks. The POST signature (X-Hub-Signature-256, an HMAC-SHA256
// of the exact body bytes with the app secret) and the GET verification handshake (verify token).
// Comparisons are constant-time; nothing here parses the body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HubSignatureRejection = 'missing_signature' | 'malformed_signature' | 'bad_signature';

export type HubSignatureResult =
  | {
      readonly ok: true;
      /** Index of the secret candidate that matched (0 = current). */
      readonly matchedSecretIndex: number;
      /** True when only the `\uXXXX`-escaped form of a non-ASCII body matched. */
      readonly escapedFallback: boolean;
    }
  | { readonly ok: false; readonly reason: HubSignatureRejection };

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Meta documents lowercase hex; uppercase hex is accepted too (it carries the same MAC, and refusing
 * it would only turn a formatting change into a week of retries). `sha1=` alone is never accepted.
 */
export function parseHubSignature(header: string | undefined): Buffer | HubSignatureRejection {
  if (header === undefined || header.trim() === '') return 'missing_signature';
  const match = SIGNATURE.exec(header.trim());
  if (!match?.[1]) return 'malformed_signature';
  return Buffer.from(match[1].toLowerCase(), 'hex');
}

/** Non-ASCII characters as `\uXXXX` (lowercase hex, surrogate pairs), as Meta's escaped payloads are. */
export function escapeNonAscii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    out += code < 0x80 ? text[i] : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function hasNonAscii(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

function macMatches(secret: string, bytes: Buffer, expected: Buffer): boolean {
  const actual = createHmac('sha256', secret).update(bytes).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function verifyHubSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): HubSignatureResult {
  const expected = parseHubSignature(header);
  if (!Buffer.isBuffer(expected)) return { ok: false, reason: expected };
  const candidates = secrets.filter((secret) => secret.length > 0);
  for (const [index, secret] of candidates.entries()) {
    if (macMatches(secret, rawBody, expected))
      return { ok: true, matchedSecretIndex: index, escapedFallback: false };
  }
  // Meta signs the escaped form of payloads; if a relay re-encoded it as raw UTF-8, the escaped
  // form of the received text is what was signed.
  if (hasNonAscii(rawBody)) {
    const escaped = Buffer.from(escapeNonAscii(rawBody.toString('utf8')), 'utf8');
    for (const [index, secret] of candidates.entries()) {
      if (macMatches(secret, escaped, expected))
        return { ok: true, matchedSecretIndex: index, escapedFallback: true };
    }
  }
  return { ok: false, reason: 'bad_signature' };
}

export function signHubBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time string comparison: both sides are hashed first, so lengths never leak. */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

export interface VerificationQuery {
  readonly mode: string | undefined;
  readonly token: string | undefined;
  readonly challenge: string | undefined;
}

/** The GET handshake: the challenge to echo byte for byte, or undefined (answer 403). */
export function verificationChallenge(
  query: VerificationQuery,
  verifyTokens: readonly string[],
): string | undefined {
  if (query.mode !== 'subscribe' || query.token === undefined || query.challenge === undefined)
    return undefined;
  const token = query.token;
  const matched = verifyTokens
    .filter((candidate) => candidate.length > 0)
    .map((c) => constantTimeEquals(c, token));
  return matched.includes(true) ? query.challenge : undefined;
}
