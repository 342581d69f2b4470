// core: the deletion receipt. A compact JWS (ES256) over claims that hold no personal data: what the
// request covered, what was deleted, anonymised and kept (by category of data, never by record), and
// when. Anyone can check it with the published public keys, without trusting our database.
import { createHash } from 'node:crypto';
import { decodeBase64UrlStrict, encodeBase64Url } from './base64url.js';
import { isJsonObject } from './json-object.js';
import type { Channel, DeletionRequest } from './deletion-request.js';
import { scopeOfRequest, type ScopeName } from './scope.js';
import type { ExternalStoreDeclaration } from '../declarations/external-stores.js';
import {
  DATA_CATEGORIES,
  type DataCategory,
  type MappedTable,
  type PurgeAction,
} from '../declarations/tables.js';

/** The JOSE `typ` of a receipt (RFC 8725 §3.11: an explicit type, so no other token passes for one). */
export const RECEIPT_TYPE = 'deletion-receipt+jwt';
export const RECEIPT_ALGORITHM = 'ES256';
/** Media type of a compact JWS (RFC 7515 §9.2.1), for the download. */
export const RECEIPT_MEDIA_TYPE = 'application/jose';

/** Names of job steps that record an acknowledged erasure webhook: `erasure-webhook:<system>`. */
export const ERASURE_WEBHOOK_STEP_PREFIX = 'erasure-webhook:';

export type ReceiptOutcome = 'completed' | 'completed_with_retention' | 'no_data_held';

/** Records of some categories of data, counted together (one rule of the data map covers them). */
export interface ReceiptRecordGroup {
  readonly categories: readonly DataCategory[];
  readonly records: number;
}

export interface ReceiptKeptGroup extends ReceiptRecordGroup {
  /** Reason code of the retention rule (see the data map). */
  readonly reason: string;
  /** ISO date until which they are kept. */
  readonly until?: string;
}

export interface ReceiptHeader {
  readonly alg: typeof RECEIPT_ALGORITHM;
  readonly typ: typeof RECEIPT_TYPE;
  readonly kid: string;
}

export interface DeletionReceiptClaims {
  readonly v: 1;
  /** The service's public base URL; its keys are at `${iss}/.well-known/jwks.json`. */
  readonly iss: string;
  /** Seconds since the epoch: when the receipt was signed. */
  readonly iat: number;
  /** Id of the signing key (also in the header, repeated here so it is part of what is signed). */
  readonly kid: string;
  readonly request_id: string;
  /** SHA-256 (base64url) of the confirmation code: proves whose receipt it is without revealing the code. */
  readonly confirmation_code_sha256: string;
  readonly request_type: 'deletion';
  readonly channel: Channel;
  readonly scope: ScopeName;
  /** Every category of data the request covered. */
  readonly categories: readonly DataCategory[];
  readonly outcome: ReceiptOutcome;
  readonly deleted: readonly ReceiptRecordGroup[];
  readonly anonymised: readonly ReceiptRecordGroup[];
  readonly kept: readonly ReceiptKeptGroup[];
  /** Other systems that confirmed their own erasure (by name, never an identifier of the person). */
  readonly erasure_webhooks_acknowledged: readonly string[];
  readonly read_after_delete_check: {
    readonly result: 'passed';
    /** Lookups queried again after the purge (one per table, rule and identifier). */
    readonly lookups_checked: number;
    readonly records_remaining: 0;
  };
  readonly received_at: string;
  readonly completed_at: string;
  readonly due_at?: string;
}

export function confirmationCodeHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('base64url');
}

const ACTION_FIELD = { delete: 'deleted', anonymise: 'anonymised', retain: 'retained' } as const;

/** The categories one outcome's records can hold: its table's rules for the action, or the other store's. */
function categoriesOf(
  storeId: string,
  action: PurgeAction['type'],
  tables: readonly MappedTable[],
  externalStores: readonly ExternalStoreDeclaration[],
): readonly DataCategory[] {
  const table = tables.find((candidate) => candidate.id === storeId);
  if (table) {
    return table.personalData.rules
      .filter((rule) => rule.action.type === action)
      .flatMap((rule) => rule.categories);
  }
  // An S3 prefix's objects, or the records another system confirmed erasing: always deleted.
  const store = externalStores.find((candidate) => candidate.id === storeId);
  return store && action === 'delete' ? store.categories : [];
}

