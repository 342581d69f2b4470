// core: keyed hashes of personal identifiers, for logs, suppression lists and audit records.
// A keyed (peppered) HMAC, so a phone number cannot be recovered by hashing every possible number.
import { createHmac } from 'node:crypto';

export type IdentifierHasher = (kind: string, value: string) => string;

export function makeIdentifierHasher(pepper: string): IdentifierHasher {
  return (kind, value) =>
    createHmac('sha256', pepper).update(`${kind}:${value}`).digest('base64url').slice(0, 22);
}
