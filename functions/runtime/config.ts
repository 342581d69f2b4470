// runtime: the one reader of process.env. Each function reads only what it needs and fails at cold
// start, with the variable's name, when something is missing.
import {
  PLATFORM_CHANNELS,
  SERVED_CHANNELS_ENV,
  parseChannelList,
  type PlatformChannel,
} from '../declarations/channels.js';
import { normaliseEmail } from '../core/identifiers.js';
import { QUEUE_URL_ENV } from '../declarations/pipeline.js';
import { RECEIPT_PUBLISHED_KEYS_ENV, RECEIPT_SIGNING_KEY_ENV } from '../declarations/receipt-keys.js';
import { DEFAULT_METRICS_NAMESPACE } from '../declarations/metric-names.js';
import { tableEnvVar, tableRoleArnEnvVar, type TableDeclaration } from '../declarations/tables.js';
import {
  EXTERNAL_STORES_ENV,
  externalStoreEnvVar,
  type ExternalStoreDeclaration,
} from '../declarations/external-stores.js';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`Missing environment variable ${name}`);
  return value;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new ConfigError(`${name} must be a non-negative integer`);
  return Number(raw);
}

export function tableName(env: Env, table: TableDeclaration): string {
  return required(env, tableEnvVar(table));
}

/** The role to assume for a table in another account (its name is then its ARN); undefined in the same account. */
export function tableRoleArn(env: Env, table: TableDeclaration): string | undefined {
  return env[tableRoleArnEnvVar(table)] || undefined;
}

/** Where an object prefix's bucket or an erasure webhook's URL is (read when the worker first reaches it). */
export function externalStoreLocation(env: Env, store: ExternalStoreDeclaration): string {
  return required(env, externalStoreEnvVar(store));
}

/**
 * The stores outside DynamoDB a stage wired: those `EXTERNAL_STORES` lists, or every declared one when it is
 * not set (local runs). A listed store without its location is a configuration error, never a skipped store.
 */
