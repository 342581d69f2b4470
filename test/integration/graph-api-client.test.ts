// integration: the Graph API client against the fake Graph API — retries, error classes, headers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { makeGraphApiClient } from '../../functions/adapters/graph-api-client.js';
import { GraphApiError } from '../../functions/use-cases/ports.js';
import { startFakeGraphApi, type FakeGraphApi } from '../../local/fake-graph-api.js';

let graph: FakeGraphApi;
const waits: number[] = [];

beforeAll(async () => {
  graph = await startFakeGraphApi(0);
});
afterAll(() => graph?.stop());
beforeEach(() => {
  graph.reset();
  waits.length = 0;
});

const client = () =>
  makeGraphApiClient({ baseUrl: graph.url, version: 'v27.0', sleep: async (ms) => void waits.push(ms) });
const revoke = () =>
  client().request({ method: 'DELETE', path: '/10000000000000001/permissions', token: 'app|secret' });
const metaError = (code: number, status = 400) => ({
  status,
  body: { error: { code, message: 'x', fbtrace_id: 'T1' } },
});

describe('Graph API client', () => {
  it('sends the token only in the Authorization header, on the pinned version', async () => {
    expect(await revoke()).toEqual({ success: true });
    const [call] = graph.calls();
    expect(call).toMatchObject({
      method: 'DELETE',
      path: '/v27.0/10000000000000001/permissions',
      authorized: true,
    });
    expect(JSON.stringify(graph.calls())).not.toContain('app|secret');
  });

  it.each([4, 17, 32, 613])('retries rate limit code %i with backoff, then succeeds', async (code) => {
    graph.failNext(metaError(code), 2);
    expect(await revoke()).toEqual({ success: true });
    expect(graph.calls()).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('retries a 5xx and gives up after the last attempt with a server_error', async () => {
    graph.failNext({ status: 503, body: {} }, 10);
    await expect(revoke()).rejects.toMatchObject({ errorClass: 'server_error', status: 503 });
    expect(graph.calls()).toHaveLength(4);
  });

  it('does not retry an invalid token', async () => {
    graph.failNext(metaError(190), 1);
    const error = (await revoke().catch((e: unknown) => e)) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error.errorClass).toBe('invalid_token');
    expect(error.fbtraceId).toBe('T1');
    expect(graph.calls()).toHaveLength(1);
  });

  it('waits as long as X-Business-Use-Case-Usage says, and fails fast when that is too long', async () => {
    const usage = (minutes: number) =>
      JSON.stringify({
        '123': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: minutes }],
      });
    graph.failNext({ ...metaError(32), headers: { 'x-business-use-case-usage': usage(0) } }, 1);
    await revoke();
    graph.failNext({ ...metaError(32), headers: { 'x-business-use-case-usage': usage(5) } }, 1);
    await expect(revoke()).rejects.toMatchObject({ errorClass: 'rate_limited' });
  });

  it.each([
    [131047, 'outside_window'],
    [131026, 'undeliverable'],
    [10, 'permission'],
    [100, 'client_error'],
  ])('classifies code %i as %s', async (code, errorClass) => {
    graph.failNext(metaError(code), 1);
    await expect(revoke()).rejects.toMatchObject({ errorClass, code });
  });
});
