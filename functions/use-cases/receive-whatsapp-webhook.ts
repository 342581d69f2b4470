// use-cases: a WhatsApp webhook POST. Verify the signature over the exact bytes, then parse; store
// every new inbound message (deduplicated by wamid) and every status (monotonic per wamid); only
// then is the answer 200. The stored messages are processed right away within a small time budget;
// what fails or is left over stays marked and the sweeper processes it, so a business-logic failure
// never turns into a 5xx (and a week of retries from WhatsApp).
import type { IdentifierHasher } from '../core/keyed-hash.js';
import { verifyHubSignature, type HubSignatureRejection } from '../core/whatsapp-signature.js';
import { parseWebhook, type InboundMessage } from '../core/whatsapp-webhook.js';
import type { Clock, EventRecorder } from './ports.js';
import { needsHandling, type MessageOutcome } from './handle-whatsapp-message.js';
import type { StoredInbound, WhatsAppInbox } from './whatsapp-ports.js';

export interface ReceiveWebhookPorts {
  readonly inbox: WhatsAppInbox;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly secrets: () => Promise<readonly string[]>;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly handleMessage: (
    message: StoredInbound,
    lastInboundAt: Date,
    options?: { readonly leased?: boolean },
  ) => Promise<MessageOutcome>;
  /** How long the webhook's own run holds a message it stored before the sweeper may take it. */
  readonly leaseMillis: number;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** Days message content is kept before DynamoDB's TTL removes it. */
  readonly retentionDays: number;
  /** Time spent processing inline before the rest is left to the sweeper. */
  readonly inlineBudgetMillis: number;
  /** Our business numbers (phone-number ids): a message to any other number is never acted on. */
  readonly businessNumbers: ReadonlySet<string>;
}

export type WebhookResult =
  | { readonly ok: false; readonly reason: HubSignatureRejection }
  | {
      readonly ok: true;
      readonly stored: number;
      readonly duplicates: number;
      readonly statuses: number;
      readonly processed: number;
      readonly deferred: number;
      readonly malformed: boolean;
    };

const DAY_MS = 24 * 60 * 60 * 1000;

export function contactKey(message: Pick<InboundMessage, 'phone' | 'bsuid'>): string {
  return message.phone ? `whatsapp_phone#${message.phone}` : `whatsapp_bsuid#${message.bsuid ?? ''}`;
}

export function makeReceiveWhatsAppWebhook(ports: ReceiveWebhookPorts) {
  const { inbox, clock, events } = ports;

  async function store(message: InboundMessage, hash: IdentifierHasher, now: Date) {
    const wamidHash = hash('wamid', message.wamid);
    if ((await inbox.claim(wamidHash, now)) === 'duplicate') return undefined;
    const stored: StoredInbound = {
      ...message,
      contact: contactKey(message),
      messageKey: `${message.timestamp}#${message.wamid}`,
      receivedAt: now.toISOString(),
    };
    // Ordinary messages (most of them) are stored as handled; only what asks for something is
    // marked for processing, leased to this run.
    const actionable = needsHandling(stored);
    try {
      await inbox.save(
        stored,
        new Date(now.getTime() + ports.retentionDays * DAY_MS),
        actionable ? new Date(now.getTime() + ports.leaseMillis) : undefined,
      );
      const sentAt = new Date(message.timestamp * 1000);
      // The contact (number, BSUID, profile name) is forgotten as long after the person's last message as
      // the messages themselves are; a newer message moves both.
      const lastInboundAt = await inbox.touchContact(
        message,
        stored.contact,
        sentAt,
        new Date(sentAt.getTime() + ports.retentionDays * DAY_MS),
      );
      return { stored, lastInboundAt, actionable };
    } catch (error) {
      // Not stored: forget the claim so WhatsApp's retry (after our 5xx) is not taken for a duplicate.
      await inbox.release(wamidHash).catch(() => undefined);
      throw error;
    }
  }

  return async function receiveWhatsAppWebhook(
    rawBody: Buffer,
    signatureHeader: string | undefined,
  ): Promise<WebhookResult> {
    const verification = verifyHubSignature(rawBody, signatureHeader, await ports.secrets());
    if (!verification.ok) {
      events.count('SignatureRejected');
      events.count('SignatureRejected', 1, { route: 'whatsapp-webhook', reason: verification.reason });
      return verification;
    }
    if (verification.matchedSecretIndex > 0 || verification.escapedFallback)
      events.count('FallbackSecretMatched');
    events.count('SecretMatched', 1, {
      route: 'whatsapp-webhook',
      candidate: verification.escapedFallback
        ? 'escaped'
        : verification.matchedSecretIndex === 0
          ? 'current'
          : 'previous',
    });
    events.count('WhatsAppWebhookReceived');

    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      events.count('WhatsAppPayloadMalformed');
      ports.warn('Signed WhatsApp webhook body is not JSON; dropped', { bytes: rawBody.length });
      return { ok: true, stored: 0, duplicates: 0, statuses: 0, processed: 0, deferred: 0, malformed: true };
    }
    const parsed = parseWebhook(payload);
    if (parsed.errorsReported > 0) {
      events.count('WhatsAppErrorReported', parsed.errorsReported);
      ports.warn('WhatsApp reported errors in a webhook', { count: parsed.errorsReported });
    }

    const now = clock.now();
    const hash = await ports.hashIdentifier();
    // Everything is persisted before any of it is acted on, and before the 200.
    const fresh: { stored: StoredInbound; lastInboundAt: Date; actionable: boolean }[] = [];
    let duplicates = 0;
    let foreign = 0;
    for (const message of parsed.messages) {
      // Signed by our app, but addressed to a number that is not ours: not stored, not acted on.
      if (!ports.businessNumbers.has(message.phoneNumberId)) {
        foreign += 1;
        continue;
      }
      const result = await store(message, hash, now);
      if (result) fresh.push(result);
      else duplicates += 1;
    }
    for (const status of parsed.statuses) {
      await inbox.recordStatus(
        hash('wamid', status.wamid),
        status.status,
        new Date(status.timestamp * 1000),
        status.errorCodes[0],
      );
    }
    if (foreign > 0) {
      events.count('WhatsAppForeignNumberIgnored', foreign);
      ports.warn('WhatsApp messages to a business number that is not ours; ignored', { count: foreign });
    }
    if (fresh.length > 0) events.count('WhatsAppMessageReceived', fresh.length);
    if (duplicates > 0) events.count('WhatsAppDuplicateDropped', duplicates);

    let processed = 0;
    let deferred = 0;
    const started = clock.now().getTime();
    for (const { stored, lastInboundAt, actionable } of fresh) {
      if (!actionable) {
        processed += 1;
        continue;
      }
      if (clock.now().getTime() - started > ports.inlineBudgetMillis) {
        // Left leased to this run: the sweeper takes it once the lease has run out.
        deferred += 1;
        continue;
      }
      const outcome = await ports
        .handleMessage(stored, lastInboundAt, { leased: true })
        .catch(() => 'failed' as const);
      if (outcome === 'processed') processed += 1;
      else deferred += 1;
    }
    return {
      ok: true,
      stored: fresh.length,
      duplicates,
      statuses: parsed.statuses.length,
      processed,
      deferred,
      malformed: false,
    };
  };
}
