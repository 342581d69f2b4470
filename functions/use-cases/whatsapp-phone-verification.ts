// use-cases: verification links for phone numbers, sent by WhatsApp through the suppression-aware
// gateway: free-form text inside the 24-hour window, else the configured template, else nothing.
// The person's answer on the web never says which happened (it would reveal whether they wrote to us).
import type { RequestType } from '../core/privacy-rights.js';
import type { EventRecorder, PhoneVerificationSender } from './ports.js';
import type { WhatsAppGateway } from './whatsapp-gateway.js';

export interface PhoneVerificationPorts {
  readonly gateway: WhatsAppGateway;
  readonly phoneNumberId: string;
  /** When this number last wrote to the business number (opens the 24-hour window). */
  readonly lastInboundAt: (phone: string) => Promise<Date | undefined>;
  readonly template?: { readonly name: string; readonly language: string };
  readonly events: EventRecorder;
}

/** What the person asked for, in the words of the message (a number can ask for these rights). */
const ASKED: Readonly<Record<RequestType, string>> = {
  deletion: 'to delete your data',
  access: 'for a copy of your data',
  correction: 'to correct your data',
  withdraw_consent: 'to stop a use of your data',
};

export function makeWhatsAppPhoneVerification(ports: PhoneVerificationPorts): PhoneVerificationSender {
  return {
    async sendVerificationLink(phone, { link, validUntil, type }) {
      const outcome = await ports.gateway(
        { phoneNumberId: ports.phoneNumberId, phone },
        {
          text: `To confirm your request ${ASKED[type ?? 'deletion']}, open this link before ${validUntil.toUTCString()} and press the button on the page: ${link}\nIf you did not ask for this, ignore this message.`,
          ...(ports.template
            ? { template: { type: 'template', ...ports.template, parameters: [link] } }
            : {}),
        },
        { lastInboundAt: await ports.lastInboundAt(phone) },
      );
      // Outside the window without a template, suppressed or undeliverable: nothing was sent.
      if (outcome !== 'sent' && outcome !== 'sent_template') {
        ports.events.count('VerificationNotDelivered', 1, { reason: outcome });
      }
    },
  };
}
