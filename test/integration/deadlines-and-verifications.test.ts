// integration: due dates, open-request listing, the deadline check, verification links and rate
// limits against the DynamoDB stand-in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoRateLimiter } from '../../functions/adapters/dynamo-rate-limiter.js';
import { makeDynamoVerificationStore } from '../../functions/adapters/dynamo-verifications.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { newRequestId } from '../../functions/core/self-service-identifier.js';
import { makeCheckDeadlines } from '../../functions/use-cases/check-deadlines.js';
import type { DeletionRequestStore } from '../../functions/use-cases/ports.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

let env: TestStandIns;
let store: DeletionRequestStore;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
});
afterAll(() => env?.stop());

function newRequest(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: newRequestId(),
    confirmationCode: newConfirmationCode(),
    status: 'received',
    channel: 'facebook',
    subject: [{ kind: 'facebook_asid', value: '10000000000000001' }],
    subjectHashes: ['hash'],
    receivedAt: '2026-01-31T09:00:00.000Z',
    updatedAt: '2026-01-31T09:00:00.000Z',
    outcomes: [],
    attempts: 0,
    ...overrides,
  };
}

describe('due dates', () => {
  it('gives every request created as received a due date one calendar month on (as the Meta intake does)', async () => {
    const request = newRequest();
    await store.create(request);
    expect((await store.get(request.requestId))?.dueAt).toBe('2026-02-28T09:00:00.000Z');
  });

  it('uses the jurisdiction of the request', async () => {
    const request = newRequest({ jurisdiction: 'ccpa' });
    await store.create(request);
    expect((await store.get(request.requestId))?.dueAt).toBe('2026-03-17T09:00:00.000Z');
  });

  it('sets the due date on verification, not before, and lists only verified open requests', async () => {
    const request = newRequest({ status: 'pending_verification', channel: 'web' });
    await store.create(request);
    expect((await store.get(request.requestId))?.dueAt).toBeUndefined();
    expect((await store.listOpen(1000)).map((r) => r.requestId)).not.toContain(request.requestId);

    await store.transition(request.requestId, ['pending_verification'], 'received', {
      event: 'verified',
      at: new Date('2026-03-01T00:00:00.000Z'),
      dueAt: new Date('2026-04-01T00:00:00.000Z'),
    });
    expect((await store.listOpen(1000)).map((r) => r.requestId)).toContain(request.requestId);
    await store.transition(request.requestId, ['received'], 'canceled', {
      event: 'canceled',
      at: new Date(),
      by: 'support:alice',
      cancelReason: 'Asked to stop.',
    });
    expect((await store.listOpen(1000)).map((r) => r.requestId)).not.toContain(request.requestId);
    expect(await store.events(request.requestId)).toContainEqual(
      expect.objectContaining({ event: 'canceled', by: 'support:alice' }),
    );
  });

  it('flags nearing and overdue requests once, and reports the counts', async () => {
    const overdue = newRequest({ receivedAt: '2025-01-01T00:00:00.000Z' });
    const nearing = newRequest({ receivedAt: '2026-05-25T00:00:00.000Z' });
    await store.create(overdue);
    await store.create(nearing);
    const counted: Record<string, number> = {};
    const check = makeCheckDeadlines({
      store,
      clock: { now: () => new Date('2026-06-20T00:00:00.000Z') },
      events: { count: (metric, value = 1) => (counted[metric] = value) },
      nearingDays: 7,
    });
    const first = await check();
    expect(first.overdue).toBeGreaterThanOrEqual(1);
    expect(first.nearing).toBeGreaterThanOrEqual(1);
    expect(counted).toMatchObject({ RequestsOverdue: first.overdue, RequestsNearingDue: first.nearing });
    expect((await store.get(overdue.requestId))?.deadlineState).toBe('overdue');
    expect((await store.get(nearing.requestId))?.deadlineState).toBe('nearing');
    expect((await check()).newlyFlagged).toBe(0);
    const flags = (await store.events(overdue.requestId)).filter((event) => event.event === 'overdue');
    expect(flags).toHaveLength(1);
  });

  it('extends only later, only once, with the reason, and clears the flag', async () => {
    const request = newRequest({ receivedAt: '2025-01-01T00:00:00.000Z' });
    await store.create(request);
    await store.markDeadlineState(request.requestId, 'overdue', new Date());
    expect(
      await store.extendDueDate(request.requestId, new Date('2024-01-01'), 'earlier', new Date(), 'x'),
    ).toBe(false);
    expect(
      await store.extendDueDate(
        request.requestId,
        new Date('2025-04-01'),
        'Archive restore.',
        new Date(),
        'support:bob',
      ),
    ).toBe(true);
    const extended = await store.get(request.requestId);
    expect(extended).toMatchObject({
      dueAt: '2025-04-01T00:00:00.000Z',
      extensionReason: 'Archive restore.',
    });
    expect(extended?.deadlineState).toBeUndefined();
    // The law allows one extension: a second (even a concurrent one) is refused by the write itself.
    expect(
      await store.extendDueDate(request.requestId, new Date('2025-05-01'), 'Again.', new Date(), 'x'),
    ).toBe(false);
    expect((await store.get(request.requestId))?.dueAt).toBe('2025-04-01T00:00:00.000Z');
  });
});

