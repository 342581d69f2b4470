// core: the WhatsApp Cloud API webhook envelope, read defensively. Every entry, change, message and
// status is visited; unknown objects, fields and message types are reported as ignored, never thrown.
// Only called after the signature has been verified.
import { isJsonObject } from './json-object.js';

export interface InboundMessage {
  readonly wamid: string;
  /** The business number that received it. */
  readonly phoneNumberId: string;
  /** Sender phone (`from`, digits only); absent when the user's number is withheld (usernames). */
  readonly phone?: string;
  /** Business-scoped user id (BSUID), when Meta sends one. */
  readonly bsuid?: string;
  readonly profileName?: string;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly type: string;
  readonly text?: string;
  /** Quick-reply button payload, or the id of an interactive button/list reply. */
  readonly replyId?: string;
  readonly system?: SystemChange;
}

export interface SystemChange {
  readonly type: string;
  readonly newPhone?: string;
  readonly newBsuid?: string;
  readonly previousBsuid?: string;
}

export const STATUS_RANK = { sent: 1, delivered: 2, read: 3, played: 4, failed: 9 } as const;
export type DeliveryStatus = keyof typeof STATUS_RANK;

export interface StatusUpdate {
  readonly wamid: string;
  readonly status: DeliveryStatus;
  readonly timestamp: number;
  readonly errorCodes: readonly number[];
}

export interface ParsedWebhook {
  readonly messages: readonly InboundMessage[];
  readonly statuses: readonly StatusUpdate[];
  /** `errors` arrays at value level: system or app-level problems worth an alarm. */
  readonly errorsReported: number;
  /** Parts skipped: unknown object, field, message type or malformed item. */
  readonly ignored: number;
}

type Json = Record<string, unknown>;
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const KNOWN_TYPES = new Set([
  'text',
  'button',
  'interactive',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'order',
  'system',
  'unsupported',
]);

const PHONE = /^\d{5,20}$/;
/** `CC.` then alphanumerics (a parent BSUID is `CC.ENT.…`). */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/;

/**
 * Who sent a message. With a phone number (`from`), only the contact entry whose `wa_id` equals it
 * says who that is (and gives the BSUID); with the number withheld, only the BSUID Meta gives for
 * this message (`from`, `from_user_id`), and every field that gives one must agree. Never another
 * contact entry of the batch, and never a message-level id that contradicts `from`: either would let
 * one person's message act for someone else.
 */
function senderOf(
  contacts: unknown[],
  message: Json,
): { phone?: string; bsuid?: string; profileName?: string } | undefined {
  const from = str(message.from);
  const entries = contacts.filter(isJsonObject);
  if (from && PHONE.test(from)) {
    const contact = entries.find((candidate) => candidate.wa_id === from);
    const bsuid = str(contact?.user_id);
    const profile = isJsonObject(contact?.profile) ? contact.profile : undefined;
    return {
      phone: from,
      ...(bsuid && BSUID.test(bsuid) ? { bsuid } : {}),
      ...(str(profile?.name) ? { profileName: str(profile?.name)! } : {}),
    };
  }
  const given = [from, str(message.from_user_id), str(message.user_id)].filter(
    (value): value is string => value !== undefined,
  );
  const bsuid = given[0];
  if (!bsuid || !BSUID.test(bsuid) || given.some((value) => value !== bsuid)) return undefined;
  const contact = entries.find((candidate) => candidate.user_id === bsuid && candidate.wa_id === undefined);
  const profile = isJsonObject(contact?.profile) ? contact.profile : undefined;
  return { bsuid, ...(str(profile?.name) ? { profileName: str(profile?.name)! } : {}) };
}

