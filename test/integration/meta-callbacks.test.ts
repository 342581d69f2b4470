// integration: the Meta callback use case against the stand-ins — candidate secrets per platform,
// one request per user whatever the order of deauthorize and deletion, and revoked tokens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BatchWriteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoMetaTokenStore } from '../../functions/adapters/dynamo-meta-tokens.js';
import { makeDynamoOpenRequestIndex } from '../../functions/adapters/dynamo-open-requests.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import type { MetaCallback } from '../../functions/core/meta-callback.js';
import type { SecretName } from '../../functions/declarations/secrets.js';
import { makeHandleMetaCallback } from '../../functions/use-cases/handle-meta-callback.js';
import type { DeletionRequestStore } from '../../functions/use-cases/ports.js';
import { deletionPayload, signRequest } from '../support/signing.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const SECRETS: Partial<Record<SecretName, string[]>> = {
  metaAppSecret: ['meta-current', 'meta-previous'],
  instagramAppSecret: ['ig-current', 'ig-previous'],
  identifierPepper: ['pepper'],
};
const FB_DELETION: MetaCallback = { platform: 'facebook', kind: 'data_deletion' };
const FB_DEAUTH: MetaCallback = { platform: 'facebook', kind: 'deauthorize' };
const IG_DELETION: MetaCallback = { platform: 'instagram', kind: 'data_deletion' };
const IG_DEAUTH: MetaCallback = { platform: 'instagram', kind: 'deauthorize' };

let env: TestStandIns;
let store: DeletionRequestStore;
const jobs: string[] = [];
const counted: { metric: string; dimensions?: Readonly<Record<string, string>> }[] = [];
const logged: Record<string, unknown>[] = [];
let nowMs = Date.now();
let userCounter = 0;

beforeAll(async () => {
  env = await startTestStandIns();
  store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
});
afterAll(() => env?.stop());
beforeEach(() => {
  jobs.length = 0;
  counted.length = 0;
  logged.length = 0;
  nowMs = Date.now();
});

const handle = makeHandleMetaCallbackForTests();
function makeHandleMetaCallbackForTests() {
  let built: ReturnType<typeof makeHandleMetaCallback> | undefined;
  return (callback: MetaCallback, signedRequest: string) => {
    built ??= makeHandleMetaCallback({
      store,
      openRequests: makeDynamoOpenRequestIndex(env.documents, 'DeletionRequests', 'SUBJECT#'),
      tokens: makeDynamoMetaTokenStore(env.documents, 'IntegrationTokens'),
      queue: { sendDeletionJob: async (requestId) => void jobs.push(requestId) },
      clock: { now: () => new Date(nowMs) },
      secrets: async (name) => SECRETS[name] ?? [],
      hashIdentifier: async () => makeIdentifierHasher('pepper'),
      events: { count: (metric, _value, dimensions) => void counted.push({ metric, dimensions }) },
      log: (_level, _message, fields) => void logged.push(fields),
      publicBaseUrl: 'https://privacy.example.com',
      appIds: { facebook: '100', instagram: '200' },
      window: { maxAgeSeconds: 86400, maxSkewSeconds: 300 },
      reuseDays: 90,
      pointerDays: 400,
    });
    return built(callback, signedRequest);
  };
}

const newUser = () => `4000000000${String((userCounter += 1)).padStart(6, '0')}`;
const signed = (userId: string, secret: string, extra: Record<string, unknown> = {}) =>
  signRequest(deletionPayload(userId, Math.floor(nowMs / 1000), extra), secret);

/** Signed with the platform's own current secret unless told otherwise: each route accepts only its own. */
async function codeOf(
  callback: MetaCallback,
  userId: string,
  secret = callback.platform === 'instagram' ? 'ig-current' : 'meta-current',
) {
  const result = await handle(callback, signed(userId, secret, { n: Math.random() }));
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result;
}

async function complete(code: string, completedAt: Date) {
  const request = await store.getByCode(code);
  await env.documents.send(
    new UpdateCommand({
      TableName: 'DeletionRequests',
      Key: { pk: `REQUEST#${request?.requestId}` },
      UpdateExpression: 'SET #status = :done, completedAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'completed', ':at': completedAt.toISOString() },
    }),
  );
}

