// adapters: sending WhatsApp messages through the Cloud API (`POST /{phone-number-id}/messages`),
// using the one Graph API client (pinned version, token only in the Authorization header, errors
// classified by code, backoff on throttling). Only the gateway in use-cases calls this.
import type { GraphApiClient } from '../use-cases/ports.js';
import type { WhatsAppSender } from '../use-cases/whatsapp-ports.js';

interface SendResponse {
  readonly messages?: readonly { readonly id?: string }[];
}

export function makeWhatsAppCloudApiSender(
  graph: GraphApiClient,
  accessToken: () => Promise<string>,
): WhatsAppSender {
  return {
    async send(to, message, callbackData) {
      // A BSUID goes in `to` when the phone number is withheld (as BSPs accept it).
      const recipient = to.phone ?? to.bsuid;
      if (!recipient) throw new Error('No WhatsApp recipient');
      const content =
        message.type === 'text'
          ? { type: 'text', text: { body: message.body.slice(0, 4096), preview_url: false } }
          : {
              type: 'template',
              template: {
                name: message.name,
                language: { code: message.language },
                components: [
                  {
                    type: 'body',
                    parameters: message.parameters.map((text) => ({ type: 'text', text })),
                  },
                ],
              },
            };
      const response = await graph.request<SendResponse>({
        method: 'POST',
        path: `/${encodeURIComponent(to.phoneNumberId)}/messages`,
        token: await accessToken(),
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: recipient,
          ...content,
          ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
        },
      });
      const wamid = response?.messages?.[0]?.id;
      return wamid ? { wamid } : {};
    },
  };
}
