// use-cases: a person opens the verification link. The request becomes `received` (with its due
// date) and is enqueued; when a verified request of the same type for the same identifier is already
// open, this one is canceled as a duplicate and the person is pointed to the open one. A correction
// of the email address needs a second link, sent to the new address once the first one is opened:
// the address is written only when its owner confirmed it.
import type { DeletionRequest } from '../core/deletion-request.js';
import { dueDate } from '../core/due-date.js';
import { openRequestKey } from '../core/privacy-rights.js';
import { hashToken, newVerificationToken, TOKEN_PATTERN } from '../core/self-service-identifier.js';
import { CORRECTABLE_ATTRIBUTES } from '../declarations/rights.js';
import type { EventRecorder } from '../runtime/observability.js';
import { verificationUrl } from './request-self-service-deletion.js';
import type {
  Clock,
  DeletionRequestStore,
  JobQueue,
  VerificationNotifier,
  VerificationStore,
} from './ports.js';

export interface VerifyPorts {
  readonly store: DeletionRequestStore;
  readonly verifications: VerificationStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** Sends the second link of an email correction to the new address. */
  readonly newAddress?: {
    readonly notifier: Pick<VerificationNotifier, 'sendVerificationLink'>;
    readonly publicBaseUrl: string;
    readonly tokenTtlSeconds: number;
  };
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly confirmationCode: string;
      readonly duplicate: boolean;
      /** The identity is confirmed; the new email address still has to be. */
      readonly awaitingNewAddress?: boolean;
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'used' };

/** Step recorded when the identity link of an email correction was opened. */
export const IDENTITY_VERIFIED_STEP = 'identity-verified';

export function needsNewAddressConfirmation(request: DeletionRequest): boolean {
  return (
    request.type === 'correction' &&
    request.correction !== undefined &&
    CORRECTABLE_ATTRIBUTES[request.correction.attribute].format === 'email'
  );
}

export function makeVerifyDeletionRequest(ports: VerifyPorts) {
  return async function verifyDeletionRequest(token: unknown): Promise<VerifyResult> {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, reason: 'unknown' };
    const now = ports.clock.now();
    const consumed = await ports.verifications.consume(hashToken(token), now);
    if (!consumed.ok) {
      ports.events.count('VerificationRejected', 1, { reason: consumed.reason });
      return consumed;
    }
    const request = await ports.store.get(consumed.requestId);
    if (!request || request.status !== 'pending_verification') return { ok: false, reason: 'used' };

    if (consumed.purpose === 'new_address') {
      await ports.store.markStepDone(request.requestId, 'new-address-verified', now);
    } else if (needsNewAddressConfirmation(request)) {
      const newAddress = request.correction?.value;
      if (!ports.newAddress || !newAddress) return { ok: false, reason: 'used' };
      const token = newVerificationToken();
      const validUntil = new Date(now.getTime() + ports.newAddress.tokenTtlSeconds * 1000);
      await ports.verifications.save({
        tokenHash: hashToken(token),
        requestId: request.requestId,
        createdAt: now,
        validUntil,
        purpose: 'new_address',
      });
      await ports.newAddress.notifier.sendVerificationLink(newAddress, {
        link: verificationUrl(ports.newAddress.publicBaseUrl, token),
        validUntil,
        type: 'correction',
        newAddress: true,
      });
      await ports.store.markStepDone(request.requestId, IDENTITY_VERIFIED_STEP, now);
      ports.events.count('VerificationSent', 1, { via: 'email' });
      return {
        ok: true,
        confirmationCode: request.confirmationCode,
        duplicate: false,
        awaitingNewAddress: true,
      };
    }

    for (const subjectHash of request.subjectHashes) {
      const open = await ports.store.openRequestFor(openRequestKey(request.type, subjectHash));
      if (open) {
        await ports.store.transition(request.requestId, ['pending_verification'], 'canceled', {
          event: 'canceled',
          at: now,
          by: 'self-service',
          cancelReason: 'Another confirmed request for the same data is already open.',
          forgetSubject: true,
        });
        await ports.verifications.forgetRequest(request.requestId);
        return { ok: true, confirmationCode: open.confirmationCode, duplicate: true };
      }
    }

    const moved = await ports.store.transition(request.requestId, ['pending_verification'], 'received', {
      event: 'verified',
      at: now,
      by: 'self-service',
      dueAt: dueDate(now, request.jurisdiction),
    });
    if (!moved) return { ok: false, reason: 'used' };
    for (const subjectHash of request.subjectHashes)
      await ports.store.pointSubjectToRequest(
        openRequestKey(request.type, subjectHash),
        request.requestId,
        now,
      );
    if (request.type && request.type !== 'deletion')
      ports.events.count('RightsRequested', 1, { type: request.type });
    else ports.events.count('DeletionRequested', 1, { channel: request.channel });
    try {
      await ports.queue.sendDeletionJob(request.requestId);
      await ports.store.transition(request.requestId, ['received'], 'queued', { event: 'queued', at: now });
    } catch (error) {
      ports.events.count('JobEnqueueFailed');
      ports.warn('Deletion job not enqueued; left for the reconciler', {
        requestId: request.requestId,
        error: (error as Error).name,
      });
    }
    return { ok: true, confirmationCode: request.confirmationCode, duplicate: false };
  };
}
