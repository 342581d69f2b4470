// use-cases: the verification link. Opening it (a GET, which mail scanners and link previews do on
// their own) only reads its state; the person's press of the button (a POST) confirms. Then the
// request becomes `received` (with its due date) and is enqueued; when a verified request of the same
// kind for the same identifier is already open, this one is canceled as a duplicate and the person is
// pointed to the open one. A used link always leads to the status page of the request it confirmed. A
// correction of the email address needs a second link, sent (by the worker, like the first) to the new
// address once the first one is confirmed: the address is written only when its owner confirmed it.
import type { DeletionRequest } from '../core/deletion-request.js';
import { dueDate } from '../core/due-date.js';
import { openRequestKey, type RequestType } from '../core/privacy-rights.js';
import { hashToken, TOKEN_PATTERN } from '../core/self-service-identifier.js';
import { CORRECTABLE_ATTRIBUTES } from '../declarations/rights.js';
import { pointSubjectAt, verifiedOpenRequest } from './open-request.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  JobQueue,
  OpenRequestIndex,
  VerificationQueue,
  VerificationStore,
} from './ports.js';

export interface VerifyPorts {
  readonly store: DeletionRequestStore;
  /** Each identifier's open verified request, per right (`openRequestKey`). */
  readonly openRequests: OpenRequestIndex;
  readonly verifications: VerificationStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** Queues the second link of an email correction (to the new address) for the worker to send. */
  readonly verificationQueue?: VerificationQueue;
}

/** A link that was used: the code of the status page it leads to, when the request is still known. */
export interface UsedLink {
  readonly ok: false;
  readonly reason: 'used';
  readonly confirmationCode?: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly confirmationCode: string;
      readonly duplicate: boolean;
      /** The identity is confirmed; the new email address still has to be. */
      readonly awaitingNewAddress?: boolean;
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' }
  | UsedLink;

export type LinkInspection =
  | {
      readonly ok: true;
      /** What the button confirms: the request's right, or (email correction) the new address. */
      readonly confirms?: RequestType | 'new_address';
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' }
  | UsedLink;

function wellFormed(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

async function usedLink(
  ports: Pick<VerifyPorts, 'store' | 'verifications'>,
  tokenHash: string,
  now: Date,
): Promise<UsedLink> {
  const state = await ports.verifications.inspect(tokenHash, now);
  if (state.state !== 'used') return { ok: false, reason: 'used' };
  if (state.statusCode) return { ok: false, reason: 'used', confirmationCode: state.statusCode };
  const request = state.requestId ? await ports.store.get(state.requestId) : undefined;
  return request
    ? { ok: false, reason: 'used', confirmationCode: request.confirmationCode }
    : { ok: false, reason: 'used' };
}

/** What opening the link shows: the confirm button, or why not. Changes nothing. */
export function makeInspectVerificationLink(ports: Pick<VerifyPorts, 'store' | 'verifications' | 'clock'>) {
  return async function inspectVerificationLink(token: unknown): Promise<LinkInspection> {
    if (!wellFormed(token)) return { ok: false, reason: 'unknown' };
    const now = ports.clock.now();
    const tokenHash = hashToken(token);
    const state = await ports.verifications.inspect(tokenHash, now);
    if (state.state === 'valid') {
      const request = await ports.store.get(state.requestId);
      if (!request) return { ok: true };
      return { ok: true, confirms: awaitsNewAddress(request) ? 'new_address' : (request.type ?? 'deletion') };
    }
    if (state.state === 'used') return usedLink(ports, tokenHash, now);
    return { ok: false, reason: state.state };
  };
}

/** Step recorded when the identity link of an email correction was opened. */
export const IDENTITY_VERIFIED_STEP = 'identity-verified';
/** Step recorded when the link sent to the new address of an email correction was opened. */
export const NEW_ADDRESS_VERIFIED_STEP = 'new-address-verified';

export function needsNewAddressConfirmation(request: DeletionRequest): boolean {
  return (
    request.type === 'correction' &&
    request.correction !== undefined &&
    CORRECTABLE_ATTRIBUTES[request.correction.attribute].format === 'email'
  );
}

/** An email correction whose identity was confirmed and whose new address is still to be. */
export function awaitsNewAddress(request: DeletionRequest): boolean {
  return (
    needsNewAddressConfirmation(request) &&
    (request.stepsDone?.includes(IDENTITY_VERIFIED_STEP) ?? false) &&
    !(request.stepsDone?.includes(NEW_ADDRESS_VERIFIED_STEP) ?? false)
  );
}

export function makeVerifyDeletionRequest(ports: VerifyPorts) {
  return async function verifyDeletionRequest(token: unknown): Promise<VerifyResult> {
    if (!wellFormed(token)) return { ok: false, reason: 'unknown' };
    const now = ports.clock.now();
    const tokenHash = hashToken(token);
    const consumed = await ports.verifications.consume(tokenHash, now);
    if (!consumed.ok) {
      ports.events.count('VerificationRejected', 1, { reason: consumed.reason });
      return consumed.reason === 'used'
        ? usedLink(ports, tokenHash, now)
        : { ok: false, reason: consumed.reason };
    }
    const request = await ports.store.get(consumed.requestId);
    // Canceled (for example by support) before the person confirmed: show that request as it is.
    if (!request || request.status !== 'pending_verification')
      return request
        ? { ok: false, reason: 'used', confirmationCode: request.confirmationCode }
        : { ok: false, reason: 'used' };

    if (consumed.purpose === 'new_address') {
      await ports.store.markStepDone(request.requestId, NEW_ADDRESS_VERIFIED_STEP, now);
    } else if (needsNewAddressConfirmation(request)) {
      if (!ports.verificationQueue)
        return { ok: false, reason: 'used', confirmationCode: request.confirmationCode };
      if (!request.stepsDone?.includes(IDENTITY_VERIFIED_STEP))
        await ports.store.markStepDone(request.requestId, IDENTITY_VERIFIED_STEP, now);
      // The worker sends the link to the new address (send-verification.ts), after this answer.
      await ports.verificationQueue.sendVerification(request.requestId);
      return {
        ok: true,
        confirmationCode: request.confirmationCode,
        duplicate: false,
        awaitingNewAddress: true,
      };
    }

    for (const subjectHash of request.subjectHashes) {
      const pendingKey = openRequestKey(request, subjectHash);
      const open = await verifiedOpenRequest(ports, pendingKey);
      if (open) {
        await ports.store.transition(request.requestId, ['pending_verification'], 'canceled', {
          event: 'canceled',
          at: now,
          by: 'self-service',
          cancelReason: 'Another confirmed request for the same data is already open.',
          forgetSubject: true,
        });
        await ports.verifications.forgetRequest(request.requestId, open.confirmationCode);
        await ports.store.releasePendingRequest(pendingKey, request.requestId);
        return { ok: true, confirmationCode: open.confirmationCode, duplicate: true };
      }
    }

    const moved = await ports.store.transition(request.requestId, ['pending_verification'], 'received', {
      event: 'verified',
      at: now,
      by: 'self-service',
      dueAt: dueDate(now, request.jurisdiction),
    });
    if (!moved) return usedLink(ports, tokenHash, now);
    for (const subjectHash of request.subjectHashes) {
      const key = openRequestKey(request, subjectHash);
      await pointSubjectAt(ports.openRequests, key, request.requestId, now);
      // Asking again now gets the notice about this open request, not this (used) link.
      await ports.store.releasePendingRequest(key, request.requestId);
    }
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
