// local: a stand-in for the company's other systems that receive erasure webhooks (the analytics provider's
// proxy in the demo data map). It checks each request's signature, holds a few demo records per identifier,
// erases them once per request id (a repeat gets the same acknowledgement), records every call at /__calls,
// and can be told to fail: the next N calls, or every call until told otherwise.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyErasureSignature,
} from '../functions/core/erasure-signature.js';
import { DEMO_PEOPLE, type DemoPerson } from './seed-data.js';

export interface DownstreamCall {
  readonly system: string;
  readonly requestId?: string;
  readonly idempotencyKey?: string;
  readonly signatureValid: boolean;
  readonly identifierKinds: readonly string[];
  readonly categories: readonly string[];
  /** The answer given: the HTTP status and, when acknowledged, the count. */
  readonly status: number;
  readonly erased?: number;
  readonly at: string;
}

export interface DownstreamFaults {
  /** Answer the next `failNext` calls with 503. */
  readonly failNext?: number;
  /** Answer every call with 503 until set to false. */
  readonly failAlways?: boolean;
}

export interface FakeDownstream {
  readonly url: string;
  /** Where the worker posts erasure requests for a system. */
  erasureUrl(system: string): string;
  calls(): readonly DownstreamCall[];
  setFaults(faults: DownstreamFaults): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The demo records the stand-in holds: three analytics records per demo identifier. */
function demoRecords(people: readonly DemoPerson[]): Map<string, number> {
  const records = new Map<string, number>();
  for (const person of people) {
    for (const [kind, value] of [
      ['facebook_asid', person.facebookAsid],
      ['instagram_scoped_id', person.instagramScopedId],
      ['account_id', person.accountId],
      ['email', person.email],
    ] as const) {
      records.set(`${kind}#${value}`, 3);
    }
  }
  return records;
}

export async function startFakeDownstream(
  port: number,
  options: { readonly secret: string; readonly people?: readonly DemoPerson[] },
): Promise<FakeDownstream> {
  const records = demoRecords(options.people ?? DEMO_PEOPLE);
  const acknowledged = new Map<string, number>();
  let calls: DownstreamCall[] = [];
  let failNext = 0;
  let failAlways = false;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://downstream.local');
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname === '/__calls' && req.method === 'GET') return send(200, calls);
    if (url.pathname === '/__calls' && req.method === 'DELETE') {
      calls = [];
      return send(200, {});
    }
    if (url.pathname === '/__faults' && req.method === 'POST') {
      try {
        const faults = JSON.parse(body || '{}') as DownstreamFaults;
        failNext = Number.isInteger(faults.failNext) ? Number(faults.failNext) : failNext;
        failAlways = typeof faults.failAlways === 'boolean' ? faults.failAlways : failAlways;
        return send(200, { failNext, failAlways });
      } catch {
        return send(400, { error: 'expected {"failNext"?: integer, "failAlways"?: boolean}' });
      }
    }
    const route = /^\/erasure\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (!route || req.method !== 'POST') return send(404, { error: 'not_found' });

    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const signatureValid = verifyErasureSignature({
      secrets: [options.secret],
      signature: header(SIGNATURE_HEADER),
      timestamp: header(TIMESTAMP_HEADER),
      body,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    let request: { requestId?: string; subject?: { kind: string; value: string }[]; categories?: string[] } =
      {};
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      // Recorded below as a call without a request id.
    }
    const record = (status: number, erased?: number) =>
      calls.push({
        system: route[1] ?? '',
        ...(request.requestId ? { requestId: request.requestId } : {}),
        ...(header(IDEMPOTENCY_HEADER) ? { idempotencyKey: header(IDEMPOTENCY_HEADER) } : {}),
        signatureValid,
        identifierKinds: (request.subject ?? []).map((identifier) => identifier.kind),
        categories: request.categories ?? [],
        status,
        ...(erased === undefined ? {} : { erased }),
        at: new Date().toISOString(),
      });

    if (failAlways || failNext > 0) {
      if (failNext > 0) failNext -= 1;
      record(503);
      return send(503, { error: 'unavailable' });
    }
    if (!signatureValid) {
      record(401);
      return send(401, { error: 'bad_signature' });
    }
    const requestId = header(IDEMPOTENCY_HEADER);
    if (!requestId || requestId !== request.requestId) {
      record(400);
      return send(400, { error: 'idempotency_key_must_be_the_request_id' });
    }
    // Once per request id: a repeat is answered with the first count and erases nothing more.
    let erased = acknowledged.get(requestId);
    if (erased === undefined) {
      erased = 0;
      for (const identifier of request.subject ?? []) {
        const key = `${identifier.kind}#${identifier.value}`;
        erased += records.get(key) ?? 0;
        records.delete(key);
      }
      acknowledged.set(requestId, erased);
    }
    record(200, erased);
    return send(200, { requestId, erased });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    erasureUrl: (system) => `${url}/erasure/${system}`,
    calls: () => calls,
    setFaults(faults) {
      if (faults.failNext !== undefined) failNext = faults.failNext;
      if (faults.failAlways !== undefined) failAlways = faults.failAlways;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
