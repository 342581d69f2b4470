// integration: the Meta revocation job step against the fake Graph API and the IntegrationTokens
// table of the stand-ins — one test per Graph error class.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeGraphApiClient } from '../../functions/adapters/graph-api-client.js';
import { makeDynamoMetaTokenStore } from '../../functions/adapters/dynamo-meta-tokens.js';
import type { DeletionRequest, SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { MetaRevocationError, metaGrantRevocation } from '../../functions/use-cases/revoke-meta-grants.js';
import { startFakeGraphApi, type FakeGraphApi, type GraphFault } from '../../local/fake-graph-api.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const APP_ID = '100000000000001';
const USER = '30000000000000001';
const IG_USER = '17841400000000999';
const PAGE = '555000111';

let env: TestStandIns;
let graph: FakeGraphApi;
const counted: { metric: string; dimensions?: Readonly<Record<string, string>> }[] = [];
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  [env, graph] = await Promise.all([startTestStandIns(), startFakeGraphApi(0)]);
});
afterAll(async () => {
  await graph?.stop();
  await env?.stop();
});
beforeEach(async () => {
  graph.reset();
  counted.length = 0;
  logged.length = 0;
  await seedTokens({ revoked: false });
});

async function seedTokens({ revoked }: { revoked: boolean }) {
  const mark = revoked ? { revokedAt: '2026-11-29T00:00:00.000Z' } : {};
  const items = [
    {
      owner: `facebook_asid#${USER}`,
      tokenId: 'user',
      platform: 'facebook',
      accessToken: 'EAAB-user',
      ...mark,
    },
    {
      owner: `facebook_asid#${USER}`,
      tokenId: `page#${PAGE}`,
      platform: 'facebook',
      pageId: PAGE,
      webhookSubscribed: true,
      accessToken: 'EAAB-page-token',
      ...mark,
    },
    { owner: `instagram_scoped_id#${IG_USER}`, tokenId: 'user', platform: 'instagram', accessToken: 'IGQ-x' },
  ];
  await env.documents.send(
    new BatchWriteCommand({
      RequestItems: { IntegrationTokens: items.map((Item) => ({ PutRequest: { Item } })) },
    }),
  );
}

function requestFor(subject: SubjectIdentifier[], channel: DeletionRequest['channel'] = 'facebook') {
  return {
    requestId: 'req_test',
    confirmationCode: 'A'.repeat(24),
    status: 'in_progress',
    channel,
    subject,
    subjectHashes: [],
    receivedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    outcomes: [],
    attempts: 1,
  } satisfies DeletionRequest;
}

const step = (options: Pick<Parameters<typeof metaGrantRevocation>[0], 'servedPlatforms'> = {}) =>
  metaGrantRevocation({
    ...options,
    graph: makeGraphApiClient({ baseUrl: graph.url, version: 'v27.0', sleep: async () => undefined }),
    tokens: makeDynamoMetaTokenStore(env.documents, 'IntegrationTokens'),
    appAccessToken: async () => `${APP_ID}|app-secret`,
    events: { count: (metric, _value, dimensions) => void counted.push({ metric, dimensions }) },
    log: (_level, _message, fields) => void logged.push(fields),
  });

const facebookUser = requestFor([{ kind: 'facebook_asid', value: USER }]);
const paths = () => graph.calls().map((call) => `${call.method} ${call.path}`);
const metaError = (code: number, status = 400, subcode?: number): GraphFault => ({
  status,
  body: { error: { code, message: 'x', type: 'OAuthException', error_subcode: subcode, fbtrace_id: 'T1' } },
});

