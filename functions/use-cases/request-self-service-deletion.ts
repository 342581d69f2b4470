// use-cases: a privacy request (deletion, or another right: access, correction, withdrawing consent)
// from the website, the customer portal or an AI agent. The person names an identifier; we create the request in `pending_verification` and queue a single-use
// verification link to it (sent by the worker: send-verification.ts). The answer, and the work done
// before it, are the same whether or not we hold data about the identifier.
import { newConfirmationCode } from '../core/confirmation-code.js';
import type { DeletionRequest } from '../core/deletion-request.js';
import type { Jurisdiction } from '../core/due-date.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import { mailboxKey } from '../core/identifiers.js';
import { openRequestKey, reachableByPhone, type RightsRequest } from '../core/privacy-rights.js';
import { newRequestId, readIdentifier, type IdentifierProblem } from '../core/self-service-identifier.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  RateLimiter,
  RateLimitRule,
  VerificationQueue,
} from './ports.js';

export interface SelfServiceLimits {
  readonly perIdentifier: RateLimitRule;
  readonly perSource: RateLimitRule;
  /** How long a verification link works. */
  readonly tokenTtlSeconds: number;
  /** An unverified request is forgotten after this long. */
  readonly unverifiedTtlSeconds: number;
}

export const DEFAULT_SELF_SERVICE_LIMITS: SelfServiceLimits = {
  perIdentifier: { limit: 3, windowSeconds: 24 * 3600 },
  perSource: { limit: 20, windowSeconds: 3600 },
  tokenTtlSeconds: 24 * 3600,
  unverifiedTtlSeconds: 7 * 24 * 3600,
};

export interface SelfServicePorts {
  readonly store: DeletionRequestStore;
  readonly rateLimiter: RateLimiter;
  /** Sends the link after the answer: the answer never waits for, or depends on, a send. */
  readonly verificationQueue: VerificationQueue;
  /** Whether phone numbers can be verified (a WhatsApp business number is configured). */
  readonly phoneVerification: boolean;
  readonly clock: Clock;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly events: EventRecorder;
  readonly limits: SelfServiceLimits;
}

export interface SelfServiceInput {
  readonly identifier: unknown;
  /** What the person asks for; deletion when absent. */
  readonly request?: RightsRequest;
  readonly jurisdiction?: Jurisdiction;
  readonly sourceIp: string;
}

export type SelfServiceResult =
  /** A link will be sent (or a notice about an open request): the same answer either way. */
  | { readonly outcome: 'link_sent'; readonly via: 'email' | 'whatsapp' }
  | { readonly outcome: 'invalid_identifier'; readonly problem: IdentifierProblem }
  /** Seconds until the window that refused it ends: what Retry-After and the page say. */
  | { readonly outcome: 'rate_limited'; readonly retryAfterSeconds: number }
  | { readonly outcome: 'whatsapp_unavailable' }
  /** A phone number reaches WhatsApp data only: this right needs the account's email address. */
  | { readonly outcome: 'needs_email' }
  /** A social account cannot be verified by us: removing the app in Facebook or Instagram does it. */
  | { readonly outcome: 'use_platform_settings' };

