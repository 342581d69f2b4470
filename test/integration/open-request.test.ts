// integration: one open request per subject — the shared join-or-open algorithm and the pointer
// adapter against the DynamoDB stand-in: concurrent intakes agree on one request, a pointer to a
// missing request creates it under that id, an ended request is replaced, a lost move is retried,
// and pointers already stored under `SUBJECT#` and `OPEN#` keep working.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoOpenRequestIndex } from '../../functions/adapters/dynamo-open-requests.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import { isTerminal, type DeletionRequest } from '../../functions/core/deletion-request.js';
import {
  joinOrOpenRequest,
  pointSubjectAt,
  verifiedOpenRequest,
  type OpenRequestAsk,
} from '../../functions/use-cases/open-request.js';
import type { DeletionRequestStore, OpenRequestIndex } from '../../functions/use-cases/ports.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const TABLE = 'DeletionRequests';
const AT = new Date('2026-03-01T12:00:00.000Z');
let env: TestStandIns;
let store: DeletionRequestStore;
let index: OpenRequestIndex;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, TABLE);
  index = makeDynamoOpenRequestIndex(env.documents, TABLE, 'OPEN#');
});
afterAll(() => env?.stop());

const newSubject = () => `subject-${randomUUID()}`;

function candidate(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: `req_${randomUUID()}`,
    confirmationCode: newConfirmationCode(),
    status: 'received',
    channel: 'whatsapp',
    subject: [{ kind: 'whatsapp_phone', value: '15550000001' }],
    subjectHashes: ['hash'],
    receivedAt: AT.toISOString(),
    updatedAt: AT.toISOString(),
    outcomes: [],
    attempts: 0,
    ...overrides,
  };
}

function ask(subjectKey: string, request = candidate()): OpenRequestAsk {
  return { subjectKey, candidate: request, at: AT, covers: (named) => !isTerminal(named.status) };
}

/** A stored request that has ended. */
async function endedRequest(): Promise<DeletionRequest> {
  const request = candidate({ status: 'completed', completedAt: AT.toISOString() });
  await store.create(request);
  return request;
}

async function pointer(pk: string) {
  return (await env.documents.send(new GetCommand({ TableName: TABLE, Key: { pk }, ConsistentRead: true })))
    .Item;
}

describe('joinOrOpenRequest', () => {
  it('lets concurrent intakes for one subject agree on one request, created once', async () => {
    const subjectKey = newSubject();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => joinOrOpenRequest({ store, openRequests: index }, ask(subjectKey))),
    );
    const ids = new Set(results.map((result) => result.request.requestId));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const [requestId] = [...ids];
    expect(await index.pointsTo(subjectKey)).toBe(requestId);
    expect(await store.get(requestId!)).toMatchObject({ requestId, status: 'received' });
  });

  it('joins the open request the subject points to, and repairs its code pointer', async () => {
    const subjectKey = newSubject();
    const first = await joinOrOpenRequest({ store, openRequests: index }, ask(subjectKey));
    const again = await joinOrOpenRequest({ store, openRequests: index }, ask(subjectKey));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.request).toMatchObject(first.request);
    expect((await store.getByCode(first.request.confirmationCode))?.requestId).toBe(first.request.requestId);
  });

  it('creates a missing request under the id the pointer names (a crash between the two writes)', async () => {
    const subjectKey = newSubject();
    const named = `req_${randomUUID()}`;
    await index.claim(subjectKey, named, AT);
    const asked = candidate();
    const result = await joinOrOpenRequest({ store, openRequests: index }, ask(subjectKey, asked));
    expect(result.created).toBe(true);
    expect(result.request).toEqual({ ...asked, requestId: named });
    expect(await store.get(named)).toMatchObject({ confirmationCode: asked.confirmationCode });
    expect(await store.get(asked.requestId)).toBeUndefined();
    expect(await index.pointsTo(subjectKey)).toBe(named);
  });

  it('moves the pointer from a request that no longer covers the subject to a new one', async () => {
    const subjectKey = newSubject();
    const ended = await endedRequest();
    await index.claim(subjectKey, ended.requestId, AT);
    const asked = candidate();
    const result = await joinOrOpenRequest({ store, openRequests: index }, ask(subjectKey, asked));
    expect(result).toEqual({ created: true, request: asked });
    expect(await index.pointsTo(subjectKey)).toBe(asked.requestId);
  });

  it('retries a move lost to another intake, and joins what that one opened', async () => {
    const subjectKey = newSubject();
    const ended = await endedRequest();
    await index.claim(subjectKey, ended.requestId, AT);
    // Another intake moves the pointer first: from the ended request to another ended one, then to
    // an open one.
    const alsoEnded = await endedRequest();
    const opened = candidate();
    const racers = [alsoEnded.requestId, opened.requestId];
    let reassigns = 0;
    const racing: OpenRequestIndex = {
      ...index,
      async reassign(key, from, to, at, expiresAt) {
        reassigns += 1;
        const racer = racers.shift();
        if (racer) {
          if (racer === opened.requestId) await store.create(opened);
          await index.reassign(key, from, racer, at, expiresAt);
        }
        return index.reassign(key, from, to, at, expiresAt);
      },
    };
    const result = await joinOrOpenRequest({ store, openRequests: racing }, ask(subjectKey));
    expect(reassigns).toBe(2);
    expect(result.created).toBe(false);
    expect(result.request).toMatchObject(opened);
    expect(await index.pointsTo(subjectKey)).toBe(opened.requestId);
  });

  it('gives up when the pointer keeps changing', async () => {
    const subjectKey = newSubject();
    const ended = await endedRequest();
    await index.claim(subjectKey, ended.requestId, AT);
    const losing: OpenRequestIndex = { ...index, reassign: async (_key, from) => from };
    await expect(joinOrOpenRequest({ store, openRequests: losing }, ask(subjectKey))).rejects.toThrow(
      'Open request pointer kept changing',
    );
  });
});

