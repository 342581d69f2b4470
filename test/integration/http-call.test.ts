// integration: the adapters' HTTP request (node:http instead of fetch) against a real local server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpCall } from '../../functions/adapters/http-call.js';

let server: Server;
let base: string;
const received: { method?: string; headers?: IncomingMessage['headers']; body?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/elsewhere' });
        return void res.end();
      }
      if (req.url === '/refused') {
        res.writeHead(400, { 'x-app-usage': '{"call_count":100}', 'set-cookie': ['a=1', 'b=2'] });
        return void res.end('{"error":{"code":100}}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: body, accent: 'Zoë' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpCall', () => {
  it('sends the method, headers and body, and reads the answer as UTF-8 text', async () => {
    const body = JSON.stringify({ name: 'Zoë' });
    const response = await httpCall(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body,
    });

    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual({ echo: body, accent: 'Zoë' });
    const last = received.at(-1);
    expect(last?.method).toBe('POST');
    expect(last?.headers?.authorization).toBe('Bearer t');
    expect(last?.headers?.['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('returns a refusal as an answer, with its headers readable by name in any case', async () => {
    const response = await httpCall(`${base}/refused`, { method: 'GET', headers: {} });

    expect(response.ok).toBe(false);
    expect(response.status).toBe(400);
    expect(response.headers.get('X-App-Usage')).toBe('{"call_count":100}');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('x-missing')).toBeNull();
  });

  it('does not follow a redirect', async () => {
    const before = received.length;
    const response = await httpCall(`${base}/moved`, { method: 'POST', headers: {}, body: '{}' });

    expect(response.status).toBe(302);
    expect(response.ok).toBe(false);
    expect(received.length).toBe(before + 1);
  });

  it('gives up when the signal aborts', async () => {
    await expect(
      httpCall(`${base}/slow`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
  });

  it('fails when nothing listens', async () => {
    await expect(httpCall('http://127.0.0.1:1/', { method: 'GET', headers: {} })).rejects.toThrow();
  });
});
