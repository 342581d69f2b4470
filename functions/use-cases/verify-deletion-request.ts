// use-cases: a person opens the verification link. The request becomes `received` (with its due
// date) and is enqueued; when a verified request for the same identifier is already open, this one
// is canceled as a duplicate and the person is pointed to the open one.
import { dueDate } from '../core/due-date.js';
import { hashToken, TOKEN_PATTERN } from '../core/self-service-identifier.js';
import type { Clock, DeletionRequestStore, EventRecorder, JobQueue, VerificationStore } from './ports.js';

export interface VerifyPorts {
  readonly store: DeletionRequestStore;
  readonly verifications: VerificationStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

export type VerifyResult =
  | { readonly ok: true; readonly confirmationCode: string; readonly duplicate: boolean }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'used' };

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

    for (const subjectHash of request.subjectHashes) {
      const open = await ports.store.openRequestFor(subjectHash);
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
      await ports.store.pointSubjectToRequest(subjectHash, request.requestId, now);
    ports.events.count('DeletionRequested', 1, { channel: request.channel });
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
