// adapters: the WhatsApp inbox in DynamoDB. Inbound messages live in the WhatsApp conversation table
// (WhatsAppMessages, content expiring by TTL, purged on deletion) with a sparse `pendingProcessing`
// marker until handled; the 24-hour window in WhatsAppContacts; seen wamids and delivery statuses
// in WhatsAppWebhookReceipts as keyed hashes only, so they survive a purge and outlast Meta's retries.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { STATUS_RANK, type DeliveryStatus } from '../core/whatsapp-webhook.js';
import type { StoredInbound, WhatsAppInbox } from '../use-cases/whatsapp-ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

export interface InboxTables {
  readonly messages: string;
  readonly contacts: string;
  readonly receipts: string;
}

/** Longer than WhatsApp's 7-day retry window. */
export const RECEIPT_TTL_DAYS = 10;
const PENDING = 'yes';
const DAY_MS = 24 * 60 * 60 * 1000;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

function toStored(item: Record<string, unknown>): StoredInbound {
  const text = typeof item.body === 'string' ? item.body : undefined;
  const opt = (name: string) =>
    typeof item[name] === 'string' ? { [name]: item[name] as string } : ({} as Record<string, never>);
  return {
    contact: String(item.contact),
    messageKey: String(item.messageKey),
    wamid: String(item.wamid),
    phoneNumberId: String(item.phoneNumberId),
    timestamp: Number(item.timestamp),
    type: String(item.type),
    receivedAt: String(item.receivedAt),
    ...opt('phone'),
    ...opt('bsuid'),
    ...opt('profileName'),
    ...opt('replyId'),
    ...opt('repliedAt'),
    ...(text !== undefined ? { text } : {}),
    ...(item.system && typeof item.system === 'object'
      ? { system: item.system as StoredInbound['system'] & object }
      : {}),
  };
}

