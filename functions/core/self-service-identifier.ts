// core: what a person typed into the self-service form, recognised as an email address, a phone
// number or a social account identifier, and normalised so the same person always hashes the same.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { normaliseEmail, normalisePhone } from './identifiers.js';

export type GivenIdentifier =
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'phone'; readonly value: string }
  | { readonly kind: 'social'; readonly value: string };

const SOCIAL = /^@?[A-Za-z0-9._-]{2,64}$/;

/**
 * An email address (strictly, as SES accepts it: no comments, groups or quoted parts), a phone
 * number (digits, as WhatsApp writes it) or a social account name; undefined for anything else.
 */
export function parseIdentifier(raw: unknown): GivenIdentifier | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  if (value.length === 0 || value.length > 254) return undefined;
  if (value.indexOf('@') > 0) {
    const email = normaliseEmail(value);
    return email.ok ? { kind: 'email', value: email.value } : undefined;
  }
  if (/^\+?[0-9 ().-]+$/.test(value)) {
    const phone = normalisePhone(value);
    return phone.ok ? { kind: 'phone', value: phone.value } : undefined;
  }
  if (SOCIAL.test(value)) return { kind: 'social', value: value.replace(/^@/, '').toLowerCase() };
  return undefined;
}

/** A verification token: 256 random bits, sent once and stored only as its hash. */
export function newVerificationToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The verification token of a request, derived with a secret key from its id: the same link can be
 * sent again (to the same mailbox) without the token being stored anywhere; only its hash is.
 */
export function verificationTokenFor(key: string, requestId: string): string {
  return createHmac('sha256', key).update(`verification-token:${requestId}`).digest('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Request ids of self-service and support requests are random: nothing in them identifies anyone. */
export function newRequestId(): string {
  return `req_${randomBytes(24).toString('base64url')}`;
}
