// integration: the deadline check against the DynamoDB stand-in. Open requests are counted by when they were
// received; finished and unverified ones are not.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeCheckDeadlines } from '../../functions/use-cases/check-deadlines.js';
import type { DeletionRequestStore } from '../../functions/use-cases/ports.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));

let env: TestStandIns;
let store: DeletionRequestStore;
let counter = 0;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
});
afterAll(() => env?.stop());

async function requestReceivedDaysAgo(
  days: number,
  status: DeletionRequest['status'] = 'received',
): Promise<string> {
  counter += 1;
  const at = new Date(NOW.getTime() - days * DAY_MS - counter * 1000).toISOString();
  const requestId = `req_deadline${String(counter).padStart(6, '0')}`;
  await store.create({
    requestId,
    confirmationCode: newConfirmationCode(),
    status,
    channel: 'facebook',
    subject: [{ kind: 'facebook_asid', value: '10000000000000001' }],
    subjectHashes: ['hash'],
    receivedAt: at,
    updatedAt: at,
    outcomes: [],
    attempts: 0,
  });
  return requestId;
}

const checkDeadlines = () =>
  makeCheckDeadlines({ store, clock: { now: () => NOW }, deadlineDays: 30, warningDays: 2 })();

describe('deadline check', () => {
  it('counts open requests past the deadline and those nearing it, not finished or unverified ones', async () => {
    expect(await checkDeadlines()).toEqual({ overdue: 0, nearingDue: 0 });

    const overdueQueued = await requestReceivedDaysAgo(31);
    await store.transition(overdueQueued, ['received'], 'queued', { event: 'queued', at: NOW });
    await requestReceivedDaysAgo(40);
    await requestReceivedDaysAgo(29);
    await requestReceivedDaysAgo(5);
    await requestReceivedDaysAgo(45, 'pending_verification');
    const finished = await requestReceivedDaysAgo(50);
    await store.transition(finished, ['received'], 'in_progress', { event: 'started', at: NOW });
    await store.transition(finished, ['in_progress'], 'completed', { event: 'completed', at: NOW });
    const canceled = await requestReceivedDaysAgo(60);
    await store.transition(canceled, ['received'], 'canceled', { event: 'canceled', at: NOW });

    expect(await checkDeadlines()).toEqual({ overdue: 2, nearingDue: 1 });
  });

  it('counts a request that failed and awaits a retry as still open', async () => {
    const before = await checkDeadlines();
    const failed = await requestReceivedDaysAgo(35);
    await store.transition(failed, ['received'], 'failed', { event: 'failed', at: NOW });
    expect((await checkDeadlines()).overdue).toBe(before.overdue + 1);
  });
});
