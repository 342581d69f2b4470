// e2e: every Meta callback route, in every order, through the local runner over HTTP, with the
// worker revoking access through the fake Graph API (told to fail where a test needs it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ANA, BEN } from '../../local/seed-data.js';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';

const META_SECRET = 'e2e-meta-app-secret';
const IG_SECRET = 'e2e-instagram-app-secret';
const APP_ID = '123456789012345';

let service: RunningService;
let sqs: SQSClient;
let userCounter = 0;

beforeAll(async () => {
  service = await startRunner({
    META_APP_SECRET: META_SECRET,
    INSTAGRAM_APP_SECRET: IG_SECRET,
    META_APP_ID: APP_ID,
  });
  sqs = new SQSClient({
    endpoint: service.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  sqs?.destroy();
  await service?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const unknownUser = () => `5000000000${String((userCounter += 1)).padStart(6, '0')}`;
const signed = (userId: string, secret: string) =>
  callbackFormBody(signRequest(deletionPayload(userId, now(), { nonce: Math.random() }), secret));

interface Answer {
  status: number;
  text: string;
  json?: { url?: string; confirmation_code?: string; error?: string };
}

async function post(path: string, body: string): Promise<Answer> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  let json: Answer['json'];
  try {
    json = text ? (JSON.parse(text) as Answer['json']) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as Record<string, unknown>;
}

const finished = (code: string, timeoutMs = 20_000) =>
  eventually(async () => {
    const body = await statusOf(code);
    return body.status === 'completed' || body.status === 'completed_with_retention' ? body : undefined;
  }, timeoutMs);

interface GraphCall {
  method: string;
  path: string;
  appToken: boolean;
  authorized: boolean;
}
const graph = {
  async calls(): Promise<GraphCall[]> {
    return (await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as GraphCall[];
  },
  async fail(fault: { status: number; body: unknown }, count: number) {
    await fetch(`${service.endpoints.graph}/__faults`, {
      method: 'POST',
      body: JSON.stringify({ ...fault, count }),
    });
  },
  async reset() {
    await fetch(`${service.endpoints.graph}/__reset`, { method: 'POST' });
  },
};
const metaError = (code: number, subcode?: number) => ({
  status: 400,
  body: { error: { code, error_subcode: subcode, message: 'x', type: 'OAuthException', fbtrace_id: 'E2E' } },
});
const sends = async () => (await service.sqsCalls()).SendMessage ?? 0;
const callsTo = async (userId: string) => (await graph.calls()).filter((call) => call.path.includes(userId));

async function tokensOf(owner: string) {
  return (await service.scan('IntegrationTokens')).filter((item) => item.owner === owner);
}

describe('POST /meta/deauthorize', () => {
  it("answers 200 with an empty body, revokes the grant, deletes the user's Meta data, and a later deletion callback gets the same request", async () => {
    const sendsBefore = await sends();
    const body = signed(ANA.facebookAsid, META_SECRET);

    const answer = await post('/meta/deauthorize', body);

    expect(answer).toMatchObject({ status: 200, text: '' });
    await eventually(async () =>
      (await tokensOf(`facebook_asid#${ANA.facebookAsid}`)).length === 0 ? true : undefined,
    );
    const calls = await callsTo(ANA.facebookAsid);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `DELETE /v27.0/${ANA.facebookAsid}/permissions`,
    ]);
    expect(calls[0]?.appToken).toBe(true);
    // The page token was marked revoked by the deauthorize: no call was made with it.
    expect(
      (await graph.calls()).some(
        (call) =>
          call.path.endsWith('/subscribed_apps') && call.path.includes(`1${ANA.facebookAsid.slice(-6)}`),
      ),
    ).toBe(false);

    const replay = await post('/meta/deauthorize', body);
    expect(replay).toMatchObject({ status: 200, text: '' });

    const deletion = await post('/meta/data-deletion', signed(ANA.facebookAsid, META_SECRET));
    expect(deletion.status).toBe(200);
    const code = deletion.json?.confirmation_code ?? '';
    const done = await finished(code);
    expect(done).toMatchObject({ started_by: 'deauthorize', schedule: 'immediate_on_deauthorize' });
    expect(done.items_deleted).toBeGreaterThan(10);
    expect(await sends()).toBe(sendsBefore + 1);
    const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
    expect(page).toContain('started when you removed our app');
    expect(JSON.stringify(await service.scanAll())).not.toContain(ANA.facebookAsid);
  });
});

describe('POST /meta/data-deletion then POST /meta/deauthorize', () => {
  it('ends in one deletion: the deauthorize joins the open request and enqueues nothing', async () => {
    const sendsBefore = await sends();
    const deletion = await post('/meta/data-deletion', signed(BEN.facebookAsid, META_SECRET));
    const deauthorize = await post('/meta/deauthorize', signed(BEN.facebookAsid, META_SECRET));

    expect(deletion.status).toBe(200);
    expect(deauthorize).toMatchObject({ status: 200, text: '' });
    const done = await finished(deletion.json?.confirmation_code ?? '');
    expect(done.items_deleted).toBeGreaterThan(10);
    expect(await sends()).toBe(sendsBefore + 1);
    expect(
      (await callsTo(BEN.facebookAsid)).filter((call) => call.path.endsWith('/permissions')),
    ).toHaveLength(1);
  });
});

describe('a further deletion callback for an open request', () => {
  it('answers with the same url and code while the request fails and is retried, then completes', async () => {
    const userId = unknownUser();
    await graph.fail(metaError(100), 2);

    const first = await post('/meta/data-deletion', signed(userId, META_SECRET));
    await eventually(async () => ((await callsTo(userId)).length >= 1 ? true : undefined));
    const second = await post('/meta/data-deletion', signed(userId, META_SECRET));

    expect(second.json).toEqual(first.json);
    const done = await finished(first.json?.confirmation_code ?? '');
    expect(done.no_data_held).toBe(true);
    expect((await callsTo(userId)).length).toBe(3);
    expect(service.output()).toContain('Graph API call failed; the job will be retried');
  });
});

describe('a deletion callback for a user we hold nothing about', () => {
  it('gets a valid url and code, and its status says no data was held', async () => {
    const answer = await post('/meta/data-deletion', signed(unknownUser(), META_SECRET));

    expect(answer.status).toBe(200);
    expect(answer.json?.confirmation_code).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(answer.json?.url).toContain(answer.json?.confirmation_code);
    const done = await finished(answer.json?.confirmation_code ?? '');
    expect(done).toMatchObject({ status: 'completed', no_data_held: true, scope: 'meta_platform_data' });
  });
});

describe('POST /instagram/data-deletion and /instagram/deauthorize', () => {
  it('accepts the Instagram app secret, and refuses the Meta app secret', async () => {
    const before = (await service.scan('DeletionRequests')).length;
    const withMeta = await post('/instagram/data-deletion', signed(unknownUser(), META_SECRET));
    expect(withMeta.status).toBe(403);
    expect((await service.scan('DeletionRequests')).length).toBe(before);

    const withInstagram = await post('/instagram/data-deletion', signed(unknownUser(), IG_SECRET));
    expect(withInstagram.status).toBe(200);
    expect(service.output()).toContain('"secret":"instagramAppSecret:current"');
    expect((await statusOf(withInstagram.json?.confirmation_code ?? '')).channel).toBe('instagram');
  });

  it('rejects an Instagram callback signed with any other secret with 403, storing nothing', async () => {
    const before = (await service.scan('DeletionRequests')).length;
    const answer = await post('/instagram/deauthorize', signed(unknownUser(), 'not-a-known-secret'));
    expect(answer.status).toBe(403);
    expect((await service.scan('DeletionRequests')).length).toBe(before);
  });

  it('deauthorize then deletion for an Instagram user: one request, Instagram tokens deleted, no Graph call', async () => {
    const sendsBefore = await sends();
    const igUser = '17841400000000042';
    await service.documents.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: 'IntegrationTokens',
        Item: {
          owner: `instagram_scoped_id#${igUser}`,
          tokenId: 'user',
          platform: 'instagram',
          accessToken: 'IGQ-e2e',
        },
      }),
    );

    const deauthorize = await post('/instagram/deauthorize', signed(igUser, IG_SECRET));
    const deletion = await post('/instagram/data-deletion', signed(igUser, IG_SECRET));

    expect(deauthorize).toMatchObject({ status: 200, text: '' });
    const done = await finished(deletion.json?.confirmation_code ?? '');
    expect(done).toMatchObject({ channel: 'instagram', started_by: 'deauthorize', items_deleted: 1 });
    expect(await tokensOf(`instagram_scoped_id#${igUser}`)).toEqual([]);
    expect(await callsTo(igUser)).toEqual([]);
    expect(await sends()).toBe(sendsBefore + 1);
  });

  it('keeps an Instagram user and a Facebook user with the same digits apart', async () => {
    const userId = unknownUser();
    const facebook = await post('/meta/data-deletion', signed(userId, META_SECRET));
    const instagram = await post('/instagram/data-deletion', signed(userId, IG_SECRET));
    expect(instagram.json?.confirmation_code).not.toBe(facebook.json?.confirmation_code);
  });

  it.each(['/instagram/data-deletion', '/instagram/deauthorize', '/meta/deauthorize'])(
    'answers 405 to GET %s',
    async (path) => {
      expect((await fetch(`${service.baseUrl}${path}`)).status).toBe(405);
    },
  );
});