export function wiredExternalStores(
  env: Env,
  declared: readonly ExternalStoreDeclaration[],
): readonly ExternalStoreDeclaration[] {
  const listed = env[EXTERNAL_STORES_ENV];
  if (listed === undefined) return declared;
  const ids = new Set(
    listed
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
  const unknown = [...ids].filter((id) => !declared.some((store) => store.id === id));
  if (unknown.length > 0)
    throw new ConfigError(`${EXTERNAL_STORES_ENV} names undeclared stores: ${unknown.join(', ')}`);
  const wired = declared.filter((store) => ids.has(store.id));
  for (const store of wired) required(env, externalStoreEnvVar(store));
  return wired;
}

/** Days point-in-time recovery (or another backup) keeps deleted records restorable; said to the person. */
export function backupRetentionDays(env: Env): number {
  return integer(env, 'BACKUP_RETENTION_DAYS', 35);
}

export function queueUrl(env: Env): string {
  return required(env, QUEUE_URL_ENV);
}

function isHttpUrl(value: string): boolean {
  const url = URL.parse(value);
  return (url?.protocol === 'http:' || url?.protocol === 'https:') && url.hostname !== '';
}

export function publicBaseUrl(env: Env): string {
  const value = required(env, 'PUBLIC_BASE_URL').replace(/\/+$/, '');
  if (!isHttpUrl(value)) {
    throw new ConfigError('PUBLIC_BASE_URL must be an http(s) URL');
  }
  return value;
}

export interface SignedRequestWindow {
  readonly maxAgeSeconds: number;
  readonly maxSkewSeconds: number;
}

/** Meta documents no delivery bound; a day tolerates slow retries while limiting old replays. */
export function signedRequestWindow(env: Env): SignedRequestWindow {
  return {
    maxAgeSeconds: integer(env, 'SIGNED_REQUEST_MAX_AGE_SECONDS', 24 * 60 * 60),
    maxSkewSeconds: integer(env, 'SIGNED_REQUEST_MAX_SKEW_SECONDS', 5 * 60),
  };
}

/** How long a finished request's status page (with no personal data) stays available. */
export function statusRetentionDays(env: Env): number {
  return integer(env, 'STATUS_RETENTION_DAYS', 400);
}

/** CloudWatch namespace of the service's metrics. */
export function metricsNamespace(env: Env): string {
  return env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE;
}

export function reconcileGraceSeconds(env: Env, fallback: number): number {
  return integer(env, 'RECONCILE_GRACE_SECONDS', fallback);
}

export interface PurgeSettings {
  readonly maxItems: number;
  readonly maxMillis: number;
  readonly pageSize: number;
}

/** Work per worker invocation: about half the 60 s Lambda timeout, so no invocation approaches it. */
export function purgeSettings(env: Env): PurgeSettings {
  return {
    maxItems: integer(env, 'PURGE_MAX_ITEMS_PER_INVOCATION', 20_000),
    maxMillis: integer(env, 'PURGE_MAX_MILLIS_PER_INVOCATION', 30_000),
    pageSize: integer(env, 'PURGE_PAGE_SIZE', 1_000),
  };
}

export interface EmailSettings {
  readonly from: string;
  readonly configurationSet?: string;
}

export function emailSettings(env: Env): EmailSettings {
  const configurationSet = env.SES_CONFIGURATION_SET;
  return { from: required(env, 'SES_FROM_ADDRESS'), ...(configurationSet ? { configurationSet } : {}) };
}

export interface GraphApiSettings {
  readonly baseUrl: string;
  readonly version: string;
}

/** The pinned Graph API version (docs/protocols.md: v27.0 released 2026-11-04); the stack sets it too. */
export const GRAPH_API_DEFAULT_VERSION = 'v27.0';

/** Graph API base URL and pinned version. */
export function graphApiSettings(env: Env): GraphApiSettings {
  const version = env.GRAPH_API_VERSION || GRAPH_API_DEFAULT_VERSION;
  if (!/^v\d+\.\d+$/.test(version)) throw new ConfigError('GRAPH_API_VERSION must look like v27.0');
  return { baseUrl: env.GRAPH_API_BASE_URL || 'https://graph.facebook.com', version };
}

/**
 * The platform channels the stage serves (SERVED_CHANNELS, comma-separated; `none`: none of them). Unset, as
 * in local runs, it is every channel. A function reads a channel's settings only when it is served, so a
 * stage that leaves a channel out needs no placeholder for it.
 */
export function servedChannels(env: Env): ReadonlySet<PlatformChannel> {
  const value = env[SERVED_CHANNELS_ENV];
  if (value === undefined) return new Set(PLATFORM_CHANNELS);
  if (value.trim() === 'none') return new Set();
  const { channels, unknown } = parseChannelList(value);
  if (unknown.length > 0)
    throw new ConfigError(
      `${SERVED_CHANNELS_ENV} names unknown channels (${unknown.join(', ')}): use ${PLATFORM_CHANNELS.join(', ')}`,
    );
  return new Set(channels);
}

export interface MetaAppIds {
  /** The Facebook (Meta) app id: half of the app access token `{app-id}|{app-secret}`. */
  readonly facebook?: string;
  /** The Instagram app id of Business Login for Instagram (App Dashboard › Instagram › API setup). */
  readonly instagram?: string;
}

/**
 * App ids are public configuration, not secrets; they scope subjects (ids are per app). Only the served
 * platforms' ids are read (and required): a platform the stage leaves out has none.
 */
export function metaAppIds(env: Env): MetaAppIds {
  const channels = servedChannels(env);
  const id = (name: string) => {
    const value = required(env, name);
    if (!/^[0-9]{1,32}$/.test(value)) throw new ConfigError(`${name} must be a numeric app id`);
    return value;
  };
  return {
    ...(channels.has('facebook') ? { facebook: id('META_APP_ID') } : {}),
    ...(channels.has('instagram') ? { instagram: id('INSTAGRAM_APP_ID') } : {}),
  };
}

/**
 * How long after a Meta request completed a further callback for the same user still answers with
 * that request (a deletion callback days after a deauthorize is one deletion, not two).
 */
export function subjectReuseDays(env: Env): number {
  return integer(env, 'META_SUBJECT_REUSE_DAYS', 90);
}

export interface WhatsAppSettings {
  /** Days inbound message content is kept before DynamoDB's TTL removes it (WHATSAPP_RETENTION_DAYS). */
  readonly retentionDays: number;
  /** Approved utility template for the completion notice outside the 24-hour window; none: not sent. */
  readonly completionTemplate?: { readonly name: string; readonly language: string };
  /** Milliseconds the webhook spends acting on messages before leaving the rest to the sweeper. */
  readonly inlineBudgetMillis: number;
  /** Seconds a stored message is left to the webhook's own run before the sweeper takes it. */
  readonly sweepGraceSeconds: number;
}

export function whatsappSettings(env: Env): WhatsAppSettings {
  const template = env.WHATSAPP_COMPLETION_TEMPLATE;
  if (template !== undefined && template !== '' && !/^[a-z0-9_]{1,512}$/.test(template)) {
    throw new ConfigError('WHATSAPP_COMPLETION_TEMPLATE must be a template name (lowercase, digits, _)');
  }
  return {
    retentionDays: integer(env, 'WHATSAPP_RETENTION_DAYS', 90),
    ...(template
      ? { completionTemplate: { name: template, language: env.WHATSAPP_TEMPLATE_LANGUAGE || 'en_US' } }
      : {}),
    inlineBudgetMillis: integer(env, 'WHATSAPP_INLINE_BUDGET_MILLIS', 3_000),
    sweepGraceSeconds: integer(env, 'WHATSAPP_SWEEP_GRACE_SECONDS', 30),
  };
}

/**
 * The business numbers (Cloud API phone-number ids) the WhatsApp webhook acts for:
 * WHATSAPP_BUSINESS_NUMBER_IDS (comma-separated), plus the number verification links are sent from.
 * A message to any other number is acknowledged and dropped; with none configured, nothing is acted on.
 */
export function whatsappBusinessNumbers(env: Env): ReadonlySet<string> {
  const ids = [env.WHATSAPP_BUSINESS_NUMBER_IDS ?? '', env.WHATSAPP_PHONE_NUMBER_ID ?? '']
    .flatMap((list) => list.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '');
  for (const id of ids) {
    if (!/^\d{1,32}$/.test(id)) throw new ConfigError('WHATSAPP_BUSINESS_NUMBER_IDS must list numeric ids');
  }
  return new Set(ids);
}

/** Where people write with questions; shown on the status and self-service pages. */
export function privacyContact(env: Env): { readonly email: string } {
  const email = env.PRIVACY_CONTACT_EMAIL || 'privacy@example.com';
  if (!normaliseEmail(email).ok) throw new ConfigError('PRIVACY_CONTACT_EMAIL must be an email address');
  return { email };
}

export interface SelfServiceSettings {
  readonly perIdentifier: { readonly limit: number; readonly windowSeconds: number };
  readonly perSource: { readonly limit: number; readonly windowSeconds: number };
  readonly tokenTtlSeconds: number;
  readonly unverifiedTtlSeconds: number;
}

/** Self-service limits: a few requests per identifier a day, more per source address an hour. */
export function selfServiceSettings(env: Env): SelfServiceSettings {
  return {
    perIdentifier: {
      limit: integer(env, 'SELF_SERVICE_LIMIT_PER_IDENTIFIER', 3),
      windowSeconds: integer(env, 'SELF_SERVICE_IDENTIFIER_WINDOW_SECONDS', 24 * 3600),
    },
    perSource: {
      limit: integer(env, 'SELF_SERVICE_LIMIT_PER_SOURCE', 20),
      windowSeconds: integer(env, 'SELF_SERVICE_SOURCE_WINDOW_SECONDS', 3600),
    },
    tokenTtlSeconds: integer(env, 'VERIFICATION_TOKEN_TTL_SECONDS', 24 * 3600),
    unverifiedTtlSeconds: integer(env, 'UNVERIFIED_REQUEST_TTL_SECONDS', 7 * 24 * 3600),
  };
}

/** The deadline check flags a request as nearing its due date this many days before it. */
export function deadlineNearingDays(env: Env): number {
  return integer(env, 'DEADLINE_NEARING_DAYS', 7);
}

export interface PhoneVerificationSettings {
  /** The business number (Cloud API phone-number id) verification links are sent from. */
  readonly phoneNumberId: string;
  /** Approved template with one body parameter (the link), for numbers outside the 24-hour window. */
  readonly template?: { readonly name: string; readonly language: string };
}

/**
 * Verification of phone numbers by WhatsApp; undefined (not offered) without a business number, or when the
 * stage does not serve WhatsApp.
 */
export function phoneVerificationSettings(env: Env): PhoneVerificationSettings | undefined {
  const phoneNumberId = env.WHATSAPP_PHONE_NUMBER_ID;
  if (!phoneNumberId || !servedChannels(env).has('whatsapp')) return undefined;
  if (!/^\d{1,32}$/.test(phoneNumberId))
    throw new ConfigError('WHATSAPP_PHONE_NUMBER_ID must be a numeric id');
  const template = env.WHATSAPP_VERIFICATION_TEMPLATE;
  if (template && !/^[a-z0-9_]{1,512}$/.test(template)) {
    throw new ConfigError('WHATSAPP_VERIFICATION_TEMPLATE must be a template name (lowercase, digits, _)');
  }
  return {
    phoneNumberId,
    ...(template
      ? { template: { name: template, language: env.WHATSAPP_TEMPLATE_LANGUAGE || 'en_US' } }
      : {}),
  };
}

/** A KMS key id (UUID) or key ARN. */
const KMS_KEY_ID = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/)?[A-Za-z0-9-]{1,128}$/;

