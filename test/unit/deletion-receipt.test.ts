// Unit tests for the receipt's claims (what it says, by category of data) and for its check
// (only ES256, only our type, only a published key, only the exact bytes signed).
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  RECEIPT_ALGORITHM,
  RECEIPT_TYPE,
  compactReceipt,
  confirmationCodeHash,
  receiptClaims,
  receiptCompletedAt,
  receiptSigningInput,
  type ReceiptPublicJwk,
} from '../../functions/core/deletion-receipt.js';
import { verifyReceipt } from '../../functions/core/receipt-verification.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { mappedTables } from '../../functions/declarations/tables.js';

const CODE = 'AbCdEfGhIjKlMnOpQrStUvWx';
const request: DeletionRequest = {
  requestId: 'req_Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM',
  confirmationCode: CODE,
  status: 'in_progress',
  channel: 'facebook',
  subject: [{ kind: 'facebook_asid', value: '10000000000000001' }],
  subjectHashes: [],
  receivedAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:05.000Z',
  dueAt: '2026-12-01T10:00:00.000Z',
  outcomes: [
    { table: 'MetaPlatformData', deleted: 12, anonymised: 0, retained: 0 },
    { table: 'IdentityLinks', deleted: 2, anonymised: 0, retained: 0 },
    { table: 'Accounts', deleted: 0, anonymised: 1, retained: 0 },
    { table: 'IntegrationTokens', deleted: 0, anonymised: 0, retained: 0 },
  ],
  attempts: 1,
  stepsDone: ['erasure-webhook:crm', 'revoke-meta-grants'],
};
const context = {
  issuer: 'https://privacy.example.com',
  keyId: 'key-1',
  completedAt: new Date('2026-11-01T10:01:00.000Z'),
  lookupsChecked: 7,
};

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' });
const KEY: ReceiptPublicJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: jwk.x ?? '',
  y: jwk.y ?? '',
  kid: 'key-1',
  alg: 'ES256',
  use: 'sig',
};

function signed(header: object, claims: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return compactReceipt(
    input,
    sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  );
}

describe('receipt claims', () => {
  const claims = receiptClaims(request, mappedTables(), context);

  it('counts records by the categories of data the request covered, and lists the scope', () => {
    expect(claims.deleted).toEqual([
      {
        categories: [
          'meta_pages',
          'meta_page_roles',
          'meta_page_metadata',
          'meta_publishing_permissions',
          'instagram_media',
          'meta_insights',
        ],
        records: 12,
      },
      { categories: ['meta_identity_link'], records: 2 },
    ]);
    expect(claims.anonymised).toEqual([{ categories: ['meta_profile_fields'], records: 1 }]);
    expect(claims.kept).toEqual([]);
    expect(claims.outcome).toBe('completed');
    expect(claims.scope).toBe('meta_platform_data');
    expect(claims.categories).toContain('meta_access_tokens');
    expect(claims.categories).not.toContain('account_profile');
  });

  it('says when and what, with the code only as a hash, and the erasure webhooks recorded as steps', () => {
    expect(claims).toMatchObject({
      iss: 'https://privacy.example.com',
      iat: Date.parse('2026-11-01T10:01:00.000Z') / 1000,
      kid: 'key-1',
      request_type: 'deletion',
      confirmation_code_sha256: confirmationCodeHash(CODE),
      received_at: '2026-11-01T10:00:00.000Z',
      completed_at: '2026-11-01T10:01:00.000Z',
      due_at: '2026-12-01T10:00:00.000Z',
      erasure_webhooks_acknowledged: ['crm'],
      read_after_delete_check: { result: 'passed', lookups_checked: 7, records_remaining: 0 },
    });
    expect(JSON.stringify(claims)).not.toContain(CODE);
    expect(JSON.stringify(claims)).not.toContain('10000000000000001');
  });

  it('names what is kept, why and until when, and what held nothing', () => {
    const kept = receiptClaims(
      {
        ...request,
        channel: 'email',
        outcomes: [
          {
            table: 'BillingRecords',
            deleted: 0,
            anonymised: 0,
            retained: 2,
            retentionReason: 'tax_and_accounting',
            retainedUntil: '2036-11-01',
          },
        ],
      },
      mappedTables(),
      context,
    );
    expect(kept.kept).toEqual([
      { categories: ['billing_records'], records: 2, reason: 'tax_and_accounting', until: '2036-11-01' },
    ]);
    expect(kept.outcome).toBe('completed_with_retention');
    expect(receiptClaims({ ...request, outcomes: [] }, mappedTables(), context).outcome).toBe('no_data_held');
  });

  it("states a phone-verified web request's WhatsApp scope, not the web channel's", () => {
    const claims = receiptClaims(
      { ...request, channel: 'web', scope: 'whatsapp_data', outcomes: [] },
      mappedTables(),
      context,
    );
    expect(claims.scope).toBe('whatsapp_data');
    expect(claims.categories).not.toContain('account_profile');
    expect(claims.categories).toContain('whatsapp_message_content');
  });
});

