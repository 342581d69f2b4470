// use-cases: acts on one stored inbound WhatsApp message. "DELETE MY DATA" → one deletion request per
// subject (a repeat returns the same code), the opt-out, the acknowledgement with code and status URL
// inside the 24-hour window, then the job. "STOP" → opt-out only. A question about deletion →
// instructions. `user_changed_number` / `user_changed_user_id` → identity links. Safe to run again:
// the sweeper retries whatever did not finish.
import { newConfirmationCode } from '../core/confirmation-code.js';
import { isTerminal, type DeletionRequest, type SubjectIdentifier } from '../core/deletion-request.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import { detectCommand } from '../core/whatsapp-command.js';
import { joinOrOpenRequest } from './open-request.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  JobQueue,
  OpenRequestIndex,
  SuppressionList,
} from './ports.js';
import { statusUrl } from './status-url.js';
import { suppressionReasonFor, type WhatsAppGateway } from './whatsapp-gateway.js';
import type { IdentityLinker, StoredInbound, WhatsAppInbox } from './whatsapp-ports.js';
import { randomBytes } from 'node:crypto';

export const OPT_OUT_REASON = 'opt-out:whatsapp';

export interface HandleMessagePorts {
  readonly inbox: WhatsAppInbox;
  readonly store: DeletionRequestStore;
  /** Pointers of its own: one open request per person and business number. */
  readonly openRequests: OpenRequestIndex;
  readonly queue: JobQueue;
  readonly suppressions: SuppressionList;
  readonly links: IdentityLinker;
  readonly gateway: WhatsAppGateway;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  readonly publicBaseUrl: string;
  /** How long one run may hold a message before another may take it over. */
  readonly leaseMillis: number;
  readonly newCode?: () => string;
}

export type MessageOutcome = 'processed' | 'busy' | 'failed';

/** Whether a message needs handling at all; the rest are stored as handled straight away. */
export function needsHandling(message: Pick<StoredInbound, 'type' | 'text' | 'replyId'>): boolean {
  if (message.type === 'system') return true;
  if (message.type === 'reaction') return false;
  return detectCommand(message) !== 'none';
}

export function subjectOf(message: Pick<StoredInbound, 'phone' | 'bsuid'>): SubjectIdentifier[] {
  return [
    ...(message.phone ? [{ kind: 'whatsapp_phone' as const, value: message.phone }] : []),
    ...(message.bsuid ? [{ kind: 'whatsapp_bsuid' as const, value: message.bsuid }] : []),
  ];
}

export function acknowledgementText(code: string, url: string): string {
  return (
    `We received your request to delete your data. Confirmation code: ${code}. ` +
    `Follow its status here: ${url} . You will not receive further messages from us on WhatsApp ` +
    `after we confirm that it is done.`
  );
}

export const INSTRUCTIONS_TEXT =
  'To have us delete the data we hold about you from WhatsApp, reply with exactly: DELETE MY DATA. ' +
  'To stop receiving messages from us, reply STOP.';

