// adapters: erasure requests to the company's other systems (docs/data-stores.md, "Erasure webhooks"). POSTs a
// signed JSON request per system, with the deletion request id as idempotency key, retries failures with
// jittered exponential backoff, and accepts only an acknowledgement that names the request and a count.
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signErasureRequest,
} from '../core/erasure-signature.js';
import type { ErasureWebhookStep } from '../core/purge-plan.js';
import type { ErasureWebhookDeclaration } from '../declarations/external-stores.js';
import type { ErasureAcknowledgement, ErasureRequester, EventRecorder } from '../use-cases/ports.js';
import { httpCall, type HttpCall, type HttpResponse } from './http-call.js';

export interface ErasureWebhookOptions {
  readonly urlOf: (system: ErasureWebhookDeclaration) => string;
  /** The current signing secret of a system. */
  readonly secretOf: (system: ErasureWebhookDeclaration) => Promise<string>;
  readonly events: EventRecorder;
  /** Calls per request before it fails (the job is then retried later, and alarmed). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  /** The HTTP request (tests pass a fake, or `fetch`). */
  readonly call?: HttpCall;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

/** The system did not acknowledge the erasure. The message names the system and what went wrong, never the person. */
export class ErasureWebhookError extends Error {
  override readonly name = 'ErasureWebhookError';
}

/** The body of an erasure request (version 1 of the contract). */
export interface ErasureRequestBody {
  readonly version: 1;
  readonly requestId: string;
  readonly system: string;
  readonly subject: readonly { readonly kind: string; readonly value: string }[];
  readonly categories: readonly string[];
  readonly requestedAt: string;
}

/** Failures worth another try: the system is down, slow, or asks us to wait. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function makeErasureWebhookClient(options: ErasureWebhookOptions): ErasureRequester {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const send = options.call ?? httpCall;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => new Date());

  async function once(requestId: string, step: ErasureWebhookStep): Promise<ErasureAcknowledgement> {
    const system = step.store;
    const body = JSON.stringify({
      version: 1,
      requestId,
      system: system.id,
      subject: step.identifiers.map(({ kind, value }) => ({ kind, value })),
      categories: step.categories,
      requestedAt: now().toISOString(),
    } satisfies ErasureRequestBody);
    const timestamp = Math.floor(now().getTime() / 1000);
    let response: HttpResponse;
    try {
      response = await send(options.urlOf(system), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: requestId,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signErasureRequest(await options.secretOf(system), timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RetryableFailure(`${system.id}: no answer (${(error as Error).name})`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const message = `${system.id}: HTTP ${response.status}`;
      throw RETRYABLE_STATUS.has(response.status)
        ? new RetryableFailure(message)
        : new ErasureWebhookError(`${message}, refused`);
    }
    let acknowledgement: { requestId?: unknown; erased?: unknown };
    try {
      acknowledgement = JSON.parse(text) as typeof acknowledgement;
    } catch {
      throw new RetryableFailure(`${system.id}: the acknowledgement is not JSON`);
    }
    const { erased } = acknowledgement ?? {};
    if (acknowledgement?.requestId !== requestId || !Number.isSafeInteger(erased) || (erased as number) < 0) {
      throw new RetryableFailure(
        `${system.id}: the acknowledgement does not name this request with a count of erased records`,
      );
    }
    return { erased: erased as number };
  }

  return {
    async requestErasure(requestId, step) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await once(requestId, step);
        } catch (error) {
          const retryable = error instanceof RetryableFailure;
          if (!retryable || attempt >= attempts) {
            options.events.count('ErasureWebhookFailed', 1, { system: step.store.id });
            options.events.count('ErasureWebhookFailed');
            throw error instanceof ErasureWebhookError
              ? error
              : new ErasureWebhookError(`${(error as Error).message} after ${attempt} attempts`);
          }
          await sleep(Math.random() * baseDelayMs * 2 ** attempt);
        }
      }
    },
  };
}

class RetryableFailure extends Error {
  override readonly name = 'RetryableFailure';
}
