// adapters: the one HTTP client for Meta's Graph API (Facebook, Instagram and the WhatsApp Cloud
// API). Tokens travel only in the Authorization header, never in a URL; errors are classified by
// Meta's `error.code` (never by HTTP status or message text); throttling and 5xx are retried with
// jittered backoff that honours the usage headers Meta sends. What the use cases see of a failure is
// the ports' GraphApiError, built here from Meta's error payload.
import {
  GraphApiError,
  type GraphApiClient,
  type GraphErrorClass,
  type GraphRequest,
} from '../use-cases/ports.js';
import { httpCall, type HttpCall, type HttpResponse } from './http-call.js';

export interface GraphApiOptions {
  /** e.g. https://graph.facebook.com (the local runner points it at the fake Graph API). */
  readonly baseUrl: string;
  /** Pinned version, e.g. v27.0. */
  readonly version: string;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  /** Longest single wait; a longer regain-access estimate fails the call so the job retries later. */
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The HTTP request (tests pass a fake, or `fetch`). */
  readonly call?: HttpCall;
}

/** Throttling codes: 4 app, 17 user, 32 pages, 613 custom, 80007 WABA, 130429 Cloud API throughput, 131056 pair rate. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);
const TRANSIENT_CODES = new Set([1, 2, 131000, 131057]);

export function classifyGraphError(status: number, code: number | undefined): GraphErrorClass {
  if (code !== undefined && RATE_LIMIT_CODES.has(code)) return 'rate_limited';
  if (code === 190) return 'invalid_token';
  if (code === 131047) return 'outside_window';
  if (code === 131026) return 'undeliverable';
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) return 'permission';
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || status >= 500) return 'server_error';
  if (status === 429) return 'rate_limited';
  return 'client_error';
}

const RETRIED: ReadonlySet<GraphErrorClass> = new Set(['rate_limited', 'server_error']);

/** Minutes until access returns, from X-Business-Use-Case-Usage (the largest estimate found). */
export function regainAccessMs(headers: HttpResponse['headers']): number {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return 0;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((entry) => Number(entry.estimated_time_to_regain_access ?? 0));
    return Math.max(0, ...minutes) * 60_000;
  } catch {
    return 0;
  }
}

/** True when X-App-Usage says a limit is reached (any share at 100 %). */
export function appUsageExhausted(headers: HttpResponse['headers']): boolean {
  const raw = headers.get('x-app-usage');
  if (!raw) return false;
  try {
    return Object.values(JSON.parse(raw) as Record<string, number>).some((share) => Number(share) >= 100);
  } catch {
    return false;
  }
}

export function makeGraphApiClient(options: GraphApiOptions): GraphApiClient {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const send = options.call ?? httpCall;
  const base = `${options.baseUrl.replace(/\/+$/, '')}/${options.version}`;

  return {
    async request<T>(call: GraphRequest): Promise<T> {
      for (let attempt = 1; ; attempt += 1) {
        const response = await send(`${base}${call.path}`, {
          method: call.method,
          headers: {
            Authorization: `Bearer ${call.token}`,
            ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const text = await response.text();
        let payload: unknown;
        try {
          payload = text ? JSON.parse(text) : undefined;
        } catch {
          payload = undefined;
        }
        if (response.ok) return payload as T;

        const error = (
          payload as {
            error?: { code?: unknown; error_subcode?: unknown; fbtrace_id?: unknown; message?: unknown };
          }
        )?.error;
        const code = typeof error?.code === 'number' ? error.code : undefined;
        const errorClass = classifyGraphError(response.status, code);
        const failure = new GraphApiError(
          errorClass,
          response.status,
          code,
          typeof error?.error_subcode === 'number' ? error.error_subcode : undefined,
          typeof error?.fbtrace_id === 'string' ? error.fbtrace_id : undefined,
          typeof error?.message === 'string' ? error.message.slice(0, 300) : undefined,
        );
        if (!RETRIED.has(errorClass) || attempt >= maxAttempts) throw failure;
        const backoff = Math.random() * baseDelayMs * 2 ** attempt;
        const wait = Math.max(
          backoff,
          regainAccessMs(response.headers),
          appUsageExhausted(response.headers) ? maxDelayMs : 0,
        );
        // Calling on while throttled extends the penalty: past the longest wait, fail and let the job retry later.
        if (wait > maxDelayMs) throw failure;
        await sleep(wait);
      }
    },
  };
}
