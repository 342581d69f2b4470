// integration: the deletion receipt, issued by the worker through the real KMS adapter against the KMS
// stand-in, checked with the published keys (our check and an independent JOSE library).
import { afterEach, describe, expect, it } from '@jest/globals';
import * as jose from 'jose';
import { makeKmsReceiptPublicKeys } from '../../functions/adapters/kms-receipt-keys.js';
import { confirmationCodeHash, type DeletionReceiptClaims } from '../../functions/core/deletion-receipt.js';
import { verifyReceipt } from '../../functions/core/receipt-verification.js';
import { toStatusView, type Channel, type SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { makePublishReceiptKeys } from '../../functions/use-cases/publish-receipt-keys.js';
import type { DeletionRequestStore, ReceiptSigner } from '../../functions/use-cases/ports.js';
import { ANA, BEN, CLEO, rawIdentifiers } from '../../local/seed-data.js';
import { startHarness, type Harness } from '../support/purge-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function publishedKeys(h: Harness, keyIds: readonly string[]) {
  const publish = makePublishReceiptKeys({
    keys: makeKmsReceiptPublicKeys(h.kms),
    keyIds,
    events: { count: () => undefined },
    log: () => undefined,
  });
  return publish();
}

async function finishedReceipt(h: Harness, channel: Channel, subject: SubjectIdentifier[]) {
  const requestId = await h.file(channel, subject);
  await h.runToEnd(requestId);
  const request = await h.store.get(requestId);
  if (!request?.receipt) throw new Error('no receipt');
  return { request, receipt: request.receipt };
}

