// local: an HTTP proxy in front of an AWS stand-in that can be told to fail the next N calls of an
// action (for example SQS SendMessage), so "the send failed after the request was persisted" can be
// tested for real, over the wire, with the production code unchanged.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  readonly url: string;
  /** Fails the next `count` calls whose X-Amz-Target ends with `.${action}`. */
  failNext(action: string, count: number): void;
  pendingFaults(): Record<string, number>;
  /** Drops every fault not yet taken. */
  clearFaults(): void;
  /** Calls forwarded (not failed) per action, e.g. { SendMessage: 3 }. */
  forwardedCalls(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const faults = new Map<string, number>();
  const forwarded = new Map<string, number>();

  function takeFault(amzTarget: string | undefined): boolean {
    const action = amzTarget?.split('.').pop();
    const remaining = action ? (faults.get(action) ?? 0) : 0;
    if (!action || remaining <= 0) return false;
    faults.set(action, remaining - 1);
    return true;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const amzTarget = req.headers['x-amz-target'];
      if (takeFault(Array.isArray(amzTarget) ? amzTarget[0] : amzTarget)) {
        // A non-retryable client error: the SDK gives up at once, as it would on a real outage
        // after its own retries.
        res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAddress', message: 'Injected fault' }));
        return;
      }
      const action = (Array.isArray(amzTarget) ? amzTarget[0] : amzTarget)?.split('.').pop();
      if (action) forwarded.set(action, (forwarded.get(action) ?? 0) + 1);
      forward(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext(action, count) {
      faults.set(action, (faults.get(action) ?? 0) + count);
    },
    pendingFaults: () => Object.fromEntries(faults),
    clearFaults: () => faults.clear(),
    forwardedCalls: () => Object.fromEntries(forwarded),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
