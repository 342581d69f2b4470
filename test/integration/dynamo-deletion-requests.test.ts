// integration: the DeletionRequests adapter against the DynamoDB stand-in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import type { DeletionRequestStore } from '../../functions/use-cases/ports.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

let env: TestStandIns;
let store: DeletionRequestStore;
let counter = 0;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
});
afterAll(() => env?.stop());

function newRequest(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  counter += 1;
  const at = new Date(Date.UTC(2026, 10, 1, 12, 0, counter)).toISOString();
  return {
    requestId: `req_integration${String(counter).padStart(6, '0')}`,
    confirmationCode: newConfirmationCode(),
    status: 'received',
    channel: 'facebook',
    subject: [{ kind: 'facebook_asid', value: '10000000000000001' }],
    subjectHashes: ['hash'],
    receivedAt: at,
    updatedAt: at,
    outcomes: [],
    attempts: 0,
    ...overrides,
  };
}

describe('DynamoDB deletion request store', () => {
  it('creates a request once and returns the existing one (with its code) on a second create', async () => {
    const request = newRequest();
    expect(await store.create(request)).toEqual({ created: true });

    const again = await store.create({ ...request, confirmationCode: newConfirmationCode() });

    expect(again.created).toBe(false);
    expect(again.created === false && again.existing.confirmationCode).toBe(request.confirmationCode);
  });

  it('lets exactly one of several concurrent creates of the same request win', async () => {
    const request = newRequest();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.create({ ...request, confirmationCode: newConfirmationCode() })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const stored = await store.get(request.requestId);
    for (const result of results) {
      if (!result.created) expect(result.existing.confirmationCode).toBe(stored?.confirmationCode);
    }
  });

  it('finds a request by its confirmation code, and nothing for an unknown code', async () => {
    const request = newRequest();
    await store.create(request);
    expect((await store.getByCode(request.confirmationCode))?.requestId).toBe(request.requestId);
    expect(await store.getByCode(newConfirmationCode())).toBeUndefined();
  });

  it('moves between states only from the allowed ones, and never out of a terminal state', async () => {
    const request = newRequest();
    await store.create(request);
    const at = new Date();
    expect(await store.transition(request.requestId, ['queued'], 'in_progress', { event: 'x', at })).toBe(
      false,
    );
    expect(
      await store.transition(request.requestId, ['received'], 'in_progress', { event: 'started', at }),
    ).toBe(true);
    expect(
      await store.transition(request.requestId, ['in_progress'], 'completed', {
        event: 'done',
        at,
        forgetSubject: true,
      }),
    ).toBe(true);
    expect(await store.transition(request.requestId, ['in_progress'], 'failed', { event: 'x', at })).toBe(
      false,
    );

    const stored = await store.get(request.requestId);
    expect(stored?.status).toBe('completed');
    expect(stored?.completedAt).toBe(at.toISOString());
    expect(stored?.subject).toEqual([]);
  });

  it('adds table outcomes up across pages and records where the plan stands', async () => {
    const request = newRequest();
    await store.create(request);
    const page = (deleted: number) => ({ table: 'MetaPlatformData', deleted, anonymised: 0, retained: 0 });
    await store.recordPurgeProgress(request.requestId, page(3), 0);
    await store.recordPurgeProgress(request.requestId, page(2), 1);
    const stored = await store.get(request.requestId);
    expect(stored?.outcomes).toEqual([page(5)]);
    expect(stored?.nextStep).toBe(1);
  });

  it('gives the lease to one worker at a time until it is released or expires', async () => {
    const request = newRequest();
    await store.create(request);
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    expect(await store.acquireLease(request.requestId, now, until)).toBe(true);
    expect(await store.acquireLease(request.requestId, now, until)).toBe(false);
    expect(await store.acquireLease(request.requestId, new Date(until.getTime() + 1), until)).toBe(true);
    const released = { event: 'continued', at: now, releaseLease: true };
    await store.transition(request.requestId, ['in_progress'], 'in_progress', released);
    expect(await store.acquireLease(request.requestId, now, until)).toBe(true);
    expect((await store.get(request.requestId))?.attempts).toBe(3);
  });

  it('lists requests still waiting for the queue until they are queued', async () => {
    const request = newRequest();
    await store.create(request);
    const later = new Date(Date.UTC(2030, 0, 1));
    expect(await store.listAwaitingQueue(later, 1000)).toContain(request.requestId);
    await store.transition(request.requestId, ['received'], 'queued', { event: 'queued', at: new Date() });
    expect(await store.listAwaitingQueue(later, 1000)).not.toContain(request.requestId);
  });
});
