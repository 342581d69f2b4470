// integration: the intake, worker and reconciler use cases wired to the real adapters against the
// stand-ins, with failures injected between steps.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PurgeQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeSqsJobQueue } from '../../functions/adapters/sqs-job-queue.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import type { DeletionRequestStore, JobQueue } from '../../functions/use-cases/ports.js';
import { makeReconcileUnqueued } from '../../functions/use-cases/reconcile-unqueued.js';
import { makeDynamoMetaTokenStore } from '../../functions/adapters/dynamo-meta-tokens.js';
import { makeDynamoOpenRequestIndex } from '../../functions/adapters/dynamo-open-requests.js';
import { makeHandleMetaCallback } from '../../functions/use-cases/handle-meta-callback.js';
import { deletionPayload, signRequest } from '../support/signing.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const SECRET = 'integration-secret';
let env: TestStandIns;
let store: DeletionRequestStore;
let queue: JobQueue;
const counted: string[] = [];
const events = { count: (metric: string) => void counted.push(metric) };
const clock = { now: () => new Date() };
let userCounter = 0;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
  queue = makeSqsJobQueue(env.sqs, env.provisioned.queueUrl);
});
afterAll(() => env?.stop());
beforeEach(async () => {
  counted.length = 0;
  await env.sqs.send(new PurgeQueueCommand({ QueueUrl: env.provisioned.queueUrl }));
});

function intake(jobQueue: JobQueue = queue) {
  const handle = makeHandleMetaCallback({
    store,
    openRequests: makeDynamoOpenRequestIndex(env.documents, 'DeletionRequests', 'SUBJECT#'),
    tokens: makeDynamoMetaTokenStore(env.documents, 'IntegrationTokens'),
    queue: jobQueue,
    clock,
    secrets: async () => [SECRET],
    hashIdentifier: async () => makeIdentifierHasher('pepper'),
    events,
    log: () => undefined,
    publicBaseUrl: 'https://privacy.example.com',
    appIds: { facebook: '1', instagram: '2' },
    window: { maxAgeSeconds: 86400, maxSkewSeconds: 300 },
    reuseDays: 90,
    pointerDays: 400,
  });
  return (signedRequest: string) => handle({ platform: 'facebook', kind: 'data_deletion' }, signedRequest);
}

async function receiveJobs(): Promise<unknown[]> {
  const received = await env.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: env.provisioned.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    }),
  );
  return (received.Messages ?? []).map((message) => JSON.parse(message.Body ?? 'null'));
}

async function newUserWithData(items: number) {
  userCounter += 1;
  const userId = `2000000000000${String(userCounter).padStart(4, '0')}`;
  const rows = Array.from({ length: items }, (_, index) => ({
    PutRequest: { Item: { subject: `facebook_asid#${userId}`, item: `PAGE#${index}`, name: 'x' } },
  }));
  for (let i = 0; i < rows.length; i += 25) {
    await env.documents.send(
      new BatchWriteCommand({ RequestItems: { MetaPlatformData: rows.slice(i, i + 25) } }),
    );
  }
  return userId;
}

const signed = (userId: string) =>
  signRequest(deletionPayload(userId, Math.floor(Date.now() / 1000)), SECRET);

describe('deletion pipeline', () => {
  it('enqueues a job that carries only the request id', async () => {
    const userId = await newUserWithData(1);
    const result = await intake()(signed(userId));
    expect(result.ok).toBe(true);

    const jobs = await receiveJobs();

    expect(jobs).toHaveLength(1);
    expect(Object.keys(jobs[0] as object).sort()).toEqual(['requestId', 'v']);
    expect(JSON.stringify(jobs)).not.toContain(userId);
  });

  it('answers concurrent duplicates of one callback with one code and one job', async () => {
    const userId = await newUserWithData(1);
    const request = signed(userId);

    const results = await Promise.all(Array.from({ length: 4 }, () => intake()(request)));

    const codes = new Set(results.map((result) => (result.ok ? result.confirmationCode : 'rejected')));
    expect(codes.size).toBe(1);
    expect(codes.has('rejected')).toBe(false);
    expect(await receiveJobs()).toHaveLength(1);
  });

  it('keeps a request whose job could not be sent, and the reconciler enqueues it', async () => {
    const userId = await newUserWithData(2);
    const failingQueue: JobQueue = {
      sendDeletionJob: async () => {
        throw new Error('queue unavailable');
      },
    };

    const result = await intake(failingQueue)(signed(userId));

    expect(result.ok).toBe(true);
    expect(counted).toContain('JobEnqueueFailed');
    expect(await receiveJobs()).toHaveLength(0);
    const reconciled = await makeReconcileUnqueued({ store, queue, clock, graceSeconds: 0 })();
    expect(reconciled.enqueued).toBeGreaterThanOrEqual(1);
    const code = result.ok ? result.confirmationCode : '';
    expect((await store.getByCode(code))?.status).toBe('queued');
    expect(await receiveJobs()).toHaveLength(1);
  });
});
