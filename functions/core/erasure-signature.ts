// core: the signature of an erasure request to another system (docs/data-stores.md, "Erasure webhooks").
// HMAC-SHA256 with the system's secret over `<timestamp>.<body>`, hex, sent as `X-Erasure-Signature: v1=<hex>`
// with `X-Erasure-Timestamp: <unix seconds>`. The timestamp in the signed text lets the receiver refuse replays.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-erasure-signature';
export const TIMESTAMP_HEADER = 'x-erasure-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** How far a receiver lets the timestamp drift from its clock (seconds), in either direction. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signErasureRequest(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is valid for one of `secrets` and the timestamp is within the tolerance. */
export function verifyErasureSignature(input: {
  readonly secrets: readonly string[];
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly body: string;
  readonly nowSeconds: number;
}): boolean {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const given = Buffer.from(signature);
  return input.secrets.some((secret) => {
    const expected = Buffer.from(signErasureRequest(secret, Number(timestamp), input.body));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