export function makeDynamoWhatsAppInbox(client: DynamoDBDocumentClient, tables: InboxTables): WhatsAppInbox {
  async function conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await client.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }
  const messageKey = (contact: string, key: string) => ({ contact, messageKey: key });

  return {
    async claim(wamidHash, at) {
      try {
        await client.send(
          new PutCommand({
            TableName: tables.receipts,
            Item: {
              receiptKey: `msg#${wamidHash}`,
              seenAt: at.toISOString(),
              expiresAt: seconds(at) + RECEIPT_TTL_DAYS * 86400,
            },
            ConditionExpression: 'attribute_not_exists(receiptKey)',
          }),
        );
        return 'new';
      } catch (error) {
        if (isConditionalFailure(error)) return 'duplicate';
        throw error;
      }
    },

    async release(wamidHash) {
      await client.send(
        new DeleteCommand({ TableName: tables.receipts, Key: { receiptKey: `msg#${wamidHash}` } }),
      );
    },

    async save(message, expiresAt, pendingUntil) {
      const item: Record<string, unknown> = {
        contact: message.contact,
        messageKey: message.messageKey,
        direction: 'in',
        wamid: message.wamid,
        phoneNumberId: message.phoneNumberId,
        timestamp: message.timestamp,
        type: message.type,
        receivedAt: message.receivedAt,
        ...(pendingUntil
          ? { pendingProcessing: PENDING, leaseUntil: pendingUntil.getTime() }
          : { processedAt: message.receivedAt }),
        expiresAt: seconds(expiresAt),
        ...(message.phone ? { phone: message.phone } : {}),
        ...(message.bsuid ? { bsuid: message.bsuid } : {}),
        ...(message.profileName ? { profileName: message.profileName } : {}),
        ...(message.text !== undefined ? { body: message.text } : {}),
        ...(message.replyId ? { replyId: message.replyId } : {}),
        ...(message.system ? { system: { ...message.system } } : {}),
      };
      try {
        await client.send(
          new PutCommand({
            TableName: tables.messages,
            Item: item,
            ConditionExpression: 'attribute_not_exists(messageKey)',
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },

    async touchContact(message, contact, at, expiresAt) {
      const values: Record<string, unknown> = { ':at': seconds(at), ':expiresAt': seconds(expiresAt) };
      const sets = ['lastInboundAt = :at', 'expiresAt = :expiresAt'];
      if (message.phone) {
        sets.push('waId = :waId');
        values[':waId'] = message.phone;
      }
      if (message.bsuid) {
        sets.push('bsuid = :bsuid');
        values[':bsuid'] = message.bsuid;
      }
      if (message.profileName) {
        sets.push('profileName = :name');
        values[':name'] = message.profileName;
      }
      const key = { contact, phoneNumberId: message.phoneNumberId };
      const advanced = await conditionalUpdate({
        TableName: tables.contacts,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(lastInboundAt) OR lastInboundAt < :at',
        ExpressionAttributeValues: values,
      });
      if (advanced) return at;
      const current = await client.send(
        new GetCommand({ TableName: tables.contacts, Key: key, ConsistentRead: true }),
      );
      const latest = Number(current.Item?.lastInboundAt);
      return Number.isFinite(latest) ? new Date(latest * 1000) : at;
    },

    lease(contact, key, now, until) {
      return conditionalUpdate({
        TableName: tables.messages,
        Key: messageKey(contact, key),
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression:
          'attribute_exists(messageKey) AND attribute_exists(pendingProcessing) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':until': until.getTime(), ':now': now.getTime() },
      });
    },

    async markReplied(contact, key, at) {
      // Conditional everywhere: an item purged meanwhile is never recreated with a raw identifier.
      await conditionalUpdate({
        TableName: tables.messages,
        Key: messageKey(contact, key),
        UpdateExpression: 'SET repliedAt = :at',
        ConditionExpression: 'attribute_exists(messageKey)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      });
    },

    async markProcessed(contact, key, at) {
      await conditionalUpdate({
        TableName: tables.messages,
        Key: messageKey(contact, key),
        UpdateExpression: 'SET processedAt = :at REMOVE pendingProcessing, leaseUntil',
        ConditionExpression: 'attribute_exists(messageKey)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      });
    },

    async releaseLease(contact, key) {
      await conditionalUpdate({
        TableName: tables.messages,
        Key: messageKey(contact, key),
        UpdateExpression: 'REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(messageKey)',
      });
    },

    async get(contact, key) {
      const result = await client.send(
        new GetCommand({ TableName: tables.messages, Key: messageKey(contact, key), ConsistentRead: true }),
      );
      return result.Item ? toStored(result.Item) : undefined;
    },

    async listPending(before, limit) {
      const result = await client.send(
        new QueryCommand({
          TableName: tables.messages,
          IndexName: 'pendingProcessing',
          KeyConditionExpression: 'pendingProcessing = :yes AND receivedAt < :before',
          ExpressionAttributeValues: { ':yes': PENDING, ':before': before.toISOString() },
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => toStored(item));
    },

    async recordStatus(wamidHash, status, at, errorCode) {
      return conditionalUpdate({
        TableName: tables.receipts,
        Key: { receiptKey: `status#${wamidHash}` },
        UpdateExpression: `SET #status = :status, #rank = :rank, statusAt = :at, expiresAt = :expires${errorCode === undefined ? '' : ', errorCode = :code'}`,
        ConditionExpression: 'attribute_not_exists(#rank) OR #rank < :rank',
        ExpressionAttributeNames: { '#status': 'status', '#rank': 'rank' },
        ExpressionAttributeValues: {
          ':status': status,
          ':rank': STATUS_RANK[status],
          ':at': at.toISOString(),
          ':expires': Math.floor((at.getTime() + RECEIPT_TTL_DAYS * DAY_MS) / 1000),
          ...(errorCode === undefined ? {} : { ':code': errorCode }),
        },
      });
    },

    async statusOf(wamidHash) {
      const result = await client.send(
        new GetCommand({
          TableName: tables.receipts,
          Key: { receiptKey: `status#${wamidHash}` },
          ConsistentRead: true,
        }),
      );
      const status = result.Item?.status;
      return typeof status === 'string' && status in STATUS_RANK ? (status as DeliveryStatus) : undefined;
    },
  };
}

/** When a phone number last wrote to a business number (the start of its 24-hour window), if ever. */
export function makeContactWindowReader(
  client: DynamoDBDocumentClient,
  contactsTable: string,
  phoneNumberId: string,
) {
  return async (phone: string): Promise<Date | undefined> => {
    const result = await client.send(
      new GetCommand({
        TableName: contactsTable,
        Key: { contact: `whatsapp_phone#${phone}`, phoneNumberId },
        ProjectionExpression: 'lastInboundAt',
      }),
    );
    const at = Number(result.Item?.lastInboundAt);
    return Number.isFinite(at) && at > 0 ? new Date(at * 1000) : undefined;
  };
}
