// integration: the local API while `npm start` is still creating tables and seeding: every declared
// route answers 503 with Retry-After (not a 404 that looks final), then the handlers answer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROUTES } from '../../functions/declarations/functions.js';
import { STARTING_RETRY_AFTER_SECONDS, startLocalApi, type LocalApi } from '../../local/api-gateway.js';

let api: LocalApi;
let ready = false;

beforeAll(async () => {
  api = await startLocalApi({
    port: 0,
    routes: ROUTES,
    handlerFor: () => async () => ({ statusCode: 200, body: 'served' }),
    isReady: () => ready,
  });
});
afterAll(() => api?.stop());

describe('the local API', () => {
  it('answers 503 with Retry-After on every route until the service is ready, then serves', async () => {
    for (const route of ROUTES) {
      const starting = await fetch(`${api.url}${route.path}`, { method: route.method });
      expect([route.path, starting.status]).toEqual([route.path, 503]);
      expect(starting.headers.get('retry-after')).toBe(String(STARTING_RETRY_AFTER_SECONDS));
    }
    ready = true;
    const served = await fetch(`${api.url}/deletion-status?code=x`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('served');
  });

  it('sends the bare address to the request form', async () => {
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/delete-my-data');
  });

  it('still answers 404 for a path that is no route, starting or not', async () => {
    expect((await fetch(`${api.url}/nothing-here`)).status).toBe(404);
  });
});
