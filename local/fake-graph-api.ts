// local: a fake Meta Graph API. Records every call (without the Authorization header's value) and
// can be told to answer the next calls with Meta's error shapes, so each error path can be tested.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly authorized: boolean;
  /** Whether the bearer token had the app access token's `{app-id}|{app-secret}` shape (never its value). */
  readonly appToken: boolean;
  readonly at: string;
}

export interface GraphFault {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface FakeGraphApi {
  readonly url: string;
  calls(): readonly GraphCall[];
  failNext(fault: GraphFault, count?: number): void;
  reset(): void;
  stop(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(text);
      }
    });
  });
}

export async function startFakeGraphApi(port: number): Promise<FakeGraphApi> {
  let calls: GraphCall[] = [];
  let faults: GraphFault[] = [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const body = await readJson(req);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    // Control endpoints, for people and tests looking inside.
    if (url.pathname === '/__calls' && req.method === 'GET') return send(200, calls);
    if (url.pathname === '/__faults' && req.method === 'POST') {
      const { count = 1, ...fault } = (body ?? {}) as GraphFault & { count?: number };
      for (let i = 0; i < count; i += 1) faults.push(fault);
      return send(200, { pending: faults.length });
    }
    if (url.pathname === '/__reset' && req.method === 'POST') {
      calls = [];
      faults = [];
      return send(200, { ok: true });
    }

    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      body,
      authorized: (req.headers.authorization ?? '').startsWith('Bearer '),
      appToken: /^Bearer [0-9]+\|./.test(req.headers.authorization ?? ''),
      at: new Date().toISOString(),
    });
    const fault = faults.shift();
    if (fault) return send(fault.status, fault.body, fault.headers);
    if (req.method === 'DELETE' && /\/permissions$/.test(url.pathname)) return send(200, { success: true });
    if (req.method === 'DELETE' && /\/subscribed_apps$/.test(url.pathname))
      return send(200, { success: true });
    if (req.method === 'POST' && /\/messages$/.test(url.pathname)) {
      return send(200, {
        messaging_product: 'whatsapp',
        messages: [{ id: `wamid.FAKE${calls.length}` }],
      });
    }
    return send(404, { error: { message: 'Unknown path', type: 'GraphMethodException', code: 100 } });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls: () => calls,
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
    reset() {
      calls = [];
      faults = [];
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