describe('the pointer adapter', () => {
  it('keeps the stored keys: `SUBJECT#` and `OPEN#`, with an expiry only when one is given', async () => {
    const subjectKey = newSubject();
    const expiresAt = new Date(AT.getTime() + 86_400_000);
    const subjects = makeDynamoOpenRequestIndex(env.documents, TABLE, 'SUBJECT#');
    await subjects.claim(subjectKey, 'req_meta', AT, expiresAt);
    await index.claim(subjectKey, 'req_whatsapp', AT);
    expect(await pointer(`SUBJECT#${subjectKey}`)).toEqual({
      pk: `SUBJECT#${subjectKey}`,
      requestId: 'req_meta',
      since: AT.toISOString(),
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
    });
    expect(await pointer(`OPEN#${subjectKey}`)).toEqual({
      pk: `OPEN#${subjectKey}`,
      requestId: 'req_whatsapp',
      since: AT.toISOString(),
    });
    expect(await subjects.pointsTo(subjectKey)).toBe('req_meta');
    expect(await index.pointsTo(subjectKey)).toBe('req_whatsapp');
    expect(await index.pointsTo(newSubject())).toBeUndefined();
  });

  it('reads and moves pointers stored before (WhatsApp without a date, self-service with `at`)', async () => {
    const whatsappKey = newSubject();
    const selfServiceKey = newSubject();
    await env.documents.send(
      new PutCommand({ TableName: TABLE, Item: { pk: `OPEN#${whatsappKey}`, requestId: 'req_old_wa' } }),
    );
    await env.documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: `SUBJECT#${selfServiceKey}`, requestId: 'req_old_web', at: AT.toISOString() },
      }),
    );
    const subjects = makeDynamoOpenRequestIndex(env.documents, TABLE, 'SUBJECT#');
    expect(await index.claim(whatsappKey, 'req_new', AT)).toBe('req_old_wa');
    expect(await index.reassign(whatsappKey, 'req_old_wa', 'req_new', AT)).toBe('req_new');
    expect(await subjects.pointsTo(selfServiceKey)).toBe('req_old_web');
    expect(await subjects.reassign(selfServiceKey, 'req_other', 'req_new', AT)).toBe('req_old_web');
  });
});

describe('self-service pointers', () => {
  it('points the subject at a request from whichever it named, and reads only a verified open one', async () => {
    const subjectKey = newSubject();
    const subjects = makeDynamoOpenRequestIndex(env.documents, TABLE, 'SUBJECT#');
    const ports = { store, openRequests: subjects };
    const ended = await endedRequest();
    await pointSubjectAt(subjects, subjectKey, ended.requestId, AT);
    expect(await subjects.pointsTo(subjectKey)).toBe(ended.requestId);
    expect(await verifiedOpenRequest(ports, subjectKey)).toBeUndefined();

    const pending = candidate({ status: 'pending_verification' });
    await store.create(pending);
    await pointSubjectAt(subjects, subjectKey, pending.requestId, AT);
    expect(await verifiedOpenRequest(ports, subjectKey)).toBeUndefined();

    const open = candidate();
    await store.create(open);
    await pointSubjectAt(subjects, subjectKey, open.requestId, AT);
    expect(await subjects.pointsTo(subjectKey)).toBe(open.requestId);
    expect((await verifiedOpenRequest(ports, subjectKey))?.requestId).toBe(open.requestId);
  });
});
