// e2e: the Meta Data Deletion Request callback through the local runner, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';

const SECRET = 'e2e-meta-app-secret';
const ANA = '10000000000000001';
const BEN = '10000000000000002';

let service: RunningService;

beforeAll(async () => {
  service = await startRunner({ META_APP_SECRET: SECRET });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

const now = () => Math.floor(Date.now() / 1000);

async function postCallback(body: string, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(`${service.baseUrl}/meta/data-deletion`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  });
  const json = (await response.json()) as { url?: string; confirmation_code?: string; error?: string };
  return { status: response.status, type: response.headers.get('content-type'), json };
}

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function completed(code: string) {
  return eventually(async () => {
    const { body } = await statusOf(code);
    return body.status === 'completed' ? body : undefined;
  });
}

const metaItemsOf = async (userId: string) =>
  (await service.scan('MetaPlatformData')).filter((item) => String(item.subject).endsWith(userId));

describe('POST /meta/data-deletion', () => {
  it("answers with a status url and code, then deletes the user's Meta platform data and nobody else's", async () => {
    const belongsToBen = (item: unknown) =>
      /acct_ben|0000000000000002|ben@example/.test(JSON.stringify(item));
    const bensBefore = (await service.scanAll()).filter(belongsToBen);
    expect(bensBefore.length).toBeGreaterThan(20);

    const answer = await postCallback(callbackFormBody(signRequest(deletionPayload(ANA, now()), SECRET)));

    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/json/);
    expect(answer.json.confirmation_code).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(answer.json.url).toBe(`${service.baseUrl}/deletion-status?code=${answer.json.confirmation_code}`);
    const done = await completed(answer.json.confirmation_code ?? '');
    // 15 table items, 3 media copies, and the 6 records the analytics provider (the stand-in) erased for
    // the two Meta identifiers (it is given no other identifier of a Meta request).
    expect(done.items_deleted).toBe(24);
    const calls = (await (await fetch(`${service.endpoints.processors}/__calls`)).json()) as {
      system: string;
      status: number;
      signatureValid: boolean;
    }[];
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ system: 'AnalyticsProvider', status: 200, signatureValid: true }),
      ]),
    );
    const everything = JSON.stringify(await service.scanAll());
    for (const identifier of [ANA, '17841400000000001', '24000000000000001'])
      expect(everything).not.toContain(identifier);
    expect((await service.scanAll()).filter(belongsToBen)).toEqual(bensBefore);
  });

  it('returns the same url and code when Meta retries, and enqueues nothing new', async () => {
    const body = callbackFormBody(signRequest(deletionPayload('10000000000000077', now()), SECRET));
    const first = await postCallback(body);
    await completed(first.json.confirmation_code ?? '');
    const sendsBefore = (await service.sqsCalls()).SendMessage ?? 0;

    const replay = await postCallback(body);

    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect((await service.sqsCalls()).SendMessage ?? 0).toBe(sendsBefore);
    expect((await statusOf(first.json.confirmation_code ?? '')).body.status).toBe('completed');
  });

  it.each([
    [
      'a wrong secret',
      () => callbackFormBody(signRequest(deletionPayload(BEN, now()), 'another-secret')),
      403,
    ],
    ['garbage', () => 'signed_request=not-a-signed-request', 400],
    ['no field', () => 'something=else', 400],
    [
      'a stale request',
      () => callbackFormBody(signRequest(deletionPayload(BEN, now() - 3 * 86400), SECRET)),
      400,
    ],
    [
      'a numeric user id',
      () =>
        callbackFormBody(
          signRequest({ algorithm: 'HMAC-SHA256', issued_at: now(), user_id: 10000000000000002 }, SECRET),
        ),
      400,
    ],
    ['an oversized body', () => `signed_request=${'a'.repeat(20_000)}`, 413],
  ])('rejects %s with a 4xx and stores nothing', async (_name, body, expected) => {
    const requestsBefore = await service.scan('DeletionRequests');
    const sendsBefore = (await service.sqsCalls()).SendMessage ?? 0;

    const answer = await postCallback(body());

    expect(answer.status).toBe(expected);
    expect(typeof answer.json.error).toBe('string');
    expect(await service.scan('DeletionRequests')).toEqual(requestsBefore);
    expect((await service.sqsCalls()).SendMessage ?? 0).toBe(sendsBefore);
    expect((await metaItemsOf(BEN)).length).toBeGreaterThan(0);
  });

  it('rejects other content types with 415 and other methods with 405', async () => {
    expect((await postCallback('signed_request=x', 'text/plain')).status).toBe(415);
    const get = await fetch(`${service.baseUrl}/meta/data-deletion`);
    expect(get.status).toBe(405);
  });

  it('still completes the request when the queue send fails after the request was persisted', async () => {
    await service.failSqs('SendMessage', 1);

    const answer = await postCallback(
      callbackFormBody(signRequest(deletionPayload('10000000000000088', now()), SECRET)),
    );

    expect(answer.status).toBe(200);
    const done = await completed(answer.json.confirmation_code ?? '');
    expect(done.status).toBe('completed');
    expect(service.output()).toContain('Deletion job not enqueued; left for the reconciler');
  });
});

describe('GET /deletion-status', () => {
  it('shows a human page and JSON without any identifier of the person', async () => {
    const answer = await postCallback(callbackFormBody(signRequest(deletionPayload(BEN, now()), SECRET)));
    const code = answer.json.confirmation_code ?? '';
    await completed(code);

    const json = await statusOf(code);
    const page = await fetch(`${service.baseUrl}/deletion-status?code=${code}`);
    const html = await page.text();

    expect(json.body).toMatchObject({ confirmation_code: code, status: 'completed' });
    expect(json.body.received_at).toEqual(expect.any(String));
    expect(json.body.updated_at).toEqual(expect.any(String));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toContain(code);
    expect(html).toContain('Done.');
    expect(JSON.stringify(json.body)).not.toContain(BEN);
    expect(html).not.toContain(BEN);
  });

  it.each(['AAAAAAAAAAAAAAAAAAAAAAAA', 'short', '<script>', ''])(
    'answers 404 for an unknown or malformed code (%s)',
    async (code) => {
      const json = await fetch(`${service.baseUrl}/deletion-status?code=${encodeURIComponent(code)}`, {
        headers: { Accept: 'application/json' },
      });
      const html = await fetch(`${service.baseUrl}/deletion-status?code=${encodeURIComponent(code)}`);
      expect(json.status).toBe(404);
      expect(html.status).toBe(404);
      expect(await html.text()).toContain('not found');
    },
  );
});