describe('Meta grant revocation step', () => {
  it('calls nothing for a platform the stage does not serve, and says so (the purge still deletes the tokens)', async () => {
    await step({ servedPlatforms: new Set(['instagram']) }).run(facebookUser);

    expect(paths()).toEqual([]);
    expect(counted).toEqual([{ metric: 'MetaRevocationSkipped', dimensions: { platform: 'facebook' } }]);
    expect(logged).toEqual([{ requestId: 'req_test', platform: 'facebook' }]);
  });

  it("unsubscribes the user's pages with the page token, then revokes the grant with the app token", async () => {
    await step().run(facebookUser);

    expect(paths()).toEqual([`DELETE /v27.0/${PAGE}/subscribed_apps`, `DELETE /v27.0/${USER}/permissions`]);
    expect(graph.calls().map((call) => call.appToken)).toEqual([false, true]);
    expect(graph.calls().every((call) => call.authorized)).toBe(true);
    expect(counted.map((entry) => entry.metric)).toEqual(['WebhookUnsubscribed', 'GrantRevoked']);
  });

  it('makes no call with tokens marked revoked, but still revokes the grant with the app token', async () => {
    await seedTokens({ revoked: true });

    await step().run(facebookUser);

    expect(paths()).toEqual([`DELETE /v27.0/${USER}/permissions`]);
    expect(graph.calls()[0]?.appToken).toBe(true);
  });

  it('makes no Graph call for a Business Login for Instagram user (no documented revocation)', async () => {
    await step().run(requestFor([{ kind: 'instagram_scoped_id', value: IG_USER }], 'instagram'));
    expect(graph.calls()).toHaveLength(0);
  });

  it('makes no Graph call for a request whose scope keeps Meta tokens out (WhatsApp)', async () => {
    await step().run(requestFor([{ kind: 'facebook_asid', value: USER }], 'whatsapp'));
    expect(graph.calls()).toHaveLength(0);
  });

  it.each([4, 17, 32, 613])('retries a rate limit (code %i) with backoff and then succeeds', async (code) => {
    graph.failNext(metaError(code), 2);

    await step().run(facebookUser);

    expect(paths()).toHaveLength(4);
    expect(counted.some((entry) => entry.metric === 'GraphApiError')).toBe(false);
  });

  it('retries a 5xx and then succeeds', async () => {
    graph.failNext({ status: 503, body: { error: { code: 2, message: 'Service temporarily unavailable' } } });

    await step().run(facebookUser);

    expect(paths()).toHaveLength(3);
  });

  it.each([
    ['app not installed (190/458)', 458],
    ['password changed (190/460)', 460],
    ['invalid token (190)', undefined],
  ])('treats %s as already revoked: done', async (_name, subcode) => {
    graph.failNext(metaError(190, 400, subcode), 2);

    await step().run(facebookUser);

    expect(paths()).toHaveLength(2);
    expect(counted).toContainEqual({ metric: 'GraphApiError', dimensions: { class: 'invalid_token' } });
    expect(counted.some((entry) => entry.metric === 'GraphApiError' && !entry.dimensions)).toBe(false);
  });

  it.each([
    ['a permission error (code 200)', metaError(200, 403), 'permission'],
    ['an unknown request (code 100)', metaError(100), 'client_error'],
    ['a rate limit that outlasts the retries', metaError(4), 'rate_limited'],
    [
      'a 5xx that outlasts the retries',
      { status: 500, body: { error: { code: 1, fbtrace_id: 'T2' } } },
      'server_error',
    ],
  ])('fails visibly on %s, so the job is retried', async (_name, fault, errorClass) => {
    graph.failNext(fault as GraphFault, 10);

    await expect(step().run(facebookUser)).rejects.toBeInstanceOf(MetaRevocationError);

    expect(counted).toContainEqual({ metric: 'GraphApiError', dimensions: { class: errorClass } });
    expect(counted).toContainEqual({ metric: 'GraphApiError', dimensions: undefined });
    expect(logged.at(-1)).toMatchObject({ requestId: 'req_test', errorClass, fbtraceId: expect.anything() });
  });

  it('never puts a token in a URL, a call body or a log field', async () => {
    graph.failNext(metaError(100), 10);
    await expect(step().run(facebookUser)).rejects.toThrow();

    const seen = JSON.stringify({ calls: graph.calls(), logged });
    for (const token of ['EAAB-page-token', 'EAAB-user', 'app-secret']) expect(seen).not.toContain(token);
  });

  it('leaves the stored tokens for the purge to delete', async () => {
    await step().run(facebookUser);
    const tokens = await env.documents.send(new ScanCommand({ TableName: 'IntegrationTokens' }));
    expect((tokens.Items ?? []).length).toBeGreaterThanOrEqual(3);
  });
});
