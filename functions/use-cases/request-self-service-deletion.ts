// use-cases: a deletion request from the website, the customer portal or an AI agent. The person
// names an identifier; we send a single-use verification link to it and create the request in
// `pending_verification`. The answer is the same whether or not we hold data about the identifier.
import { newConfirmationCode } from '../core/confirmation-code.js';
import type { DeletionRequest } from '../core/deletion-request.js';
import type { Jurisdiction } from '../core/due-date.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import {
  hashToken,
  newRequestId,
  newVerificationToken,
  parseIdentifier,
} from '../core/self-service-identifier.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  PhoneVerificationSender,
  RateLimiter,
  RateLimitRule,
  VerificationNotifier,
  VerificationStore,
} from './ports.js';
import { statusUrl } from './status-url.js';

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
  readonly verifications: VerificationStore;
  readonly rateLimiter: RateLimiter;
  readonly notifier: VerificationNotifier;
  /** Absent until a WhatsApp channel is configured. */
  readonly phoneSender?: PhoneVerificationSender;
  readonly clock: Clock;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly events: EventRecorder;
  readonly publicBaseUrl: string;
  readonly limits: SelfServiceLimits;
}

export interface SelfServiceInput {
  readonly identifier: unknown;
  readonly jurisdiction?: Jurisdiction;
  readonly sourceIp: string;
}

export type SelfServiceResult =
  /** A link was sent (or a notice about an open request): the same answer either way. */
  | { readonly outcome: 'link_sent'; readonly via: 'email' | 'whatsapp' }
  | { readonly outcome: 'invalid_identifier' }
  | { readonly outcome: 'rate_limited' }
  | { readonly outcome: 'whatsapp_unavailable' }
  /** A social account cannot be verified by us: removing the app in Facebook or Instagram does it. */
  | { readonly outcome: 'use_platform_settings' };

export function verificationUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/deletion-requests/verify?token=${encodeURIComponent(token)}`;
}

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
      return { outcome: 'rate_limited' };
    }
    const given = parseIdentifier(input.identifier);
    if (!given) return { outcome: 'invalid_identifier' };
    if (given.kind === 'social') return { outcome: 'use_platform_settings' };
    if (given.kind === 'phone' && !ports.phoneSender) return { outcome: 'whatsapp_unavailable' };

    const kind = given.kind === 'email' ? 'email' : 'whatsapp_phone';
    const subjectHash = hash(kind, given.value);
    if (!(await ports.rateLimiter.hit(`identifier#${subjectHash}`, ports.limits.perIdentifier, now))) {
      ports.events.count('SelfServiceRateLimited', 1, { by: 'identifier' });
      return { outcome: 'rate_limited' };
    }

    // Only a verified request counts as a duplicate: whoever files first cannot block the owner.
    const open = await ports.store.openRequestFor(subjectHash);
    if (open) {
      const url = statusUrl(ports.publicBaseUrl, open.confirmationCode);
      if (given.kind === 'email') await ports.notifier.sendExistingRequest(given.value, url);
      else
        await ports.phoneSender?.sendVerificationLink(given.value, {
          link: url,
          validUntil: new Date(now.getTime() + ports.limits.tokenTtlSeconds * 1000),
        });
      return { outcome: 'link_sent', via: given.kind === 'email' ? 'email' : 'whatsapp' };
    }

    const request: DeletionRequest = {
      requestId: newRequestId(),
      confirmationCode: newConfirmationCode(),
      status: 'pending_verification',
      channel: 'web',
      subject: [{ kind, value: given.value }],
      subjectHashes: [subjectHash],
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      outcomes: [],
      attempts: 0,
      ...(input.jurisdiction ? { jurisdiction: input.jurisdiction } : {}),
    };
    await ports.store.create(request, {
      by: 'self-service',
      expiresAt: new Date(now.getTime() + ports.limits.unverifiedTtlSeconds * 1000),
    });
    const token = newVerificationToken();
    const validUntil = new Date(now.getTime() + ports.limits.tokenTtlSeconds * 1000);
    await ports.verifications.save({
      tokenHash: hashToken(token),
      requestId: request.requestId,
      createdAt: now,
      validUntil,
    });
    const message = { link: verificationUrl(ports.publicBaseUrl, token), validUntil };
    if (given.kind === 'email') await ports.notifier.sendVerificationLink(given.value, message);
    else await ports.phoneSender?.sendVerificationLink(given.value, message);
    ports.events.count('VerificationSent', 1, { via: given.kind === 'email' ? 'email' : 'whatsapp' });
    return { outcome: 'link_sent', via: given.kind === 'email' ? 'email' : 'whatsapp' };
  };
}
