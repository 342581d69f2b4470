// use-cases: the WhatsApp completion notice, a job step after the purge (while the request still
// knows the person's identifiers). Inside the 24-hour window it is free-form text; outside it, the
// approved template named in configuration, or nothing when none is configured. Undeliverable
// (131026) gives up on WhatsApp (the worker's email confirmation still goes out when an email is
// linked). Rate limits beyond the client's own backoff fail the step, and the job retries it.
import type { DeletionRequest } from '../core/deletion-request.js';
import type { JobStep } from './process-deletion-job.js';
import type { Clock, DeletionRequestStore } from './ports.js';
import { statusUrl } from './status-url.js';
import type { WhatsAppGateway } from './whatsapp-gateway.js';
import type { EventRecorder } from './ports.js';

export interface CompletionTemplate {
  readonly name: string;
  readonly language: string;
}

export interface CompletionNoticePorts {
  readonly gateway: WhatsAppGateway;
  readonly events: EventRecorder;
  readonly publicBaseUrl: string;
  /** Approved utility template with one body parameter (the confirmation code). */
  readonly template?: CompletionTemplate;
}

export const WHATSAPP_COMPLETION_STEP = 'whatsapp-completion-notice';

export function completionText(code: string, url: string): string {
  return (
    `Your WhatsApp data has been deleted (confirmation code ${code}). What it covered, and how to delete the rest: ${url} . ` +
    'This is the last message you will receive from us on WhatsApp.'
  );
}

export function makeWhatsAppCompletionNotice(ports: CompletionNoticePorts): JobStep {
  return {
    name: WHATSAPP_COMPLETION_STEP,
    async run(request: DeletionRequest) {
      const context = request.whatsappContext;
      if (request.channel !== 'whatsapp' || !context) return;
      const phone = request.subject.find((identifier) => identifier.kind === 'whatsapp_phone')?.value;
      const bsuid = request.subject.find((identifier) => identifier.kind === 'whatsapp_bsuid')?.value;
      const to = {
        phoneNumberId: context.phoneNumberId,
        ...(context.replyVia === 'whatsapp_phone' && phone ? { phone } : {}),
        ...(bsuid ? { bsuid } : {}),
      };
      const outcome = await ports.gateway(
        to,
        {
          text: completionText(
            request.confirmationCode,
            statusUrl(ports.publicBaseUrl, request.confirmationCode),
          ),
          ...(ports.template
            ? {
                template: {
                  type: 'template',
                  name: ports.template.name,
                  language: ports.template.language,
                  parameters: [request.confirmationCode],
                },
              }
            : {}),
        },
        { lastInboundAt: new Date(context.lastInboundAt), request },
      );
      if (outcome === 'sent' || outcome === 'sent_template')
        ports.events.count('ConfirmationSent', 1, { channel: 'whatsapp' });
      else ports.events.count('WhatsAppNoticeNotSent', 1, { outcome });
    },
  };
}

export interface SkippedNoticePorts {
  readonly store: Pick<DeletionRequestStore, 'appendEvent'>;
  readonly clock: Clock;
  readonly events: EventRecorder;
}

/** Why a WhatsApp request got no notice on a stage that does not serve WhatsApp (its audit trail says so). */
export const NOTICE_NOT_SERVED_NOTE =
  'No WhatsApp completion notice: this stage does not serve WhatsApp (no number or token to send from). The status page and, when an email address is linked, the confirmation email still tell the person.';

/**
 * The same step on a stage that leaves WhatsApp out: nothing is sent (there is no number or token), and a
 * request that came by WhatsApp (made before the channel was left out) records why it got no notice.
 */
export function skippedWhatsAppCompletionNotice(ports: SkippedNoticePorts): JobStep {
  return {
    name: WHATSAPP_COMPLETION_STEP,
    async run(request: DeletionRequest) {
      if (request.channel !== 'whatsapp') return;
      ports.events.count('WhatsAppNoticeNotSent', 1, { outcome: 'channel_not_served' });
      await ports.store.appendEvent(request.requestId, {
        at: ports.clock.now().toISOString(),
        event: 'notice_skipped',
        by: 'deletion-worker',
        note: NOTICE_NOT_SERVED_NOTE,
      });
    },
  };
}
