// use-cases: sends a self-service request's verification link, in the worker, after the person was
// answered. The link's token is derived from the request id with a secret key, so asking again sends
// the same link (only its hash is stored). When a verified request for the identifier is already
// open, the person gets its status link instead. An email correction whose identity was confirmed
// gets a second link, to the new address (its token derived the same way, for that purpose). A send the provider refuses (an address SES will
// not take, an expired WhatsApp token) is counted and dropped; only a transient failure is retried.
import { openRequestKey } from '../core/privacy-rights.js';
import { hashToken, verificationTokenFor } from '../core/self-service-identifier.js';
import { verifiedOpenRequest } from './open-request.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  OpenRequestIndex,
  PhoneVerificationSender,
  VerificationNotifier,
  VerificationStore,
} from './ports.js';
import { verificationUrl } from './request-self-service-deletion.js';
import { statusUrl } from './status-url.js';
import { awaitsNewAddress } from './verify-deletion-request.js';

export interface SendVerificationPorts {
  readonly store: Pick<DeletionRequestStore, 'get'>;
  readonly openRequests: Pick<OpenRequestIndex, 'pointsTo'>;
  readonly verifications: Pick<VerificationStore, 'save'>;
  readonly notifier: Pick<VerificationNotifier, 'sendVerificationLink' | 'sendExistingRequest'>;
  readonly phoneSender?: PhoneVerificationSender;
  /** The secret key verification tokens are derived with. */
  readonly tokenKey: () => Promise<string>;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  readonly publicBaseUrl: string;
  /** How long a link works, from the moment the request was made. */
  readonly tokenTtlSeconds: number;
}

export type SendVerificationOutcome = 'sent' | 'open_request_notice' | 'not_pending' | 'not_delivered';

/** The token of the link to a new email address: derived apart from the first link's. */
export function newAddressTokenFor(key: string, requestId: string): string {
  return verificationTokenFor(key, `${requestId}#new_address`);
}

/** Worth retrying: throttling, timeouts, 5xx. A refusal of the address or the credentials is not. */
export function isTransientSendError(error: unknown): boolean {
  const failure = error as {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    errorClass?: string;
    name?: string;
  };
  if (failure.$retryable) return true;
  if (failure.errorClass === 'rate_limited' || failure.errorClass === 'server_error') return true;
  if ((failure.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return ['Throttling', 'ThrottlingException', 'TimeoutError', 'ServiceUnavailable'].includes(
    failure.name ?? '',
  );
}

export function makeSendVerification(ports: SendVerificationPorts) {
  return async function sendVerification(requestId: string): Promise<SendVerificationOutcome> {
    const request = await ports.store.get(requestId);
    const identifier = request?.subject[0];
    const subjectHash = request?.subjectHashes[0];
    if (!request || !identifier || !subjectHash) return 'not_pending';
    const open = await verifiedOpenRequest(ports, openRequestKey(request, subjectHash));
    // Verified between the ask and this send: the person gets the open request's status link.
    if (request.status !== 'pending_verification' && !open) return 'not_pending';
    const validUntil = new Date(Date.parse(request.receivedAt) + ports.tokenTtlSeconds * 1000);
    if (validUntil <= ports.clock.now()) return 'not_pending';
    const via = identifier.kind === 'email' ? 'email' : 'whatsapp';
    const type = request.type ?? 'deletion';
    const newAddress = request.status === 'pending_verification' && awaitsNewAddress(request);

    const send = async (link: string, open: boolean) => {
      if (identifier.kind === 'email') {
        if (open) await ports.notifier.sendExistingRequest(identifier.value, link, type);
        else await ports.notifier.sendVerificationLink(identifier.value, { link, validUntil, type });
      } else await ports.phoneSender?.sendVerificationLink(identifier.value, { link, validUntil, type });
    };

    try {
      if (newAddress && request.correction?.value) {
        // The address is written only once its owner opened this link (its own purpose and token).
        const token = newAddressTokenFor(await ports.tokenKey(), request.requestId);
        await ports.verifications.save({
          tokenHash: hashToken(token),
          requestId: request.requestId,
          createdAt: new Date(request.receivedAt),
          validUntil,
          purpose: 'new_address',
        });
        await ports.notifier.sendVerificationLink(request.correction.value, {
          link: verificationUrl(ports.publicBaseUrl, token),
          validUntil,
          type,
          newAddress: true,
        });
        ports.events.count('VerificationSent', 1, { via: 'email' });
        return 'sent';
      }
      if (open) {
        await send(statusUrl(ports.publicBaseUrl, open.confirmationCode), true);
        return 'open_request_notice';
      }
      const token = verificationTokenFor(await ports.tokenKey(), request.requestId);
      await ports.verifications.save({
        tokenHash: hashToken(token),
        requestId: request.requestId,
        createdAt: new Date(request.receivedAt),
        validUntil,
      });
      await send(verificationUrl(ports.publicBaseUrl, token), false);
      ports.events.count('VerificationSent', 1, { via });
      return 'sent';
    } catch (error) {
      if (isTransientSendError(error)) throw error;
      ports.events.count('VerificationNotDelivered', 1, { reason: 'refused' });
      ports.warn('Verification link refused by the provider; not retried', {
        requestId: request.requestId,
        via,
        error: (error as Error).name,
      });
      return 'not_delivered';
    }
  };
}
