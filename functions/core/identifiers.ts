// core: the kinds of identifier a subject can be known by.

/** Identifiers a person knows themselves by (and can ask with); the account id is ours. */
export const PERSONAL_IDENTIFIER_KINDS = [
  'facebook_asid',
  'instagram_scoped_id',
  'facebook_page_scoped_id',
  'whatsapp_phone',
  'whatsapp_bsuid',
  'email',
] as const;

export type IdentifierKind = (typeof PERSONAL_IDENTIFIER_KINDS)[number] | 'account_id';

export type NormalisedIdentifier =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

const DIGIT_ID = /^[0-9]{1,32}$/;
/** `CC.` then alphanumerics (a parent BSUID is `CC.ENT.…`), as WhatsApp writes it. */
export const BSUID_PATTERN = /^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/;
const PHONE_INPUT = /^\+?[0-9 ().-]{7,24}$/;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** RFC 5322 dot-atom local part, ASCII only (SES sends no SMTPUTF8). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL = /^([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * An email address as SES will accept it, lower-cased: a dot-atom local part (no comments, quoted
 * strings or groups), a domain of at least two valid labels. A non-ASCII domain is refused (it
 * would have to be sent in its punycode form, which a person does not recognise as theirs).
 */
export function normaliseEmail(raw: string): NormalisedIdentifier {
  const value = raw.trim();
  if (value.length === 0 || value.length > 254)
    return { ok: false, reason: 'an email address is 1 to 254 characters' };
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (at < 1 || local.length > 64 || !LOCAL_PART.test(local))
    return { ok: false, reason: 'not an email address (letters, digits and . _ + - before the @)' };
  const labels = domain.split('.');
  if (
    domain.length > 253 ||
    labels.length < 2 ||
    !labels.every((label) => DOMAIN_LABEL.test(label)) ||
    !TOP_LEVEL.test(labels.at(-1)!)
  )
    return { ok: false, reason: 'not an email address (the part after the @ is not a domain name)' };
  return { ok: true, value: value.toLowerCase() };
}

/** A phone number as WhatsApp's wa_id writes it: E.164 digits without the plus, 7 to 15 of them. */
export function normalisePhone(raw: string): NormalisedIdentifier {
  const value = raw.trim();
  const digits = value.replace(/\D/g, '');
  if (!PHONE_INPUT.test(value) || digits.length < 7 || digits.length > 15)
    return {
      ok: false,
      reason: 'a phone number is 7 to 15 digits with its country code (spaces, +, -, () allowed)',
    };
  return { ok: true, value: digits };
}

/**
 * Every identifier kind, normalised by the rules the self-service form uses, so the same person
 * always has the same value (and the same keyed hash): digits for phones, digit strings for Meta's
 * scoped ids, the BSUID as WhatsApp writes it, lower-cased email addresses. Anything else is refused
 * with a reason, never stored as typed.
 */
export function normaliseIdentifier(kind: IdentifierKind, raw: string): NormalisedIdentifier {
  const value = raw.trim();
  switch (kind) {
    case 'email':
      return normaliseEmail(value);
    case 'whatsapp_phone':
      return normalisePhone(value);
    case 'facebook_asid':
    case 'instagram_scoped_id':
    case 'facebook_page_scoped_id':
      return DIGIT_ID.test(value)
        ? { ok: true, value }
        : { ok: false, reason: `a ${kind} is a string of digits as Meta gives it` };
    case 'whatsapp_bsuid':
      return BSUID_PATTERN.test(value)
        ? { ok: true, value }
        : { ok: false, reason: 'a whatsapp_bsuid is a country code, a dot and letters or digits (US.123…)' };
    case 'account_id':
      return ACCOUNT_ID.test(value)
        ? { ok: true, value }
        : { ok: false, reason: 'an account_id is letters, digits, _ and -' };
  }
}

/** Providers that deliver `b.en@` and `ben@` to the same mailbox (dots in the local part are ignored). */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * The mailbox an address reaches, for rate limits: the plus-tag is dropped (`ben+1@` is counted as
 * `ben@`), and dots only where the provider ignores them. Only a counting key: the address a link
 * is sent to, and the identifier that is deleted, stay exactly as given.
 */
export function mailboxKey(normalisedEmail: string): string {
  const at = normalisedEmail.lastIndexOf('@');
  let local = normalisedEmail.slice(0, at);
  let domain = normalisedEmail.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless) {
    domain = dotless;
    local = local.replaceAll('.', '');
  }
  return `${local}@${domain}`;
}