describe('verification links', () => {
  it('work once, before they expire, are read without being used, and shrink to a spent marker with the request', async () => {
    const verifications = makeDynamoVerificationStore(env.documents, 'Verifications');
    const now = new Date('2026-03-01T12:00:00.000Z');
    await verifications.save({
      tokenHash: 'hash-one',
      requestId: 'req_one',
      createdAt: now,
      validUntil: new Date(now.getTime() + 3600_000),
    });
    await verifications.save({
      tokenHash: 'hash-two',
      requestId: 'req_one',
      createdAt: now,
      validUntil: new Date(now.getTime() - 1),
    });
    // Reading a link (what a GET does) never uses it, however often.
    for (let i = 0; i < 3; i += 1)
      expect(await verifications.inspect('hash-one', now)).toEqual({ state: 'valid', requestId: 'req_one' });
    expect(await verifications.inspect('hash-two', now)).toEqual({ state: 'expired' });
    expect(await verifications.inspect('hash-none', now)).toEqual({ state: 'unknown' });
    expect(await verifications.consume('hash-one', now)).toEqual({ ok: true, requestId: 'req_one' });
    expect(await verifications.inspect('hash-one', now)).toEqual({ state: 'used', requestId: 'req_one' });
    expect(await verifications.consume('hash-one', now)).toEqual({ ok: false, reason: 'used' });
    expect(await verifications.consume('hash-two', now)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifications.consume('hash-none', now)).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifications.forgetRequest('req_one', 'AbCdEfGhIjKlMnOpQrStUvWx')).toBe(2);
    // Forgotten: no request id, times or attempts remain; a late click still finds the status page.
    const marker = (
      await env.documents.send(new GetCommand({ TableName: 'Verifications', Key: { tokenHash: 'hash-one' } }))
    ).Item;
    expect(Object.keys(marker ?? {}).sort()).toEqual(['expiresAt', 'statusCode', 'tokenHash', 'usedAt']);
    expect(await verifications.inspect('hash-one', now)).toEqual({
      state: 'used',
      statusCode: 'AbCdEfGhIjKlMnOpQrStUvWx',
    });
    expect(await verifications.consume('hash-one', now)).toEqual({ ok: false, reason: 'used' });
    expect(await verifications.consume('hash-two', now)).toEqual({ ok: false, reason: 'used' });
  });
});

describe('rate limits', () => {
  it('count per key and window', async () => {
    const limiter = makeDynamoRateLimiter(env.documents, 'RateLimits');
    const rule = { limit: 2, windowSeconds: 60 };
    const now = new Date('2026-03-01T12:00:10.000Z');
    const hits = [];
    for (let i = 0; i < 3; i += 1) hits.push(await limiter.hit('identifier#abc', rule, now));
    expect(hits).toEqual([true, true, false]);
    expect(await limiter.hit('identifier#other', rule, now)).toBe(true);
    expect(await limiter.hit('identifier#abc', rule, new Date('2026-03-01T12:01:10.000Z'))).toBe(true);
  });
});
