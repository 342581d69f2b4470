// test support: WhatsApp webhook bodies (shaped like Meta's examples, with our own ids) and signing.
import { signHubBody } from '../../functions/core/whatsapp-signature.js';

export const WA_SECRET = 'test_app_secret_0123456789abcdef';
export const BUSINESS_NUMBER = '106540352242922';

export type RawMessage = Record<string, unknown>;

export function textMessage(from: string, wamid: string, body: string, timestamp = nowSeconds()): RawMessage {
  return { from, id: wamid, timestamp: String(timestamp), type: 'text', text: { body } };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface ChangeSpec {
  readonly messages?: readonly RawMessage[];
  readonly statuses?: readonly RawMessage[];
  readonly contacts?: readonly RawMessage[];
  readonly errors?: readonly RawMessage[];
  readonly field?: string;
  readonly phoneNumberId?: string;
}

export function change(spec: ChangeSpec): RawMessage {
  return {
    field: spec.field ?? 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: '15550783881',
        phone_number_id: spec.phoneNumberId ?? BUSINESS_NUMBER,
      },
      ...(spec.contacts ? { contacts: spec.contacts } : {}),
      ...(spec.messages ? { messages: spec.messages } : {}),
      ...(spec.statuses ? { statuses: spec.statuses } : {}),
      ...(spec.errors ? { errors: spec.errors } : {}),
    },
  };
}

export function envelope(
  entries: readonly (readonly RawMessage[])[],
  object = 'whatsapp_business_account',
): string {
  return JSON.stringify({
    object,
    entry: entries.map((changes, index) => ({ id: `10229012934039${index}`, changes })),
  });
}

/** One text message from a person, with their contact (and BSUID when given). */
export function inboundText(from: string, wamid: string, body: string, bsuid?: string): string {
  return envelope([
    [
      change({
        contacts: [{ profile: { name: 'Someone' }, wa_id: from, ...(bsuid ? { user_id: bsuid } : {}) }],
        messages: [textMessage(from, wamid, body)],
      }),
    ],
  ]);
}

export function status(
  wamid: string,
  value: string,
  timestamp = nowSeconds(),
  errors?: RawMessage[],
): RawMessage {
  return {
    id: wamid,
    status: value,
    timestamp: String(timestamp),
    recipient_id: '16505551234',
    ...(errors ? { errors } : {}),
  };
}

export function sign(body: string | Buffer, secret = WA_SECRET): string {
  return signHubBody(body, secret);
}
