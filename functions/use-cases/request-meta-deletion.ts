// use-cases: a Meta Data Deletion Request callback. Verify, persist, enqueue, answer with the status
// URL and confirmation code. A replay of the same signed_request lands on the same request.
import { newConfirmationCode, requestIdForIntake } from '../core/confirmation-code.js';
import type { Channel, DeletionRequest } from '../core/deletion-request.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import {
  canonicalSignedRequest,
  verifySignedRequest,
  type SignedRequestRejection,
} from '../core/signed-request.js';
import type { EventRecorder } from '../runtime/observability.js';
import type { Clock, DeletionRequestStore, JobQueue } from './ports.js';
import { statusUrl } from './status-url.js';

export interface MetaDeletionPorts {
  readonly store: DeletionRequestStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly secrets: () => Promise<readonly string[]>;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly events: EventRecorder;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  readonly publicBaseUrl: string;
  readonly window: { readonly maxAgeSeconds: number; readonly maxSkewSeconds: number };
  readonly newCode?: () => string;
}

export type MetaDeletionResult =
  | { readonly ok: true; readonly url: string; readonly confirmationCode: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: SignedRequestRejection };

const CHANNEL: Channel = 'facebook';

export function makeRequestMetaDeletion(ports: MetaDeletionPorts) {
  const newCode = ports.newCode ?? newConfirmationCode;

  async function enqueue(request: DeletionRequest): Promise<void> {
    try {
      await ports.queue.sendDeletionJob(request.requestId);
    } catch (error) {
      // The request is persisted: the reconciler enqueues it later, so the answer can still be 200.
      ports.events.count('JobEnqueueFailed');
      ports.warn('Deletion job not enqueued; left for the reconciler', {
        requestId: request.requestId,
        error: (error as Error).name,
      });
      return;
    }
    await ports.store.transition(request.requestId, ['received'], 'queued', {
      event: 'queued',
      at: ports.clock.now(),
    });
  }

  return async function requestMetaDeletion(signedRequest: string): Promise<MetaDeletionResult> {
    const now = ports.clock.now();
    const verification = verifySignedRequest(
      signedRequest,
      { secrets: await ports.secrets(), ...ports.window },
      Math.floor(now.getTime() / 1000),
    );
    if (!verification.ok) {
      ports.events.count('SignatureRejected');
      ports.events.count('SignatureRejected', 1, {
        route: 'meta-data-deletion',
        reason: verification.reason,
      });
      return verification;
    }
    if (verification.matchedSecretIndex > 0) ports.events.count('FallbackSecretMatched');
    ports.events.count('SecretMatched', 1, {
      route: 'meta-data-deletion',
      candidate: verification.matchedSecretIndex === 0 ? 'current' : 'fallback',
    });

    const requestId = requestIdForIntake('facebook-data-deletion', canonicalSignedRequest(signedRequest));
    const hash = await ports.hashIdentifier();
    const candidate: DeletionRequest = {
      requestId,
      confirmationCode: newCode(),
      status: 'received',
      channel: CHANNEL,
      subject: [{ kind: 'facebook_asid', value: verification.payload.userId }],
      subjectHashes: [hash('facebook_asid', verification.payload.userId)],
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      outcomes: [],
      attempts: 0,
    };

    const created = await ports.store.create(candidate);
    const request = created.created ? candidate : created.existing;
    if (created.created) {
      ports.events.count('DeletionRequested', 1, { channel: CHANNEL });
      // Only the call that created the request enqueues it: concurrent or later replays never send
      // a second job, and a request whose send failed is left to the reconciler.
      await enqueue(request);
    } else {
      await ports.store.ensureCodePointer(request);
    }
    return {
      ok: true,
      url: statusUrl(ports.publicBaseUrl, request.confirmationCode),
      confirmationCode: request.confirmationCode,
      replay: !created.created,
    };
  };
}