function decode(receipt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header = '', claims = ''] = receipt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('the deletion receipt', () => {
  it('verifies with the published keys, in our check and in a standard JOSE library', async () => {
    harness = await startHarness([ANA, BEN]);
    const { request, receipt } = await finishedReceipt(harness, 'email', [
      { kind: 'email', value: ANA.email },
    ]);
    const jwks = await publishedKeys(harness, harness.env.provisioned.receiptKeyIds);

    const checked = verifyReceipt(receipt, jwks.keys);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const claims: DeletionReceiptClaims = checked.claims;
    expect(claims).toMatchObject({
      iss: 'https://privacy.example.com',
      request_id: request.requestId,
      confirmation_code_sha256: confirmationCodeHash(request.confirmationCode),
      request_type: 'deletion',
      channel: 'email',
      scope: 'everything',
      outcome: 'completed_with_retention',
      // The demo data map's erasure webhook acknowledged; its name is signed, never an identifier.
      erasure_webhooks_acknowledged: ['AnalyticsProvider'],
      read_after_delete_check: { result: 'passed', records_remaining: 0 },
      received_at: request.receivedAt,
      completed_at: request.completedAt,
      due_at: request.dueAt,
      kid: harness.env.provisioned.receiptKeyIds[0],
    });
    // The counts are the request's own, by category of data.
    const total = (groups: readonly { records: number }[]) => groups.reduce((sum, g) => sum + g.records, 0);
    expect(total(claims.deleted)).toBe(request.outcomes.reduce((sum, o) => sum + o.deleted, 0));
    expect(total(claims.kept)).toBe(3);
    expect(claims.kept.map((group) => group.reason).sort()).toEqual([
      'fraud_prevention',
      'tax_and_accounting',
    ]);
    for (const group of claims.kept) expect(group.until).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(claims.deleted.flatMap((group) => group.categories)).toContain('ai_transcripts');
    // The S3 prefix's objects and what the other system confirmed erasing, with their categories.
    const mediaCopies = request.outcomes.find((outcome) => outcome.table === 'MediaCopies');
    expect(mediaCopies?.deleted).toBe(3);
    expect(claims.deleted).toContainEqual({ categories: ['instagram_media'], records: 3 });
    expect(claims.deleted).toContainEqual({
      categories: ['meta_insights', 'analytics_identifiers'],
      records: 12,
    });
    for (const group of claims.deleted) expect(group.categories.length).toBeGreaterThan(0);
    expect(claims.read_after_delete_check.lookups_checked).toBeGreaterThan(0);

    // Independently: jose (any JOSE library does the same) with the JWKS as published.
    const verified = await jose.jwtVerify(receipt, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), {
      algorithms: ['ES256'],
      typ: 'deletion-receipt+jwt',
      issuer: 'https://privacy.example.com',
    });
    expect(verified.payload.request_id).toBe(request.requestId);

    // And the status JSON carries the same receipt.
    expect(toStatusView(request).receipt).toBe(receipt);
  }, 60_000);

  it("states the request's own scope: a web request verified by a phone number covers WhatsApp data only", async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file(
      'web',
      [{ kind: 'whatsapp_phone', value: ANA.whatsappPhone }],
      'whatsapp_data',
    );
    await harness.runToEnd(requestId);
    const request = await harness.store.get(requestId);
    const { claims } = decode(request?.receipt ?? '');
    expect(claims).toMatchObject({
      channel: 'web',
      scope: 'whatsapp_data',
      erasure_webhooks_acknowledged: [],
    });
    expect(claims.categories).toEqual(expect.arrayContaining(['whatsapp_message_content']));
    expect(claims.categories).not.toContain('account_profile');
    const deletedCategories = (claims.deleted as { categories: string[] }[]).flatMap((g) => g.categories);
    expect(deletedCategories.every((category) => category.startsWith('whatsapp_'))).toBe(true);
    expect(harness.env.standIns.downstream.calls()).toEqual([]);
  }, 60_000);

  it('fails after any change to its header or payload', async () => {
    harness = await startHarness([ANA]);
    const { receipt } = await finishedReceipt(harness, 'facebook', [
      { kind: 'facebook_asid', value: ANA.facebookAsid },
    ]);
    const jwks = await publishedKeys(harness, harness.env.provisioned.receiptKeyIds);
    expect(verifyReceipt(receipt, jwks.keys).ok).toBe(true);
    const [header = '', payload = '', signature = ''] = receipt.split('.');

    // Every character of the signed part, replaced by another base64url character.
    const signed = `${header}.${payload}`;
    let tried = 0;
    for (let index = 0; index < signed.length; index += 1) {
      if (signed[index] === '.') continue;
      const replacement = signed[index] === 'A' ? 'B' : 'A';
      const changed = `${signed.slice(0, index)}${replacement}${signed.slice(index + 1)}.${signature}`;
      expect(verifyReceipt(changed, jwks.keys).ok).toBe(false);
      tried += 1;
    }
    expect(tried).toBe(signed.length - 1);

    // Meaningful edits, re-encoded: a count, a category, a date, the outcome, an added field.
    const { header: h, claims } = decode(receipt);
    const deleted = claims.deleted as { categories: string[]; records: number }[];
    const edits: Record<string, unknown>[] = [
      {
        ...claims,
        deleted: deleted.map((group, i) => (i === 0 ? { ...group, records: group.records + 1 } : group)),
      },
      { ...claims, deleted: deleted.slice(1) },
      { ...claims, completed_at: '2020-01-01T00:00:00.000Z' },
      { ...claims, outcome: 'no_data_held' },
      { ...claims, extra: true },
    ];
    for (const edit of edits) {
      expect(verifyReceipt(`${header}.${encode(edit)}.${signature}`, jwks.keys).ok).toBe(false);
    }
    // Header edits: another key, another algorithm, no signature at all.
    const other = harness.env.provisioned.receiptKeyIds[1];
    expect(verifyReceipt(`${encode({ ...h, kid: other })}.${payload}.${signature}`, jwks.keys).ok).toBe(
      false,
    );
    expect(verifyReceipt(`${encode({ ...h, alg: 'ES384' })}.${payload}.${signature}`, jwks.keys).ok).toBe(
      false,
    );
    expect(verifyReceipt(`${encode({ ...h, alg: 'none' })}.${payload}.`, jwks.keys).ok).toBe(false);
    expect(verifyReceipt(`${encode({ ...h, typ: 'JWT' })}.${payload}.${signature}`, jwks.keys).ok).toBe(
      false,
    );
    // The same JOSE library refuses the changed header too.
    await expect(
      jose.compactVerify(
        `${encode({ ...h, typ: 'JWT' })}.${payload}.${signature}`,
        jose.createLocalJWKSet(jwks as jose.JSONWebKeySet),
      ),
    ).rejects.toThrow();
  }, 60_000);

  it.each([
    ['facebook', 'Ana', ANA, [{ kind: 'facebook_asid', value: ANA.facebookAsid }]],
    ['instagram', 'Ben', BEN, [{ kind: 'instagram_scoped_id', value: BEN.instagramScopedId }]],
    ['whatsapp', 'Ana', ANA, [{ kind: 'whatsapp_phone', value: ANA.whatsappPhone }]],
    ['email', 'Ben', BEN, [{ kind: 'email', value: BEN.email }]],
    ['web', 'Ana', ANA, [{ kind: 'email', value: ANA.email }]],
  ] as const)(
    'holds none of the demo people’s identifiers (%s request for %s)',
    async (channel, _name, person, subject) => {
      harness = await startHarness([person]);
      const { receipt } = await finishedReceipt(harness, channel, [...subject] as SubjectIdentifier[]);
      const { header, claims } = decode(receipt);
      const text = `${receipt}\n${JSON.stringify(header)}\n${JSON.stringify(claims)}`;
      for (const demo of [ANA, BEN, CLEO]) {
        for (const identifier of rawIdentifiers(demo)) expect(text).not.toContain(identifier);
        expect(text).not.toContain(demo.accountId);
        // A name as a word: "Ana" is also the start of the AnalyticsProvider system's name.
        expect(text).not.toMatch(new RegExp(`\\b${demo.name}\\b`));
      }
    },
    60_000,
  );

  it('keeps receipts verifiable after the signing key is rotated', async () => {
    harness = await startHarness([ANA, BEN]);
    const [first = '', second = ''] = harness.env.provisioned.receiptKeyIds;
    const before = await finishedReceipt(harness, 'email', [{ kind: 'email', value: ANA.email }]);

    // Rotation: the worker signs with the new key; the JWKS lists the new key and then the old one.
    const rotated = harness.worker({ receiptKeyId: second });
    const requestId = await harness.file('email', [{ kind: 'email', value: BEN.email }]);
    expect(await rotated(requestId)).toBe('completed');
    const after = (await harness.store.get(requestId))?.receipt ?? '';

    const jwks = await publishedKeys(harness, [second, first]);
    expect(jwks.keys.map((key) => key.kid)).toEqual([second, first]);
    const old = verifyReceipt(before.receipt, jwks.keys);
    const fresh = verifyReceipt(after, jwks.keys);
    expect(old.ok && old.header.kid).toBe(first);
    expect(fresh.ok && fresh.header.kid).toBe(second);
    // Without the previous key, the old receipt could no longer be checked.
    expect(verifyReceipt(before.receipt, (await publishedKeys(harness, [second])).keys).ok).toBe(false);
  }, 60_000);

  it('publishes the keys it can read when one of them cannot be read', async () => {
    harness = await startHarness([]);
    const [current = ''] = harness.env.provisioned.receiptKeyIds;
    const unavailable: string[] = [];
    const publish = makePublishReceiptKeys({
      keys: makeKmsReceiptPublicKeys(harness.kms),
      keyIds: [current, '00000000-0000-0000-0000-000000000000'],
      events: { count: (metric) => void unavailable.push(metric) },
      log: () => undefined,
    });
    expect((await publish()).keys.map((key) => key.kid)).toEqual([current]);
    expect(unavailable).toEqual(['ReceiptKeyUnavailable']);
  }, 60_000);

  it('gives a canceled request no receipt', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('email', [{ kind: 'email', value: ANA.email }]);
    expect(
      await harness.store.transition(requestId, ['received'], 'canceled', {
        event: 'canceled',
        at: new Date(),
        forgetSubject: true,
        cancelReason: 'Asked by mistake',
      }),
    ).toBe(true);
    expect(await harness.worker()(requestId)).toBe('already_finished');
    const request = await harness.store.get(requestId);
    expect(request?.receipt).toBeUndefined();
    expect(toStatusView(request!).receipt).toBeUndefined();
    expect(harness.env.standIns.kms.calls().filter((call) => call.operation === 'Sign')).toEqual([]);
  }, 60_000);

  it('shows no receipt for a request canceled after a receipt was stored but before it completed', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('email', [{ kind: 'email', value: ANA.email }]);
    const failBeforeComplete = (real: DeletionRequestStore): DeletionRequestStore => ({
      ...real,
      transition: async (...args) => {
        if (args[2] === 'completed_with_retention') throw new Error('crash before completing');
        return real.transition(...args);
      },
    });
    await expect(harness.worker({ store: failBeforeComplete })(requestId)).rejects.toThrow('crash');
    expect((await harness.store.get(requestId))?.receipt).toBeDefined();
    await harness.store.transition(requestId, ['failed'], 'canceled', { event: 'canceled', at: new Date() });
    expect(toStatusView((await harness.store.get(requestId))!).receipt).toBeUndefined();
  }, 60_000);

  it('issues one receipt however often signing, storing or completing fails', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('email', [{ kind: 'email', value: ANA.email }]);
    const signed: string[] = [];
    let signFailures = 1;
    let completeFailures = 2;
    const flakySigner = (real: ReceiptSigner): ReceiptSigner => ({
      keyId: real.keyId,
      sign: async (input) => {
        if (signFailures-- > 0) throw new Error('KMS unavailable');
        const signature = await real.sign(input);
        signed.push(input);
        return signature;
      },
    });
    const flakyStore = (real: DeletionRequestStore): DeletionRequestStore => ({
      ...real,
      transition: async (...args) => {
        if (args[2] === 'completed_with_retention' && completeFailures-- > 0) throw new Error('crash');
        return real.transition(...args);
      },
    });
    const run = harness.worker({ signer: flakySigner, store: flakyStore });
    const stored: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      try {
        if ((await run(requestId)) === 'completed') break;
      } catch {
        stored.push((await harness.store.get(requestId))?.receipt);
      }
    }
    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed_with_retention');
    // The first attempt failed before anything was signed; the next two stored one receipt and failed
    // to complete; the last completed with that same receipt, and signed nothing more.
    expect(stored[0]).toBeUndefined();
    expect(stored.slice(1)).toEqual([done?.receipt, done?.receipt]);
    expect(signed).toHaveLength(1);
    const jwks = await publishedKeys(harness, harness.env.provisioned.receiptKeyIds);
    const checked = verifyReceipt(done?.receipt ?? '', jwks.keys);
    expect(checked.ok && checked.claims.completed_at).toBe(done?.completedAt);
    expect((await harness.store.events(requestId)).filter((e) => e.event === 'receipt_issued')).toHaveLength(
      1,
    );
  }, 60_000);

  it('says when nothing was held', async () => {
    harness = await startHarness([ANA]);
    const { receipt } = await finishedReceipt(harness, 'email', [
      { kind: 'email', value: 'nobody@example.com' },
    ]);
    const checked = verifyReceipt(
      receipt,
      (await publishedKeys(harness, harness.env.provisioned.receiptKeyIds)).keys,
    );
    expect(checked.ok && checked.claims.outcome).toBe('no_data_held');
    expect(checked.ok && [checked.claims.deleted, checked.claims.kept]).toEqual([[], []]);
  }, 60_000);
});