export function makeHandleWhatsAppMessage(ports: HandleMessagePorts) {
  const { inbox, clock, events } = ports;
  const newCode = ports.newCode ?? newConfirmationCode;

  async function enqueue(request: DeletionRequest): Promise<void> {
    try {
      await ports.queue.sendDeletionJob(request.requestId);
    } catch (error) {
      events.count('JobEnqueueFailed');
      ports.warn('Deletion job not enqueued; left for the reconciler', {
        requestId: request.requestId,
        error: (error as Error).name,
      });
      return;
    }
    await ports.store.transition(request.requestId, ['received'], 'queued', {
      event: 'queued',
      at: clock.now(),
    });
  }

  async function requestDeletion(message: StoredInbound, lastInboundAt: Date): Promise<void> {
    const hash = await ports.hashIdentifier();
    const subject = subjectOf(message);
    const subjectHashes = subject.map((identifier) => hash(identifier.kind, identifier.value));
    const now = clock.now();
    // One open request per person and business number: keyed by BSUID when known, else the phone.
    const anchor = subject.find((identifier) => identifier.kind === 'whatsapp_bsuid') ?? subject[0]!;
    const subjectKey = hash('whatsapp_subject', `${message.phoneNumberId}|${anchor.kind}|${anchor.value}`);
    const candidate: DeletionRequest = {
      requestId: `req_wa_${randomBytes(18).toString('base64url')}`,
      confirmationCode: newCode(),
      status: 'received',
      channel: 'whatsapp',
      subject,
      subjectHashes,
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      outcomes: [],
      attempts: 0,
      whatsappContext: {
        phoneNumberId: message.phoneNumberId,
        lastInboundAt: lastInboundAt.toISOString(),
        replyVia: message.phone ? 'whatsapp_phone' : 'whatsapp_bsuid',
      },
    };
    // A repeat joins the open request; once it ended, a new one is opened.
    const { created, request } = await joinOrOpenRequest(ports, {
      subjectKey,
      candidate,
      at: now,
      covers: (named) => !isTerminal(named.status),
    });
    if (created) events.count('DeletionRequested', 1, { channel: 'whatsapp' });

    // The opt-out first, under this request's reason: nothing else reaches the person from now on,
    // while the acknowledgement and the completion notice of this request still may. An identifier
    // already suppressed by an earlier deletion stays so: after a completed deletion nothing more
    // is ever sent to it (the new request still runs, and confirms by email when one is linked).
    const own = suppressionReasonFor(request.requestId);
    const toSuppress: string[] = [];
    for (const identifierHash of subjectHashes) {
      const reason = await ports.suppressions.reasonFor(identifierHash);
      if (reason === own || !reason?.startsWith('deletion:')) toSuppress.push(identifierHash);
    }
    await ports.suppressions.suppress(toSuppress, own, now);
    events.count('WhatsAppOptedOut');

    if (!message.repliedAt) {
      const outcome = await ports.gateway(
        message,
        {
          text: acknowledgementText(
            request.confirmationCode,
            statusUrl(ports.publicBaseUrl, request.confirmationCode),
          ),
        },
        { lastInboundAt, request },
      );
      if (outcome !== 'sent') events.count('WhatsAppNoticeNotSent', 1, { outcome });
      await inbox.markReplied(message.contact, message.messageKey, clock.now());
    }
    // Enqueued after the acknowledgement, so the completion can never overtake it. If this run
    // fails before here, the reconciler enqueues the persisted request.
    if (created) await enqueue(request);
  }

  async function optOut(message: StoredInbound): Promise<void> {
    const hash = await ports.hashIdentifier();
    const hashes = subjectOf(message).map((identifier) => hash(identifier.kind, identifier.value));
    // A deletion request's own suppression is kept (it already blocks everything else).
    const unsuppressed: string[] = [];
    for (const identifierHash of hashes) {
      if (!(await ports.suppressions.isSuppressed(identifierHash))) unsuppressed.push(identifierHash);
    }
    if (unsuppressed.length > 0) await ports.suppressions.suppress(unsuppressed, OPT_OUT_REASON, clock.now());
    events.count('WhatsAppOptedOut');
  }

  async function answerQuestion(message: StoredInbound, lastInboundAt: Date): Promise<void> {
    if (message.repliedAt) return;
    await ports.gateway(message, { text: INSTRUCTIONS_TEXT }, { lastInboundAt });
    await inbox.markReplied(message.contact, message.messageKey, clock.now());
  }

  async function followIdentityChange(message: StoredInbound): Promise<void> {
    const system = message.system;
    if (!system) return;
    let known = subjectOf(message);
    if (system.previousBsuid) known.push({ kind: 'whatsapp_bsuid', value: system.previousBsuid });
    if (known.length === 0) return;
    if (system.type === 'user_changed_number' && system.newPhone) {
      if (message.phone && message.phone !== system.newPhone) {
        // The old number may go to someone else: it leaves the account (a phone number proves
        // control of that number now, nothing more), and is never linked again below.
        await ports.links.changeNumber(known, message.phone, system.newPhone);
        known = [
          ...known.filter((identifier) => identifier.kind !== 'whatsapp_phone'),
          { kind: 'whatsapp_phone', value: system.newPhone },
        ];
      } else await ports.links.link(known, { kind: 'whatsapp_phone', value: system.newPhone });
    }
    if (
      system.newBsuid &&
      (system.type === 'user_changed_user_id' || system.type === 'user_changed_number')
    ) {
      await ports.links.link(known, { kind: 'whatsapp_bsuid', value: system.newBsuid });
    }
  }

  return async function handleWhatsAppMessage(
    message: StoredInbound,
    lastInboundAt: Date,
    options: { readonly leased?: boolean } = {},
  ): Promise<MessageOutcome> {
    const now = clock.now();
    const until = new Date(now.getTime() + ports.leaseMillis);
    if (!options.leased && !(await inbox.lease(message.contact, message.messageKey, now, until)))
      return 'busy';
    try {
      // Re-read under the lease: an earlier run may have replied already. A message stored (and
      // leased) by the caller a moment ago is current as it is.
      const current = options.leased
        ? message
        : ((await inbox.get(message.contact, message.messageKey)) ?? message);
      if (current.type === 'system') await followIdentityChange(current);
      else if (current.type !== 'reaction') {
        const command = detectCommand(current);
        if (command === 'delete') await requestDeletion(current, lastInboundAt);
        else if (command === 'opt_out') await optOut(current);
        else if (command === 'deletion_question') await answerQuestion(current, lastInboundAt);
      }
      await inbox.markProcessed(message.contact, message.messageKey, clock.now());
      return 'processed';
    } catch (error) {
      events.count('WhatsAppProcessingDeferred');
      ports.warn('WhatsApp message not processed; left for the sweeper', {
        error: (error as Error).name,
      });
      await inbox.releaseLease(message.contact, message.messageKey).catch(() => undefined);
      return 'failed';
    }
  };
}
