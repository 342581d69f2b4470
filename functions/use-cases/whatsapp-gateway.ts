// use-cases: the one way out to WhatsApp. Every outbound message passes here: the suppression list
// is checked for each identifier of the recipient, the 24-hour customer-service window decides
// between free-form text and an approved template, and Meta's error codes decide what happens next
// (131047 outside the window → template; 131026 undeliverable → give up on WhatsApp; rate limits
// are retried with backoff by the Graph API client and, past that, surface to the caller to retry).
import { isTerminal, type DeletionRequest } from '../core/deletion-request.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import { type Clock, type EventRecorder, GraphApiError, type SuppressionList } from './ports.js';
import type { OutboundMessage, WhatsAppRecipient, WhatsAppSender } from './whatsapp-ports.js';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export type SendOutcome =
  | 'sent'
  | 'sent_template'
  | 'suppressed'
  /** Outside the window and no template configured: nothing sent. */
  | 'outside_window'
  | 'undeliverable';

export interface GatewayMessage {
  readonly text: string;
  /** Approved template to use outside the 24-hour window; without one, nothing is sent there. */
  readonly template?: Extract<OutboundMessage, { type: 'template' }>;
}

export interface SendOptions {
  /** Latest inbound message of the recipient: opens the 24-hour window. */
  readonly lastInboundAt: Date | undefined;
  /**
   * The deletion request this message belongs to. While it is open, a suppression written for this
   * very request does not block it (the acknowledgement and the completion notice); nothing else
   * gets through a suppression.
   */
  readonly request?: DeletionRequest;
}

export interface WhatsAppGatewayPorts {
  readonly sender: WhatsAppSender;
  readonly suppressions: SuppressionList;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly clock: Clock;
  readonly events: EventRecorder;
}

export type WhatsAppGateway = (
  to: WhatsAppRecipient,
  message: GatewayMessage,
  options: SendOptions,
) => Promise<SendOutcome>;

export function suppressionReasonFor(requestId: string): string {
  return `deletion:${requestId}`;
}

export function makeWhatsAppGateway(ports: WhatsAppGatewayPorts): WhatsAppGateway {
  async function blocked(to: WhatsAppRecipient, request: DeletionRequest | undefined): Promise<boolean> {
    const hash = await ports.hashIdentifier();
    const hashes = [
      ...(to.phone ? [hash('whatsapp_phone', to.phone)] : []),
      ...(to.bsuid ? [hash('whatsapp_bsuid', to.bsuid)] : []),
    ];
    for (const identifierHash of hashes) {
      const reason = await ports.suppressions.reasonFor(identifierHash);
      if (reason === undefined) continue;
      const ownRequest =
        request !== undefined &&
        !isTerminal(request.status) &&
        reason === suppressionReasonFor(request.requestId);
      if (!ownRequest) return true;
    }
    return false;
  }

  async function attempt(
    to: WhatsAppRecipient,
    message: OutboundMessage,
    callbackData: string | undefined,
  ): Promise<'sent' | 'outside_window' | 'undeliverable'> {
    try {
      await ports.sender.send(to, message, callbackData);
      return 'sent';
    } catch (error) {
      if (error instanceof GraphApiError) {
        ports.events.count('GraphApiError', 1, { class: error.errorClass });
        if (error.errorClass === 'outside_window') return 'outside_window';
        if (error.errorClass === 'undeliverable') return 'undeliverable';
      }
      throw error;
    }
  }

  return async function sendWhatsApp(to, message, options) {
    if (!to.phone && !to.bsuid) return 'undeliverable';
    if (await blocked(to, options.request)) {
      ports.events.count('WhatsAppSendSuppressed');
      return 'suppressed';
    }
    const callbackData = options.request?.requestId;
    const inWindow =
      options.lastInboundAt !== undefined &&
      ports.clock.now().getTime() - options.lastInboundAt.getTime() < CUSTOMER_SERVICE_WINDOW_MS;
    if (inWindow) {
      const result = await attempt(to, { type: 'text', body: message.text }, callbackData);
      if (result === 'sent') {
        ports.events.count('WhatsAppMessageSent', 1, { kind: 'text' });
        return 'sent';
      }
      if (result === 'undeliverable') return 'undeliverable';
    }
    if (!message.template) return 'outside_window';
    const result = await attempt(to, message.template, callbackData);
    if (result === 'sent') {
      ports.events.count('WhatsAppMessageSent', 1, { kind: 'template' });
      return 'sent_template';
    }
    return result;
  };
}