function readMessage(raw: unknown, contacts: unknown[], phoneNumberId: string): InboundMessage | undefined {
  if (!isJsonObject(raw)) return undefined;
  const wamid = str(raw.id);
  const type = str(raw.type);
  const timestamp = Number(raw.timestamp);
  if (!wamid || !type || !Number.isFinite(timestamp)) return undefined;
  const who = senderOf(contacts, raw);
  if (!who) return undefined;
  const { phone, bsuid } = who;

  const text = isJsonObject(raw.text) ? str(raw.text.body) : undefined;
  const button = isJsonObject(raw.button) ? raw.button : undefined;
  const interactive = isJsonObject(raw.interactive) ? raw.interactive : undefined;
  const reply = interactive
    ? isJsonObject(interactive.button_reply)
      ? interactive.button_reply
      : isJsonObject(interactive.list_reply)
        ? interactive.list_reply
        : undefined
    : undefined;
  const media = isJsonObject(raw[type]) ? (raw[type] as Json) : undefined;
  const caption = type !== 'text' ? str(media?.caption) : undefined;
  const system = isJsonObject(raw.system) ? raw.system : undefined;

  return {
    wamid,
    phoneNumberId,
    ...(phone ? { phone } : {}),
    ...(bsuid ? { bsuid } : {}),
    ...(who.profileName ? { profileName: who.profileName } : {}),
    timestamp,
    type,
    ...(text !== undefined
      ? { text }
      : button
        ? { text: str(button.text) ?? '' }
        : reply
          ? { text: str(reply.title) ?? '' }
          : caption !== undefined
            ? { text: caption }
            : {}),
    ...(button && str(button.payload) ? { replyId: str(button.payload)! } : {}),
    ...(reply && str(reply.id) ? { replyId: str(reply.id)! } : {}),
    ...(system
      ? {
          system: {
            type: str(system.type) ?? 'unknown',
            ...((str(system.new_wa_id) ?? str(system.wa_id))
              ? { newPhone: (str(system.new_wa_id) ?? str(system.wa_id))! }
              : {}),
            ...((str(system.user_id) ?? str(system.new_user_id))
              ? { newBsuid: (str(system.user_id) ?? str(system.new_user_id))! }
              : {}),
            ...(str(system.previous_user_id) ? { previousBsuid: str(system.previous_user_id)! } : {}),
          },
        }
      : {}),
  };
}

function readStatus(raw: unknown): StatusUpdate | undefined {
  if (!isJsonObject(raw)) return undefined;
  const wamid = str(raw.id);
  const status = str(raw.status);
  const timestamp = Number(raw.timestamp);
  if (!wamid || !status || !(status in STATUS_RANK) || !Number.isFinite(timestamp)) return undefined;
  return {
    wamid,
    status: status as DeliveryStatus,
    timestamp,
    errorCodes: list(raw.errors)
      .filter(isJsonObject)
      .map((error) => Number(error.code))
      .filter(Number.isFinite),
  };
}

export function parseWebhook(payload: unknown): ParsedWebhook {
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  let errorsReported = 0;
  let ignored = 0;
  if (!isJsonObject(payload) || payload.object !== 'whatsapp_business_account') {
    return { messages, statuses, errorsReported, ignored: 1 };
  }
  for (const entry of list(payload.entry)) {
    if (!isJsonObject(entry)) {
      ignored += 1;
      continue;
    }
    for (const change of list(entry.changes)) {
      if (!isJsonObject(change) || change.field !== 'messages' || !isJsonObject(change.value)) {
        ignored += 1;
        continue;
      }
      const value = change.value;
      const metadata = isJsonObject(value.metadata) ? value.metadata : {};
      const phoneNumberId = str(metadata.phone_number_id) ?? '';
      if (list(value.errors).length > 0) errorsReported += 1;
      const contacts = list(value.contacts);
      for (const raw of list(value.messages)) {
        const message = phoneNumberId ? readMessage(raw, contacts, phoneNumberId) : undefined;
        if (message && KNOWN_TYPES.has(message.type)) messages.push(message);
        else if (message) messages.push({ ...message, type: 'unknown' });
        else ignored += 1;
      }
      for (const raw of list(value.statuses)) {
        const status = readStatus(raw);
        if (status) statuses.push(status);
        else ignored += 1;
      }
    }
  }
  return { messages, statuses, errorsReported, ignored };
}
