// core: what a person typed into the self-service form, recognised as an email address, a phone
// number or a social account identifier, and normalised so the same person always hashes the same.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { normaliseEmail, normalisePhone } from './identifiers.js';

export type GivenIdentifier =
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'phone'; readonly value: string }
  | { readonly kind: 'social'; readonly value: string };

const SOCIAL = /^@?[A-Za-z0-9._-]{2,64}$/;

/** Why what a person typed is not an identifier we can send a link to, so the form can say so. */
export type IdentifierProblem =
  'missing' | 'too_long' | 'email_invalid' | 'phone_needs_country_code' | 'phone_invalid' | 'unrecognised';

export type ReadIdentifier =
  | { readonly ok: true; readonly identifier: GivenIdentifier }
  | { readonly ok: false; readonly problem: IdentifierProblem };

/** The longest email address SMTP allows; nothing we can verify is longer. */
export const MAX_IDENTIFIER_LENGTH = 254;

/**
 * An email address (strictly, as SES accepts it: no comments, groups or quoted parts), a phone
 * number with its country code (`+` or `00` first, stored as the digits WhatsApp writes) or a social
 * account name; otherwise what is wrong with it. A number without its country code is refused rather
 * than guessed: a guess would message someone else.
 */
export function readIdentifier(raw: unknown): ReadIdentifier {
  if (typeof raw !== 'string' || raw.trim().length === 0) return { ok: false, problem: 'missing' };
  const value = raw.trim();
  if (value.length > MAX_IDENTIFIER_LENGTH) return { ok: false, problem: 'too_long' };
  if (value.includes('@') && !value.startsWith('@')) {
    const email = normaliseEmail(value);
    return email.ok
      ? { ok: true, identifier: { kind: 'email', value: email.value } }
      : { ok: false, problem: 'email_invalid' };
  }
  if (/^\+?[0-9 ().-]+$/.test(value)) {
    const international = /^(\+|00)/.test(value);
    if (!international) return { ok: false, problem: 'phone_needs_country_code' };
    const phone = normalisePhone(value.replace(/^00/, '+'));
    return phone.ok
      ? { ok: true, identifier: { kind: 'phone', value: phone.value } }
      : { ok: false, problem: 'phone_invalid' };
  }
  if (SOCIAL.test(value)) {
    return { ok: true, identifier: { kind: 'social', value: value.replace(/^@/, '').toLowerCase() } };
  }
  return { ok: false, problem: 'unrecognised' };
}

/** The identifier, or undefined when it is not one (see readIdentifier for why). */
export function parseIdentifier(raw: unknown): GivenIdentifier | undefined {
  const read = readIdentifier(raw);
  return read.ok ? read.identifier : undefined;
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
