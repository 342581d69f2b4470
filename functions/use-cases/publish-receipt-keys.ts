// use-cases: the JWKS (RFC 7517) of the receipt keys: the current key and the previous ones, so a
// receipt signed before a rotation still verifies. A key that cannot be read is left out (and
// reported) rather than taking the others down with it.
import type { ReceiptPublicJwk } from '../core/deletion-receipt.js';
import type { EventRecorder, ReceiptPublicKeys } from './ports.js';

export interface PublishReceiptKeysPorts {
  readonly keys: ReceiptPublicKeys;
  /** Current key first, then previous ones. */
  readonly keyIds: readonly string[];
  readonly events: EventRecorder;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export interface ReceiptKeySet {
  readonly keys: readonly ReceiptPublicJwk[];
}

export function makePublishReceiptKeys(ports: PublishReceiptKeysPorts) {
  return async function publishReceiptKeys(): Promise<ReceiptKeySet> {
    const results = await Promise.allSettled(ports.keyIds.map((keyId) => ports.keys.publicKey(keyId)));
    const keys: ReceiptPublicJwk[] = [];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') keys.push(result.value);
      else {
        ports.events.count('ReceiptKeyUnavailable');
        ports.log('Receipt key unavailable', {
          keyId: ports.keyIds[index],
          errorName: (result.reason as Error).name,
        });
      }
    });
    return { keys };
  };
}