describe('receipt check', () => {
  const header = { alg: RECEIPT_ALGORITHM, typ: RECEIPT_TYPE, kid: 'key-1' } as const;
  const claims = receiptClaims(request, mappedTables(), context);

  it('accepts a receipt signed by a published key', () => {
    const receipt = signed(header, claims);
    expect(receiptSigningInput(header, claims)).toBe(receipt.split('.').slice(0, 2).join('.'));
    const checked = verifyReceipt(receipt, [KEY]);
    expect(checked.ok && checked.claims).toEqual(claims);
  });

  it.each([
    ['another algorithm', { ...header, alg: 'HS256' }, claims, 'algorithm'],
    ['another type', { ...header, typ: 'JWT' }, claims, 'type'],
    ['an unknown critical extension', { ...header, crit: ['x'], x: 1 }, claims, 'critical'],
    ['an unpublished key', { ...header, kid: 'key-2' }, { ...claims, kid: 'key-2' }, 'no published key'],
    ['a key id inside that differs', header, { ...claims, kid: 'key-2' }, 'differs'],
    ['content that is not a receipt', header, { ...claims, outcome: 'maybe' }, 'not a deletion receipt'],
  ])('refuses %s', (_name, badHeader, badClaims, reason) => {
    const checked = verifyReceipt(signed(badHeader, badClaims), [KEY]);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toContain(reason);
  });

  it('refuses what is not a compact JWS, and a signature by another key', () => {
    const receipt = signed(header, claims);
    expect(verifyReceipt('not a receipt', [KEY]).ok).toBe(false);
    expect(verifyReceipt(`${receipt}.x`, [KEY]).ok).toBe(false);
    expect(verifyReceipt(receipt.replace(/\.[^.]+$/, '.AAAA'), [KEY]).ok).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect(verifyReceipt(receipt, [{ ...KEY, x: other.x, y: other.y }]).ok).toBe(false);
    expect(verifyReceipt(receipt, [{ ...KEY, x: 'AAAA' }]).ok).toBe(false);
  });
});

describe('completion time of a stored receipt', () => {
  it('is the completed_at the receipt states', () => {
    const header = { alg: RECEIPT_ALGORITHM, typ: RECEIPT_TYPE, kid: 'key-1' } as const;
    const receipt = signed(header, receiptClaims(request, mappedTables(), context));
    expect(receiptCompletedAt(receipt)).toEqual(new Date('2026-11-01T10:01:00.000Z'));
  });

  it.each([
    ['not a receipt', 'not a receipt'],
    ['claims that are not JSON', 'e30.bm90IGpzb24.AAAA'],
    ['claims without a completion time', `e30.${Buffer.from('{"v":1}').toString('base64url')}.AAAA`],
    [
      'a completion time that is not one',
      `e30.${Buffer.from('{"completed_at":"yesterday"}').toString('base64url')}.AAAA`,
    ],
  ])('refuses %s', (_name, compact) => {
    expect(() => receiptCompletedAt(compact)).toThrow('unreadable');
  });
});