function groupsOf(
  request: DeletionRequest,
  tables: readonly MappedTable[],
  externalStores: readonly ExternalStoreDeclaration[],
  action: PurgeAction['type'],
): { categories: DataCategory[]; records: number; reason?: string; until?: string }[] {
  const inScope = new Set(scopeOfRequest(request).categories);
  const groups = new Map<
    string,
    { categories: DataCategory[]; records: number; reason?: string; until?: string }
  >();
  for (const outcome of request.outcomes) {
    const records = outcome[ACTION_FIELD[action]];
    if (records <= 0) continue;
    // The store's categories for this action, within the request's scope: what these records hold.
    const categories = [
      ...new Set(
        categoriesOf(outcome.table, action, tables, externalStores).filter((category) =>
          inScope.has(category),
        ),
      ),
    ].sort((a, b) => DATA_CATEGORIES.indexOf(a) - DATA_CATEGORIES.indexOf(b));
    const key = `${categories.join(',')}|${outcome.retentionReason ?? ''}|${outcome.retainedUntil ?? ''}`;
    const group = groups.get(key) ?? {
      categories,
      records: 0,
      ...(action === 'retain' ? { reason: outcome.retentionReason ?? 'legal_obligation' } : {}),
      ...(action === 'retain' && outcome.retainedUntil ? { until: outcome.retainedUntil } : {}),
    };
    group.records += records;
    groups.set(key, group);
  }
  return [...groups.values()];
}

export interface ReceiptContext {
  readonly issuer: string;
  readonly keyId: string;
  readonly completedAt: Date;
  /** How many lookups the read-after-delete check queried (all found nothing, or the request failed). */
  readonly lookupsChecked: number;
}

/** The claims of a finished request's receipt. Pure: the same request and context give the same claims. */
export function receiptClaims(
  request: DeletionRequest,
  tables: readonly MappedTable[],
  context: ReceiptContext,
  externalStores: readonly ExternalStoreDeclaration[] = [],
): DeletionReceiptClaims {
  // The request's own scope: a web request verified by a phone number covers WhatsApp data only.
  const scope = scopeOfRequest(request);
  const deleted = groupsOf(request, tables, externalStores, 'delete');
  const anonymised = groupsOf(request, tables, externalStores, 'anonymise');
  const kept = groupsOf(request, tables, externalStores, 'retain') as ReceiptKeptGroup[];
  const nothing = deleted.length + anonymised.length + kept.length === 0;
  return {
    v: 1,
    iss: context.issuer,
    iat: Math.floor(context.completedAt.getTime() / 1000),
    kid: context.keyId,
    request_id: request.requestId,
    confirmation_code_sha256: confirmationCodeHash(request.confirmationCode),
    request_type: 'deletion',
    channel: request.channel,
    scope: scope.name,
    categories: [...scope.categories],
    outcome: nothing ? 'no_data_held' : kept.length > 0 ? 'completed_with_retention' : 'completed',
    deleted,
    anonymised,
    kept,
    erasure_webhooks_acknowledged: (request.stepsDone ?? [])
      .filter((step) => step.startsWith(ERASURE_WEBHOOK_STEP_PREFIX))
      .map((step) => step.slice(ERASURE_WEBHOOK_STEP_PREFIX.length))
      .sort(),
    read_after_delete_check: {
      result: 'passed',
      lookups_checked: context.lookupsChecked,
      records_remaining: 0,
    },
    received_at: request.receivedAt,
    completed_at: context.completedAt.toISOString(),
    ...(request.dueAt ? { due_at: request.dueAt } : {}),
  };
}

/** `BASE64URL(header).BASE64URL(claims)`: the bytes the signature covers (RFC 7515 §5.1). */
export function receiptSigningInput(header: ReceiptHeader, claims: DeletionReceiptClaims): string {
  return `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(claims))}`;
}

export function compactReceipt(signingInput: string, signature: Uint8Array): string {
  return `${signingInput}.${encodeBase64Url(Buffer.from(signature))}`;
}

/**
 * When a receipt this service signed and stored says the deletion completed (not a check of its
 * signature or shape: see receipt-verification.ts). A retry reads it back from the request record.
 */
export function receiptCompletedAt(compact: string): Date {
  const claims = decodeReceiptSegment(compact.split('.')[1] ?? '');
  const completedAt = isJsonObject(claims) ? claims.completed_at : undefined;
  if (typeof completedAt !== 'string' || !ISO_TIME.test(completedAt))
    throw new Error('Stored receipt has unreadable claims');
  return new Date(completedAt);
}

/** An instant as receipts write it: UTC, to the millisecond at most. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** A JSON segment of a compact JWS (strict base64url, no padding); undefined when it is not one. */
export function decodeReceiptSegment(segment: string): unknown {
  const bytes = decodeBase64UrlStrict(segment);
  if (!bytes || segment.includes('=')) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A public key as published in the JWKS (RFC 7517, RFC 7518 §6.2). */
export interface ReceiptPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof RECEIPT_ALGORITHM;
  readonly use: 'sig';
}
