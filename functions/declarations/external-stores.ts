// declarations: the places of the data map that are not DynamoDB tables. Other systems of the company (or its
// processors) that are told to erase a subject through a signed erasure webhook, and S3 prefixes that hold a
// subject's objects. Like a table, each says what it holds and how a subject is found; where it is (URL,
// bucket) is per stage, in `dataStores` (config/<stage>.json) or, locally, the local runner's stand-ins.
import type { IdentifierKind } from '../core/identifiers.js';
import type { DataCategory } from './tables.js';

/** Another system told to erase a subject: POST a signed erasure request, expect an acknowledgement with a count. */
export interface ErasureWebhookDeclaration {
  readonly kind: 'erasure_webhook';
  /** Key in `dataStores` and in the request's outcomes. */
  readonly id: string;
  readonly description: string;
  /** Who the system is, for the person: "our analytics provider". */
  readonly recipientInWords: string;
  readonly categories: readonly DataCategory[];
  /** The subject's identifiers the system is given (those the subject has; nothing else). */
  readonly identifiers: readonly IdentifierKind[];
}

/** Objects kept per subject under a key prefix of an S3 bucket: every version and delete marker goes. */
export interface ObjectPrefixDeclaration {
  readonly kind: 'object_prefix';
  readonly id: string;
  readonly description: string;
  /** What the objects are, for the person: "copies of your Instagram posts". */
  readonly inWords: string;
  readonly categories: readonly DataCategory[];
  /** The identifier that names a subject's folder. */
  readonly identifier: IdentifierKind;
  /** A subject's objects are under `${keyPrefix}${identifier value}/`. Ends with a slash. */
  readonly keyPrefix: string;
}

export type ExternalStoreDeclaration = ErasureWebhookDeclaration | ObjectPrefixDeclaration;

export const ANALYTICS_PROVIDER_WEBHOOK: ErasureWebhookDeclaration = {
  kind: 'erasure_webhook',
  id: 'AnalyticsProvider',
  description:
    'The analytics provider (through our proxy): page insights and analytics identifiers it holds about a person.',
  recipientInWords: 'our analytics provider',
  categories: ['meta_insights', 'analytics_identifiers'],
  identifiers: ['facebook_asid', 'instagram_scoped_id', 'account_id', 'email'],
};

export const MEDIA_COPIES_PREFIX: ObjectPrefixDeclaration = {
  kind: 'object_prefix',
  id: 'MediaCopies',
  description:
    'Copies of Instagram and Facebook media kept for publishing and previews, one folder per Meta user.',
  inWords: 'copies of your Instagram and Facebook media',
  categories: ['instagram_media'],
  identifier: 'facebook_asid',
  keyPrefix: 'media/',
};

export const EXTERNAL_STORES: readonly ExternalStoreDeclaration[] = [
  ANALYTICS_PROVIDER_WEBHOOK,
  MEDIA_COPIES_PREFIX,
];

/** Environment variables through which the worker learns where a store is. */
export function externalStoreEnvVar(store: Pick<ExternalStoreDeclaration, 'id' | 'kind'>): string {
  const name = store.id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return store.kind === 'erasure_webhook' ? `ERASURE_WEBHOOK_${name}_URL` : `OBJECT_PREFIX_${name}_BUCKET`;
}

/** The webhook's signing secret: `<name>_SECRET_ARN` in AWS, `<name>` itself for local runs. */
export function erasureWebhookSecretEnvName(store: Pick<ExternalStoreDeclaration, 'id'>): string {
  return `ERASURE_WEBHOOK_${store.id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_SECRET`;
}

/**
 * The ids of the stores a deployed stage wired, comma-separated. Absent (local runs), every declared store is
 * wired; a demo stage may leave some out.
 */
export const EXTERNAL_STORES_ENV = 'EXTERNAL_STORES';
