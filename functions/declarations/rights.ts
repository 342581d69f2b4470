// declarations: the part of the data map the other rights read. Which attributes a person may
// correct, and where they live; which processing activities a person may stop, what stopping one
// deletes, and where the platform reads the preference. Identifiers that Meta or WhatsApp give us
// (scoped ids, wa_id, BSUID, profile fields from Meta) are never correctable: only the platform can
// change them.
import type { DataCategory } from './tables.js';
import { ACCOUNTS_TABLE, PREFERENCES_TABLE, type TableDeclaration } from './tables.js';

export interface CorrectableAttributeDeclaration {
  /** The table holding it, found by the subject's account id (its partition key). */
  readonly table: TableDeclaration;
  /** Attribute name in the item. */
  readonly attribute: string;
  /** How a new value is checked; an email address is confirmed by a link sent to it before it is written. */
  readonly format: 'text' | 'email';
  /** The category of the data map it belongs to. */
  readonly category: DataCategory;
}

export const CORRECTABLE_ATTRIBUTES = {
  name: { table: ACCOUNTS_TABLE, attribute: 'name', format: 'text', category: 'account_profile' },
  email: { table: ACCOUNTS_TABLE, attribute: 'email', format: 'email', category: 'account_profile' },
  company: { table: ACCOUNTS_TABLE, attribute: 'company', format: 'text', category: 'account_profile' },
} as const satisfies Record<string, CorrectableAttributeDeclaration>;

export type CorrectableAttribute = keyof typeof CORRECTABLE_ATTRIBUTES;

export interface ConsentActivityDeclaration {
  /** Categories deleted when consent is withdrawn (their delete rules in the data map). */
  readonly deletes: readonly DataCategory[];
  /** Whether the person's messaging identifiers are suppressed (WhatsApp marketing and templates). */
  readonly suppressesMessaging: boolean;
}

export const CONSENT_ACTIVITIES = ['analytics', 'marketing_messages', 'ai_transcripts'] as const;
export type ConsentActivity = (typeof CONSENT_ACTIVITIES)[number];

export const CONSENT_ACTIVITY_RULES: Readonly<Record<ConsentActivity, ConsentActivityDeclaration>> = {
  // The analytics identifiers go, and a preference says no new ones are collected.
  analytics: { deletes: ['analytics_identifiers'], suppressesMessaging: false },
  // Marketing and template messages on WhatsApp stop: the gateway checks the suppression list.
  marketing_messages: { deletes: [], suppressesMessaging: true },
  // Transcripts are no longer kept: the ones held go, and the assistant reads the preference.
  ai_transcripts: { deletes: ['ai_transcripts'], suppressesMessaging: false },
};

/**
 * The preferences store: where the platform reads what a person allowed. One item per account and
 * activity (`consent#<activity>`), `value` "withdrawn".
 */
export const CONSENT_PREFERENCES = {
  table: PREFERENCES_TABLE,
  partitionKey: 'accountId',
  sortKey: 'preference',
  preference: (activity: ConsentActivity) => `consent#${activity}`,
} as const;
