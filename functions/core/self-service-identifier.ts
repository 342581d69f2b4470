// core: what a person typed into the self-service form, recognised as an email address, a phone
// number or a social account identifier, and normalised so the same person always hashes the same.
import { createHash, randomBytes } from 'node:crypto';

export type GivenIdentifier =
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'phone'; readonly value: string }
  | { readonly kind: 'social'; readonly value: string };

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>".]{2,}$/;
const PHONE = /^\+?[0-9 ().-]{7,20}$/;
const SOCIAL = /^@?[A-Za-z0-9._-]{2,64}$/;

export function parseIdentifier(raw: unknown): GivenIdentifier | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  if (value.length === 0 || value.length > 254) return undefined;
  if (EMAIL.test(value)) return { kind: 'email', value: value.toLowerCase() };
  if (PHONE.test(value)) {
    // E.164 digits without the plus, as WhatsApp's wa_id writes them.
    const digits = value.replace(/\D/g, '');
    return digits.length >= 7 && digits.length <= 15 ? { kind: 'phone', value: digits } : undefined;
  }
  if (SOCIAL.test(value)) return { kind: 'social', value: value.replace(/^@/, '').toLowerCase() };
  return undefined;
}

/** A verification token: 256 random bits, sent once and stored only as its hash. */
export function newVerificationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Request ids of self-service and support requests are random: nothing in them identifies anyone. */
export function newRequestId(): string {
  return `req_${randomBytes(24).toString('base64url')}`;
}
