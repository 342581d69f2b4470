// use-cases: the ports of the WhatsApp channel. Adapters implement them (DynamoDB, the Cloud API
// through the Graph API client); tests pass the real adapters against the stand-ins.
import type { DeliveryStatus, InboundMessage } from '../core/whatsapp-webhook.js';

/** An inbound message as stored in the WhatsApp conversation table. */
export interface StoredInbound extends InboundMessage {
  /** Partition key: `whatsapp_phone#<phone>`, or `whatsapp_bsuid#<bsuid>` when no phone is known. */
  readonly contact: string;
  /** Sort key: `<timestamp>#<wamid>`. */
  readonly messageKey: string;
  readonly receivedAt: string;
  /** Set once the acknowledgement for this message went out (or was given up on). */
  readonly repliedAt?: string;
}

export type InboundClaim = 'new' | 'duplicate';

export interface WhatsAppInbox {
  /**
   * Records a wamid (as a keyed hash) as seen, for longer than Meta retries; 'duplicate' when an
   * earlier delivery already stored it.
   */
  claim(wamidHash: string, at: Date): Promise<InboundClaim>;
  /** Undoes a claim whose message could not be stored, so Meta's retry is not dropped. */
  release(wamidHash: string): Promise<void>;
  /**
   * Stores the message; a message already stored is left as it is. With `pendingUntil`, it is
   * marked for processing and leased to the caller until then; without, it is stored as handled.
   */
  save(message: StoredInbound, expiresAt: Date, pendingUntil?: Date): Promise<void>;
  /**
   * Records the latest inbound time of a contact (24-hour window) and when the contact expires (a retention
   * period after that message); returns the latest inbound time known.
   */
  touchContact(message: InboundMessage, contact: string, at: Date, expiresAt: Date): Promise<Date>;
  /** Takes the processing lease of a stored message; false when another run holds it or it is done. */
  lease(contact: string, messageKey: string, now: Date, until: Date): Promise<boolean>;
  markReplied(contact: string, messageKey: string, at: Date): Promise<void>;
  /** Clears the processing marker and the lease. */
  markProcessed(contact: string, messageKey: string, at: Date): Promise<void>;
  /** Releases the lease after a failure: the sweeper retries. */
  releaseLease(contact: string, messageKey: string): Promise<void>;
  get(contact: string, messageKey: string): Promise<StoredInbound | undefined>;
  /** Messages still marked for processing, received before `before`. */
  listPending(before: Date, limit: number): Promise<readonly StoredInbound[]>;
  /** Keeps the furthest delivery status per outbound wamid (hashed); false when not an advance. */
  recordStatus(wamidHash: string, status: DeliveryStatus, at: Date, errorCode?: number): Promise<boolean>;
  statusOf(wamidHash: string): Promise<DeliveryStatus | undefined>;
}

/** Identity links changed by `user_changed_number` / `user_changed_user_id`. */
export interface IdentityLinker {
  /** Links `added` to the account (or link group) of `known`, creating a group when there is none. */
  link(
    known: readonly { kind: string; value: string }[],
    added: { kind: string; value: string },
  ): Promise<void>;
  /**
   * The person moved from `oldPhone` to `newPhone`: the new number joins the account (of the new
   * number if already linked, else of the old number or of `known`), and the old number leaves it.
   * The old number may be given to someone else, so it must stop being a way into the account. Safe
   * to run again.
   */
  changeNumber(
    known: readonly { kind: string; value: string }[],
    oldPhone: string,
    newPhone: string,
  ): Promise<void>;
}

export type OutboundMessage =
  | { readonly type: 'text'; readonly body: string }
  | {
      readonly type: 'template';
      readonly name: string;
      readonly language: string;
      readonly parameters: readonly string[];
    };

export interface WhatsAppRecipient {
  readonly phoneNumberId: string;
  readonly phone?: string;
  readonly bsuid?: string;
}

/** Sends through the Cloud API; throws GraphApiError on failure (after its own retries). */
export interface WhatsAppSender {
  send(to: WhatsAppRecipient, message: OutboundMessage, callbackData?: string): Promise<{ wamid?: string }>;
}
