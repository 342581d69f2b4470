// core: checking a deletion receipt as anyone can, with the published public keys: the signature over
// the exact bytes received, then the claims' shape. Apart from the signing side (deletion-receipt.ts) so
// that the functions, which never verify a receipt, do not load the schema library at cold start.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import * as z from 'zod/mini';
import { decodeBase64UrlStrict } from './base64url.js';
import { isJsonObject } from './json-object.js';
import {
  ISO_TIME,
  RECEIPT_ALGORITHM,
  RECEIPT_TYPE,
  decodeReceiptSegment,
  type DeletionReceiptClaims,
  type ReceiptHeader,
  type ReceiptPublicJwk,
} from './deletion-receipt.js';
import { DATA_CATEGORIES } from '../declarations/tables.js';

const Group = z.object({
  categories: z.array(z.enum(DATA_CATEGORIES)),
  records: z.int().check(z.positive()),
});
const IsoTime = z.string().check(z.regex(ISO_TIME));

const DeletionReceiptClaimsSchema = z.object({
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

/**
 * Checks a compact receipt against published keys: only ES256, only our `typ`, a key with the
 * header's `kid`, the signature over the exact bytes received, then the claims' shape.
 */
export function verifyReceipt(compact: string, keys: readonly unknown[]): ReceiptVerification {
  const parts = compact.trim().split('.');
  if (parts.length !== 3)
    return { ok: false, reason: 'not a compact JWS (expected three dot-separated parts)' };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeReceiptSegment(headerPart);
  if (!isJsonObject(header)) return { ok: false, reason: 'the header is not base64url-encoded JSON' };
  if (header.alg !== RECEIPT_ALGORITHM)
    return { ok: false, reason: `the algorithm must be ${RECEIPT_ALGORITHM}, not ${String(header.alg)}` };
  if (header.typ !== RECEIPT_TYPE) return { ok: false, reason: `the type must be ${RECEIPT_TYPE}` };
  if ('crit' in header)
    return { ok: false, reason: 'the header has critical extensions this check does not know' };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'the header names no key (kid)' };
  const kid = header.kid;
  const key = keys.find(
    (candidate): candidate is ReceiptPublicJwk =>
      isJsonObject(candidate) && candidate.kid === kid && candidate.kty === 'EC' && candidate.crv === 'P-256',
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
  const claims = DeletionReceiptClaimsSchema.safeParse(decodeReceiptSegment(payloadPart));
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
