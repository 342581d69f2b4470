// adapters: the DeletionRequests table. One item per request (`REQUEST#<id>`) and one pointer per
// confirmation code (`CODE#<code>`), written with conditional single-item writes only.
import {
  ConditionalCheckFailedException,
  type ConditionalCheckFailedException as ConditionalError,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeletionRequest, RequestStatus, TableOutcome } from '../core/deletion-request.js';
import type { CreateResult, DeletionRequestStore, TransitionOptions } from '../use-cases/ports.js';

const requestKey = (requestId: string) => ({ pk: `REQUEST#${requestId}` });
const codeKey = (code: string) => ({ pk: `CODE#${code}` });
const AWAITING_QUEUE = 'yes';
/** Per-table counts live in flat attributes (`deleted:<Table>`) so they can be added atomically. */
const COUNT_PREFIX = {
  deleted: 'deleted:',
  anonymised: 'anonymised:',
  retained: 'retained:',
  reason: 'reason:',
};

interface RequestItem {
  pk: string;
  requestId: string;
  confirmationCode: string;
  status: RequestStatus;
  channel: DeletionRequest['channel'];
  subject?: DeletionRequest['subject'];
  subjectHashes: string[];
  receivedAt: string;
  updatedAt: string;
  completedAt?: string;
  [countAttribute: `${string}:${string}`]: unknown;
  attempts?: number;
  lastError?: string;
  awaitingQueue?: string;
  events?: { at: string; event: string }[];
}

function isConditionalFailure(error: unknown): error is ConditionalError {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

function toRequest(item: RequestItem): DeletionRequest {
  return {
    requestId: item.requestId,
    confirmationCode: item.confirmationCode,
    status: item.status,
    channel: item.channel,
    subject: item.subject ?? [],
    subjectHashes: item.subjectHashes ?? [],
    receivedAt: item.receivedAt,
    updatedAt: item.updatedAt,
    ...(item.completedAt ? { completedAt: item.completedAt } : {}),
    ...(item.lastError ? { lastError: item.lastError } : {}),
    attempts: item.attempts ?? 0,
    outcomes: outcomesOf(item),
  };
}

function outcomesOf(item: RequestItem): TableOutcome[] {
  const tables = Object.keys(item)
    .filter((name) => name.startsWith(COUNT_PREFIX.deleted))
    .map((name) => name.slice(COUNT_PREFIX.deleted.length))
    .sort();
  const count = (prefix: string, table: string) =>
    Number(item[`${prefix}${table}` as `${string}:${string}`] ?? 0);
  return tables.map((table) => {
    const reason = item[`${COUNT_PREFIX.reason}${table}` as `${string}:${string}`];
    return {
      table,
      deleted: count(COUNT_PREFIX.deleted, table),
      anonymised: count(COUNT_PREFIX.anonymised, table),
      retained: count(COUNT_PREFIX.retained, table),
      ...(typeof reason === 'string' ? { retentionReason: reason } : {}),
    };
  });
}

export function makeDynamoDeletionRequestStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): DeletionRequestStore {
  const store: DeletionRequestStore = {
    async create(request): Promise<CreateResult> {
      const item: RequestItem = {
        ...requestKey(request.requestId),
        requestId: request.requestId,
        confirmationCode: request.confirmationCode,
        status: request.status,
        channel: request.channel,
        subject: [...request.subject],
        subjectHashes: [...request.subjectHashes],
        receivedAt: request.receivedAt,
        updatedAt: request.updatedAt,
        attempts: 0,
        events: [{ at: request.receivedAt, event: request.status }],
        ...(request.status === 'received' ? { awaitingQueue: AWAITING_QUEUE } : {}),
      };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        const existing = await store.get(request.requestId);
        if (!existing) throw error;
        return { created: false, existing };
      }
      await store.ensureCodePointer(request);
      return { created: true };
    },

    async ensureCodePointer(request) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...codeKey(request.confirmationCode), requestId: request.requestId },
            ConditionExpression: 'attribute_not_exists(pk) OR requestId = :id',
            ExpressionAttributeValues: { ':id': request.requestId },
          }),
        );
      } catch (error) {
        // A pointer to another request means a code collision, which 143 random bits make impossible
        // in practice; surface it rather than point one person's code at another's request.
        if (isConditionalFailure(error)) {
          throw new Error('Confirmation code already points to another request', { cause: error });
        }
        throw error;
      }
    },

    async get(requestId) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: requestKey(requestId), ConsistentRead: true }),
      );
      return result.Item ? toRequest(result.Item as RequestItem) : undefined;
    },

    async getByCode(code) {
      const pointer = await client.send(
        new GetCommand({ TableName: tableName, Key: codeKey(code), ConsistentRead: true }),
      );
      const requestId = pointer.Item?.requestId;
      return typeof requestId === 'string' ? store.get(requestId) : undefined;
    },

    async transition(requestId, from, to, options: TransitionOptions) {
      const at = options.at.toISOString();
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = {
        ':to': to,
        ':at': at,
        ':event': [{ at, event: options.event }],
        ':empty': [],
      };
      const sets = [
        '#status = :to',
        'updatedAt = :at',
        'events = list_append(if_not_exists(events, :empty), :event)',
      ];
      const removes: string[] = [];
      from.forEach((status, index) => (values[`:from${index}`] = status));
      if (to !== 'received') removes.push('awaitingQueue');
      if (to === 'completed' || to === 'completed_with_retention') sets.push('completedAt = :at');
      if (options.forgetSubject) removes.push('subject');
      if (options.lastError !== undefined) {
        sets.push('lastError = :error');
        values[':error'] = options.lastError;
      }
      if (options.countAttempt) {
        sets.push('attempts = if_not_exists(attempts, :zero) + :one');
        values[':zero'] = 0;
        values[':one'] = 1;
      }
      if (options.expiresAt) {
        sets.push('expiresAt = :expiresAt');
        values[':expiresAt'] = Math.floor(options.expiresAt.getTime() / 1000);
      }
      const condition = `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: requestKey(requestId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalFailure(error)) return false;
        throw error;
      }
    },

    async addOutcome(requestId, outcome) {
      // Counts are added, not set: a retried job only finds what the crashed attempt left behind.
      const names: Record<string, string> = {
        '#deleted': `${COUNT_PREFIX.deleted}${outcome.table}`,
        '#anonymised': `${COUNT_PREFIX.anonymised}${outcome.table}`,
        '#retained': `${COUNT_PREFIX.retained}${outcome.table}`,
      };
      const values: Record<string, unknown> = {
        ':deleted': outcome.deleted,
        ':anonymised': outcome.anonymised,
        ':retained': outcome.retained,
      };
      let reason = '';
      if (outcome.retentionReason) {
        names['#reason'] = `${COUNT_PREFIX.reason}${outcome.table}`;
        values[':reason'] = outcome.retentionReason;
        reason = ' SET #reason = :reason';
      }
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: requestKey(requestId),
          UpdateExpression: `ADD #deleted :deleted, #anonymised :anonymised, #retained :retained${reason}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async listAwaitingQueue(before, limit) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'awaitingQueue',
          KeyConditionExpression: 'awaitingQueue = :yes AND receivedAt < :before',
          ExpressionAttributeValues: { ':yes': AWAITING_QUEUE, ':before': before.toISOString() },
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => String(item.requestId));
    },
  };
  return store;
}
