// adapters: one HTTP request over node:http or node:https, for the Graph API and the erasure webhooks. Not
// `fetch`: Node loads its fetch implementation (undici) on the first call, which cost the worker's cold
// start about 16 ms of CPU (BENCHMARKS.md), while node:http is already loaded for the AWS SDK.
import { request as plainRequest, type IncomingMessage } from 'node:http';
import { request as tlsRequest } from 'node:https';

export interface HttpInit {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request, and the reading of its answer. */
  readonly signal?: AbortSignal;
}

/** The part of a fetch Response the adapters read. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** `fetch`'s shape, narrowed to what the adapters use (so a test may pass `fetch` itself). */
export type HttpCall = (url: string, init: HttpInit) => Promise<HttpResponse>;

function headerReader(message: IncomingMessage): HttpResponse['headers'] {
  return {
    get(name) {
      const value = message.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** Sends the request and reads the whole answer. Redirects are not followed: a 3xx is an answer like any other. */
export const httpCall: HttpCall = (url, init) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? tlsRequest : plainRequest;
    const request = send(
      target,
      {
        method: init.method,
        headers: {
          ...init.headers,
          ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }),
        },
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (message) => {
        const chunks: Buffer[] = [];
        message.on('data', (chunk: Buffer) => chunks.push(chunk));
        message.on('error', reject);
        message.on('end', () => {
          const status = message.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status,
            ok: status >= 200 && status < 300,
            headers: headerReader(message),
            text: () => Promise.resolve(text),
          });
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
