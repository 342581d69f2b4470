// core: the rights a person can exercise (privacy policy, "User Rights"): deletion, a copy of their
// data (access), correction, and withdrawing consent for one processing activity. What each request
// type needs besides the identifier, checked here so intake, the support command and the worker agree.
import {
  CONSENT_ACTIVITIES,
  CORRECTABLE_ATTRIBUTES,
  type ConsentActivity,
  type CorrectableAttribute,
} from '../declarations/rights.js';

export const REQUEST_TYPES = ['deletion', 'access', 'correction', 'withdraw_consent'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value);
}

export function isConsentActivity(value: unknown): value is ConsentActivity {
  return typeof value === 'string' && (CONSENT_ACTIVITIES as readonly string[]).includes(value);
}

export function isCorrectableAttribute(value: unknown): value is CorrectableAttribute {
  return typeof value === 'string' && Object.hasOwn(CORRECTABLE_ATTRIBUTES, value);
}

/** What a request asks for. The new value of a correction is personal data: kept only while open. */
export type RightsRequest =
  | { readonly type: 'deletion' }
  | { readonly type: 'access' }
  | { readonly type: 'correction'; readonly attribute: CorrectableAttribute; readonly value: string }
  | { readonly type: 'withdraw_consent'; readonly activity: ConsentActivity };

export type RightsProblem = 'unknown_type' | 'unknown_attribute' | 'invalid_value' | 'unknown_activity';

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>".]{2,}$/;
/** Longest corrected value accepted (a name, a company, an email address). */
export const MAX_CORRECTION_LENGTH = 200;

/** Normalises a correction's new value, or undefined when it is not acceptable for the attribute. */
export function normaliseCorrection(attribute: CorrectableAttribute, raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // Control characters would end up in emails and pages: refused rather than stored.
  const value = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (value.length === 0 || value.length > MAX_CORRECTION_LENGTH) return undefined;
  if (/\p{Cc}/u.test(value)) return undefined;
  if (CORRECTABLE_ATTRIBUTES[attribute].format === 'email') {
    const email = value.toLowerCase();
    return email.length <= 254 && EMAIL.test(email) ? email : undefined;
  }
  return value;
}

/** Reads the type-specific fields of a request (from a form or JSON), or says what is wrong. */
export function parseRightsRequest(fields: {
  readonly type: unknown;
  readonly attribute?: unknown;
  readonly value?: unknown;
  readonly activity?: unknown;
}):
  | { readonly ok: true; readonly request: RightsRequest }
  | { readonly ok: false; readonly problem: RightsProblem } {
  const { type } = fields;
  if (!isRequestType(type)) return { ok: false, problem: 'unknown_type' };
  if (type === 'deletion' || type === 'access') return { ok: true, request: { type } };
  if (type === 'withdraw_consent') {
    return isConsentActivity(fields.activity)
      ? { ok: true, request: { type, activity: fields.activity } }
      : { ok: false, problem: 'unknown_activity' };
  }
  if (!isCorrectableAttribute(fields.attribute)) return { ok: false, problem: 'unknown_attribute' };
  const value = normaliseCorrection(fields.attribute, fields.value);
  return value === undefined
    ? { ok: false, problem: 'invalid_value' }
    : { ok: true, request: { type, attribute: fields.attribute, value } };
}

/** What makes two requests the same request: their type and what they ask to change or stop. */
export interface RequestKind {
  readonly type?: RequestType;
  readonly correction?: { readonly attribute: CorrectableAttribute };
  readonly attribute?: CorrectableAttribute;
  readonly activity?: ConsentActivity;
}

/**
 * The key under which an open (or unverified) request of this kind is found for a subject. Deletion
 * keeps the bare identifier hash (so existing pointers stay valid); other rights are kept apart, so
 * an open deletion does not block a copy of the data, two copies at once are one request, and a
 * correction of the name does not stand in for one of the company, nor one withdrawal for another.
 */
export function openRequestKey(kind: RequestKind, subjectHash: string): string {
  switch (kind.type) {
    case undefined:
    case 'deletion':
      return subjectHash;
    case 'access':
      return `access:${subjectHash}`;
    case 'correction':
      return `correction:${kind.correction?.attribute ?? kind.attribute ?? ''}:${subjectHash}`;
    case 'withdraw_consent':
      return `withdraw_consent:${kind.activity ?? ''}:${subjectHash}`;
  }
}

/**
 * Whether a request verified by a phone number can be carried out. A number reaches its WhatsApp data
 * only (numbers are recycled): it can delete or copy that data and stop WhatsApp marketing to itself,
 * but not change or stop anything kept with an account, which needs the account's email address.
 */
export function reachableByPhone(kind: RequestKind): boolean {
  switch (kind.type) {
    case undefined:
    case 'deletion':
    case 'access':
      return true;
    case 'correction':
      return false;
    case 'withdraw_consent':
      return kind.activity === 'marketing_messages';
  }
}