export function verificationUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/deletion-requests/verify?token=${encodeURIComponent(token)}`;
}

/** When a fixed window (aligned as the rate limiter aligns it) that contains `now` ends. */
export function secondsUntilWindowEnds(rule: RateLimitRule, now: Date): number {
  const windowMs = rule.windowSeconds * 1000;
  const end = (Math.floor(now.getTime() / windowMs) + 1) * windowMs;
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000));
}

/**
 * Intake: validate, count against the limits (per source, and per mailbox or number), then either
 * reuse the one unverified request of the identifier (its link is sent again) or create one, and
 * queue the send. The same steps, and the same answer, whether or not we know the identifier: the
 * send happens afterwards, in the worker, so neither its time nor its failure reaches the answer.
 */
export function makeRequestSelfServiceDeletion(ports: SelfServicePorts) {
  return async function requestSelfServiceDeletion(input: SelfServiceInput): Promise<SelfServiceResult> {
    const now = ports.clock.now();
    const hash = await ports.hashIdentifier();
    if (
      !(await ports.rateLimiter.hit(
        `source#${hash('source_ip', input.sourceIp)}`,
        ports.limits.perSource,
        now,
      ))
    ) {
      ports.events.count('SelfServiceRateLimited', 1, { by: 'source' });
      return {
        outcome: 'rate_limited',
        retryAfterSeconds: secondsUntilWindowEnds(ports.limits.perSource, now),
      };
    }
    const read = readIdentifier(input.identifier);
    if (!read.ok) return { outcome: 'invalid_identifier', problem: read.problem };
    const given = read.identifier;
    if (given.kind === 'social') return { outcome: 'use_platform_settings' };
    if (given.kind === 'phone' && !ports.phoneVerification) return { outcome: 'whatsapp_unavailable' };

    const asked: RightsRequest = input.request ?? { type: 'deletion' };
    // Decided before any lookup or count, from the request alone: the same answer for every number.
    if (given.kind === 'phone' && !reachableByPhone(asked)) return { outcome: 'needs_email' };

    const kind = given.kind === 'email' ? 'email' : 'whatsapp_phone';
    const via = given.kind === 'email' ? 'email' : 'whatsapp';
    const subjectHash = hash(kind, given.value);
    // Counted per mailbox: ben+1@ and b.en@gmail.com reach the same person as ben@.
    const limitKey = kind === 'email' ? hash('mailbox', mailboxKey(given.value)) : subjectHash;
    if (!(await ports.rateLimiter.hit(`identifier#${limitKey}`, ports.limits.perIdentifier, now))) {
      ports.events.count('SelfServiceRateLimited', 1, { by: 'identifier' });
      return {
        outcome: 'rate_limited',
        retryAfterSeconds: secondsUntilWindowEnds(ports.limits.perIdentifier, now),
      };
    }

    const validUntil = new Date(now.getTime() + ports.limits.tokenTtlSeconds * 1000);
    const candidate: DeletionRequest = {
      requestId: newRequestId(),
      confirmationCode: newConfirmationCode(),
      status: 'pending_verification',
      channel: 'web',
      ...rightsFields(asked),
      subject: [{ kind, value: given.value }],
      subjectHashes: [subjectHash],
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      outcomes: [],
      attempts: 0,
      ...(input.jurisdiction ? { jurisdiction: input.jurisdiction } : {}),
      // A phone number proves control of that number now, not of an account it was once linked to.
      ...(kind === 'whatsapp_phone' ? { scope: 'whatsapp_data' as const } : {}),
    };
    // One unverified request per identifier and right while its link is valid: asking again sends
    // the same link again instead of a new one.
    const requestId = await ports.store.claimPendingRequest(
      openRequestKey(asked, subjectHash),
      candidate.requestId,
      now,
      validUntil,
    );
    if (requestId === candidate.requestId) {
      await ports.store.create(candidate, {
        by: 'self-service',
        expiresAt: new Date(now.getTime() + ports.limits.unverifiedTtlSeconds * 1000),
      });
    }
    await ports.verificationQueue.sendVerification(requestId);
    ports.events.count('VerificationQueued', 1, { via });
    return { outcome: 'link_sent', via };
  };
}

/** The request fields of a right other than deletion (a deletion request stays as it always was). */
export function rightsFields(
  asked: RightsRequest,
): Pick<DeletionRequest, 'type' | 'correction' | 'activity'> {
  switch (asked.type) {
    case 'deletion':
      return {};
    case 'access':
      return { type: 'access' };
    case 'correction':
      return { type: 'correction', correction: { attribute: asked.attribute, value: asked.value } };
    case 'withdraw_consent':
      return { type: 'withdraw_consent', activity: asked.activity };
  }
}