/** The KMS key the worker signs receipts with. */
export function receiptSigningKeyId(env: Env): string {
  const keyId = required(env, RECEIPT_SIGNING_KEY_ENV);
  if (!KMS_KEY_ID.test(keyId)) throw new ConfigError(`${RECEIPT_SIGNING_KEY_ENV} must be a KMS key id`);
  return keyId;
}

/** The KMS keys the JWKS publishes: current first, then previous ones (receipts outlive a rotation). */
export function receiptPublishedKeyIds(env: Env): string[] {
  const keyIds = required(env, RECEIPT_PUBLISHED_KEYS_ENV)
    .split(',')
    .map((keyId) => keyId.trim())
    .filter(Boolean);
  if (keyIds.length === 0 || !keyIds.every((keyId) => KMS_KEY_ID.test(keyId))) {
    throw new ConfigError(`${RECEIPT_PUBLISHED_KEYS_ENV} must list KMS key ids, separated by commas`);
  }
  return [...new Set(keyIds)];
}

/** Environment variable naming the bucket that holds copies of people's data (access requests). */
export const EXPORT_BUCKET_ENV = 'EXPORT_BUCKET_NAME';

export interface ExportSettings {
  readonly bucket: string;
  /** How long the link to a copy works; the copy is deleted then. */
  readonly linkDays: number;
}

export function exportSettings(env: Env): ExportSettings {
  return { bucket: required(env, EXPORT_BUCKET_ENV), linkDays: integer(env, 'EXPORT_LINK_DAYS', 7) };
}