describe('candidate secrets', () => {
  it.each([
    ['the Instagram app secret', 'ig-current', 'instagramAppSecret:current', false],
    ['the previous Instagram app secret', 'ig-previous', 'instagramAppSecret:previous', true],
  ])(
    'accepts an Instagram callback signed with %s and records which matched',
    async (_n, secret, label, fallback) => {
      const result = await handle(IG_DELETION, signed(newUser(), secret));

      expect(result).toMatchObject({ ok: true, secret: label });
      expect(counted).toContainEqual({
        metric: 'SecretMatched',
        dimensions: { route: 'instagram-data-deletion', candidate: label },
      });
      expect(counted.some((entry) => entry.metric === 'FallbackSecretMatched')).toBe(fallback);
      expect(logged.at(-1)).toMatchObject({ secret: label });
    },
  );

  it('accepts a Facebook callback signed with the previous Meta secret, as a fallback', async () => {
    const result = await handle(FB_DELETION, signed(newUser(), 'meta-previous'));
    expect(result).toMatchObject({ ok: true, secret: 'metaAppSecret:previous' });
    expect(counted.map((entry) => entry.metric)).toContain('FallbackSecretMatched');
  });

  it('rejects an Instagram callback signed with the Meta app secret', async () => {
    for (const secret of ['meta-current', 'meta-previous']) {
      expect(await handle(IG_DELETION, signed(newUser(), secret))).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });

  it('rejects a Facebook callback signed with the Instagram secret', async () => {
    const result = await handle(FB_DELETION, signed(newUser(), 'ig-current'));
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
    expect(jobs).toHaveLength(0);
  });
});

describe('one request per user', () => {
  it.each([
    ['deauthorize, then deletion', FB_DEAUTH, FB_DELETION],
    ['deletion, then deauthorize', FB_DELETION, FB_DEAUTH],
    ['deletion, then another deletion', FB_DELETION, FB_DELETION],
    ['Instagram deauthorize, then deletion', IG_DEAUTH, IG_DELETION],
  ])('%s: one request, one job, the same code', async (_name, first, second) => {
    const userId = newUser();
    const a = await codeOf(first, userId);
    nowMs += 10 * 60 * 1000;
    const b = await codeOf(second, userId);

    expect(b.confirmationCode).toBe(a.confirmationCode);
    expect(b.url).toBe(a.url);
    expect([a.created, b.created]).toEqual([true, false]);
    expect(jobs).toHaveLength(1);
    expect(counted.map((entry) => entry.metric)).toContain('CallbackJoinedOpenRequest');
  });

  it('answers a deletion days after a completed deauthorize with that request', async () => {
    const userId = newUser();
    const first = await codeOf(FB_DEAUTH, userId);
    await complete(first.confirmationCode, new Date(nowMs));
    nowMs += 20 * 86400 * 1000;

    const later = await codeOf(FB_DELETION, userId);

    expect(later.confirmationCode).toBe(first.confirmationCode);
    expect(jobs).toHaveLength(1);
  });

  it('opens a new request once the last one completed longer ago than the reuse window', async () => {
    const userId = newUser();
    const first = await codeOf(FB_DELETION, userId);
    await complete(first.confirmationCode, new Date(nowMs));
    nowMs += 91 * 86400 * 1000;

    const later = await codeOf(FB_DELETION, userId);

    expect(later.confirmationCode).not.toBe(first.confirmationCode);
    expect(later.created).toBe(true);
    expect(jobs).toHaveLength(2);
  });

  it('opens a new request when the person connected the app again after a completed one', async () => {
    const userId = newUser();
    const first = await codeOf(FB_DELETION, userId);
    await complete(first.confirmationCode, new Date(nowMs));
    nowMs += 86400 * 1000;
    await env.documents.send(
      new BatchWriteCommand({
        RequestItems: {
          IntegrationTokens: [
            {
              PutRequest: { Item: { owner: `facebook_asid#${userId}`, tokenId: 'user', accessToken: 'new' } },
            },
          ],
        },
      }),
    );

    const again = await codeOf(FB_DEAUTH, userId);

    expect(again.created).toBe(true);
    expect(again.confirmationCode).not.toBe(first.confirmationCode);
    expect(jobs).toHaveLength(2);
  });

  it('keeps Facebook and Instagram ids apart even when the digits are the same', async () => {
    const userId = newUser();
    const facebook = await codeOf(FB_DELETION, userId);
    const instagram = await codeOf(IG_DELETION, userId);
    expect(instagram.confirmationCode).not.toBe(facebook.confirmationCode);
    expect(jobs).toHaveLength(2);
    expect((await store.getByCode(instagram.confirmationCode))?.subject).toEqual([
      { kind: 'instagram_scoped_id', value: userId },
    ]);
  });

  it('creates one request when a deauthorize and a deletion arrive at the same moment', async () => {
    const userId = newUser();
    const results = await Promise.all([
      codeOf(FB_DEAUTH, userId),
      codeOf(FB_DELETION, userId),
      codeOf(FB_DEAUTH, userId),
      codeOf(FB_DELETION, userId),
    ]);
    expect(new Set(results.map((result) => result.confirmationCode)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(jobs).toHaveLength(1);
  });

  it('records on the request that a deauthorize started it, and the schedule', async () => {
    const result = await codeOf(FB_DEAUTH, newUser());
    expect(await store.getByCode(result.confirmationCode)).toMatchObject({
      startedBy: 'deauthorize',
      schedule: 'immediate_on_deauthorize',
      channel: 'facebook',
    });
  });

  it('keeps raw user ids out of every key of the request table', async () => {
    const userId = newUser();
    await codeOf(FB_DEAUTH, userId);
    const items = await env.documents.send(new ScanCommand({ TableName: 'DeletionRequests' }));
    const keys = (items.Items ?? []).map((item) => String(item.pk));
    expect(keys.some((key) => key.startsWith('SUBJECT#facebook#100#'))).toBe(true);
    expect(keys.filter((key) => key.includes(userId))).toEqual([]);
    const pointers = JSON.stringify(counted) + JSON.stringify(logged);
    expect(pointers).not.toContain(userId);
  });
});

describe('deauthorize', () => {
  it("marks the user's stored tokens of that platform revoked, and no one else's", async () => {
    const userId = newUser();
    const owner = `facebook_asid#${userId}`;
    await env.documents.send(
      new BatchWriteCommand({
        RequestItems: {
          IntegrationTokens: [
            { owner, tokenId: 'user', accessToken: 't1' },
            { owner, tokenId: 'page#1', pageId: '1', webhookSubscribed: true, accessToken: 't2' },
            { owner: `instagram_scoped_id#${userId}`, tokenId: 'user', accessToken: 't3' },
          ].map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );

    await codeOf(FB_DEAUTH, userId);

    const tokens = makeDynamoMetaTokenStore(env.documents, 'IntegrationTokens');
    expect((await tokens.list(owner)).map((token) => token.revoked)).toEqual([true, true]);
    expect((await tokens.list(`instagram_scoped_id#${userId}`)).map((token) => token.revoked)).toEqual([
      false,
    ]);
    expect(counted).toContainEqual({ metric: 'IntegrationRevoked', dimensions: { platform: 'facebook' } });
  });
});
