// core: the deletion receipt. A compact JWS (ES256) over claims that hold no personal data: what the
// request covered, what was deleted, anonymised and kept (by category of data, never by record), and
// when. Anyone can check it with the published public keys, without trusting our database.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as z from 'zod/mini';
import { decodeBase64UrlStrict, encodeBase64Url } from './base64url.js';
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

/** The claims of a receipt this service stored itself (not a check of its signature: see verifyReceipt). */
export function readReceiptClaims(compact: string): DeletionReceiptClaims {
  const claims = DeletionReceiptClaimsSchema.safeParse(decodeJson(compact.split('.')[1] ?? ''));
  if (!claims.success) throw new Error('Stored receipt has unreadable claims');
  return claims.data as DeletionReceiptClaims;
}

// --- verification -------------------------------------------------------------------------------

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

const Group = z.object({
  categories: z.array(z.enum(DATA_CATEGORIES)),
  records: z.int().check(z.positive()),
});
const IsoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/));

export const DeletionReceiptClaimsSchema = z.object({
  v: z.literal(1),
  iss: z.url({ protocol: /^https?$/ }),
  iat: z.int().check(z.positive()),
  kid: z.string().check(z.minLength(1), z.maxLength(128)),
  request_id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  confirmation_code_sha256: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  request_type: z.literal('deletion'),
  channel: z.enum(['facebook', 'instagram', 'whatsapp', 'web', 'email', 'support']),
  scope: z.enum(['meta_platform_data', 'whatsapp_data', 'everything']),
  categories: z.array(z.enum(DATA_CATEGORIES)),
  outcome: z.enum(['completed', 'completed_with_retention', 'no_data_held']),
  deleted: z.array(Group),
  anonymised: z.array(Group),
  kept: z.array(
    z.extend(Group, {
      reason: z.string().check(z.regex(/^[a-z_]{1,64}$/)),
      until: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
    }),
  ),
  erasure_webhooks_acknowledged: z.array(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/))),
  read_after_delete_check: z.object({
    result: z.literal('passed'),
    lookups_checked: z.int().check(z.nonnegative()),
    records_remaining: z.literal(0),
  }),
  received_at: IsoTime,
  completed_at: IsoTime,
  due_at: z.optional(IsoTime),
});

export type ReceiptVerification =
  | {
      readonly ok: true;
      readonly header: ReceiptHeader;
      readonly claims: DeletionReceiptClaims;
      readonly key: ReceiptPublicJwk;
    }
  | { readonly ok: false; readonly reason: string };

function decodeJson(segment: string): unknown {
  const bytes = decodeBase64UrlStrict(segment);
  if (!bytes || segment.includes('=')) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a compact receipt against published keys: only ES256, only our `typ`, a key with the
 * header's `kid`, the signature over the exact bytes received, then the claims' shape.
 */
export function verifyReceipt(compact: string, keys: readonly unknown[]): ReceiptVerification {
  const parts = compact.trim().split('.');
  if (parts.length !== 3)
    return { ok: false, reason: 'not a compact JWS (expected three dot-separated parts)' };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!isObject(header)) return { ok: false, reason: 'the header is not base64url-encoded JSON' };
  if (header.alg !== RECEIPT_ALGORITHM)
    return { ok: false, reason: `the algorithm must be ${RECEIPT_ALGORITHM}, not ${String(header.alg)}` };
  if (header.typ !== RECEIPT_TYPE) return { ok: false, reason: `the type must be ${RECEIPT_TYPE}` };
  if ('crit' in header)
    return { ok: false, reason: 'the header has critical extensions this check does not know' };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'the header names no key (kid)' };
  const kid = header.kid;
  const key = keys.find(
    (candidate): candidate is ReceiptPublicJwk =>
      isObject(candidate) && candidate.kid === kid && candidate.kty === 'EC' && candidate.crv === 'P-256',
  );
  if (!key) return { ok: false, reason: `no published key has the id ${kid}` };
  const signature = decodeBase64UrlStrict(signaturePart);
  if (!signature || signaturePart.includes('=') || signature.length !== 64)
    return { ok: false, reason: 'the signature is not 64 base64url-encoded bytes' };
  let valid: boolean;
  try {
    const publicKey = createPublicKey({
      key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y },
      format: 'jwk',
    });
    valid = verifySignature(
      'sha256',
      Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return { ok: false, reason: `the published key ${kid} is not a valid P-256 key` };
  }
  if (!valid)
    return {
      ok: false,
      reason: 'the signature does not match: the receipt was changed or not signed by this key',
    };
  const claims = DeletionReceiptClaimsSchema.safeParse(decodeJson(payloadPart));
  if (!claims.success) return { ok: false, reason: 'the signed content is not a deletion receipt' };
  if (claims.data.kid !== kid)
    return { ok: false, reason: 'the key id inside the receipt differs from its header' };
  return {
    ok: true,
    header: { alg: RECEIPT_ALGORITHM, typ: RECEIPT_TYPE, kid },
    claims: claims.data as DeletionReceiptClaims,
    key,
  };
}