describe('Graph API errors during revocation', () => {
  it.each([
    ['a rate limit (613), retried with backoff', metaError(613), 1, 2],
    ['a 5xx, retried', { status: 500, body: { error: { code: 1, message: 'x' } } }, 1, 2],
    ['"app not installed" (190/458), treated as already revoked', metaError(190, 458), 1, 1],
  ])('completes the deletion after %s', async (_name, fault, count, expectedCalls) => {
    const userId = unknownUser();
    await graph.fail(fault, count);

    const answer = await post('/meta/data-deletion', signed(userId, META_SECRET));

    await finished(answer.json?.confirmation_code ?? '');
    expect((await callsTo(userId)).length).toBe(expectedCalls);
  });

  it('dead-letters a job whose Graph error never clears, after the queue retries it', async () => {
    const userId = unknownUser();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'DeletionJobsDLQ' }));
    const depth = async () =>
      Number(
        (
          await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
          )
        ).Attributes?.ApproximateNumberOfMessages ?? 0,
      );
    const before = await depth();
    await graph.fail(metaError(200), 50);

    const answer = await post('/meta/data-deletion', signed(userId, META_SECRET));

    expect(answer.status).toBe(200);
    await eventually(async () => ((await depth()) > before ? true : undefined), 30_000);
    expect((await callsTo(userId)).length).toBe(5);
    expect((await statusOf(answer.json?.confirmation_code ?? '')).status).toBe('failed');
    await graph.reset();
  }, 40_000);
});
