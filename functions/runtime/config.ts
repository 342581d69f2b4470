// runtime: the one reader of process.env. Each function reads only what it needs and fails at cold
// start, with the variable's name, when something is missing.
import { z } from 'zod';
import { QUEUE_URL_ENV } from '../declarations/pipeline.js';
import { DEFAULT_METRICS_NAMESPACE } from './metric-names.js';
import { tableEnvVar, type TableDeclaration } from '../declarations/tables.js';

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
  const parsed = z.coerce.number().int().nonnegative().safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${name} must be a non-negative integer`);
  return parsed.data;
}

export function tableName(env: Env, table: TableDeclaration): string {
  return required(env, tableEnvVar(table));
}

export function queueUrl(env: Env): string {
  return required(env, QUEUE_URL_ENV);
}

export function publicBaseUrl(env: Env): string {
  const value = required(env, 'PUBLIC_BASE_URL').replace(/\/+$/, '');
  if (!z.url({ protocol: /^https?$/ }).safeParse(value).success) {
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

/** Days within which a request must be completed (the deadline promised to people). */
export function deletionDeadlineDays(env: Env): number {
  return integer(env, 'DELETION_DEADLINE_DAYS', 30);
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

/** Graph API base URL and pinned version (protocols.md §4.2: v27.0 released 2026-11-04). */
export function graphApiSettings(env: Env): GraphApiSettings {
  const version = env.GRAPH_API_VERSION || 'v27.0';
  if (!/^v\d+\.\d+$/.test(version)) throw new ConfigError('GRAPH_API_VERSION must look like v27.0');
  return { baseUrl: env.GRAPH_API_BASE_URL || 'https://graph.facebook.com', version };
}
