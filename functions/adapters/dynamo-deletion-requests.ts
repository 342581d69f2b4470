// adapters: the DeletionRequests table. One item per request (`REQUEST#<id>`) and one pointer per
// confirmation code (`CODE#<code>`), written with conditional single-item writes only.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  isTerminal,
  type DeletionRequest,
  type RequestStatus,
  type TableOutcome,
} from '../core/deletion-request.js';
import type { CreateResult, DeletionRequestStore, TransitionOptions } from '../use-cases/ports.js';

const requestKey = (requestId: string) => ({ pk: `REQUEST#${requestId}` });
const codeKey = (code: string) => ({ pk: `CODE#${code}` });
const AWAITING_QUEUE = 'yes';
/** Marks a request the deadline check counts: past verification and not yet in a terminal state. */
const OPEN_REQUEST = 'open';
const WORKABLE: readonly RequestStatus[] = ['received', 'queued', 'in_progress', 'failed'];
/** Per-table counts live in flat attributes (`deleted:<Table>`) so they can be added atomically. */
const COUNT = { deleted: 'deleted:', anonymised: 'anonymised:', retained: 'retained:' } as const;
const REASON = 'reason:';
const UNTIL = 'until:';

type RequestItem = Record<string, unknown> & {
  pk: string;
  requestId: string;
  confirmationCode: string;
  status: RequestStatus;
  channel: DeletionRequest['channel'];
  subject?: DeletionRequest['subject'];
  subjectHashes?: string[];
  receivedAt: string;
  updatedAt: string;
};

function isOpen(status: RequestStatus): boolean {
  return status !== 'pending_verification' && !isTerminal(status);
}

function isConditionalFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

function outcomesOf(item: RequestItem): TableOutcome[] {
  const tables = Object.keys(item)
    .filter((name) => name.startsWith(COUNT.deleted))
    .map((name) => name.slice(COUNT.deleted.length))
    .sort();
  const count = (prefix: string, table: string) => Number(item[`${prefix}${table}`] ?? 0);
  return tables.map((table) => {
    const reason = item[`${REASON}${table}`];
    const until = item[`${UNTIL}${table}`];
    return {
      table,
      deleted: count(COUNT.deleted, table),
      anonymised: count(COUNT.anonymised, table),
      retained: count(COUNT.retained, table),
      ...(typeof reason === 'string' ? { retentionReason: reason } : {}),
      ...(typeof until === 'string' ? { retainedUntil: until } : {}),
    };
  });
}

function toRequest(item: RequestItem): DeletionRequest {
  const optional = <T>(name: string) => (item[name] === undefined ? {} : { [name]: item[name] as T });
  return {
    requestId: item.requestId,
    confirmationCode: item.confirmationCode,
    status: item.status,
    channel: item.channel,
    subject: item.subject ?? [],
    subjectHashes: item.subjectHashes ?? [],
    receivedAt: item.receivedAt,
    updatedAt: item.updatedAt,
    attempts: Number(item.attempts ?? 0),
    outcomes: outcomesOf(item),
    ...optional<string>('completedAt'),
    ...optional<string>('lastError'),
    ...optional<string[]>('identitiesReached'),
    ...optional<boolean>('resolved'),
    ...optional<number>('nextStep'),
    ...optional<string>('emailConfirmationSentAt'),
    ...(item.stepsDone ? { stepsDone: Object.keys(item.stepsDone as Record<string, string>).sort() } : {}),
  };
}

export function makeDynamoDeletionRequestStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): DeletionRequestStore {
  async function update(
    requestId: string,
    expression: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: requestKey(requestId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

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
        ...(isOpen(request.status) ? { openRequest: OPEN_REQUEST } : {}),
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
      if (isOpen(to)) {
        sets.push('openRequest = :open');
        values[':open'] = OPEN_REQUEST;
      } else {
        removes.push('openRequest');
      }
      if (to === 'completed' || to === 'completed_with_retention') sets.push('completedAt = :at');
      if (options.forgetSubject) removes.push('subject');
      if (options.releaseLease) removes.push('leaseUntil');
      if (options.lastError !== undefined) {
        sets.push('lastError = :error');
        values[':error'] = options.lastError;
      }
      if (options.expiresAt) {
        sets.push('expiresAt = :expiresAt');
        values[':expiresAt'] = Math.floor(options.expiresAt.getTime() / 1000);
      }
      return update(
        requestId,
        `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
        { '#status': 'status' },
        values,
      );
    },

    async acquireLease(requestId, now, leaseUntil) {
      const at = now.toISOString();
      const values: Record<string, unknown> = {
        ':in_progress': 'in_progress',
        ':at': at,
        ':now': now.getTime(),
        ':until': leaseUntil.getTime(),
        ':event': [{ at, event: 'started' }],
        ':empty': [],
        ':zero': 0,
        ':one': 1,
      };
      WORKABLE.forEach((status, index) => (values[`:w${index}`] = status));
      return update(
        requestId,
        'SET #status = :in_progress, updatedAt = :at, leaseUntil = :until, attempts = if_not_exists(attempts, :zero) + :one, events = list_append(if_not_exists(events, :empty), :event) REMOVE awaitingQueue',
        `attribute_exists(pk) AND #status IN (${WORKABLE.map((_, index) => `:w${index}`).join(', ')}) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)`,
        { '#status': 'status' },
        values,
      );
    },

    async saveResolution(requestId, subject, reachedKinds) {
      await update(
        requestId,
        'SET subject = :subject, identitiesReached = :reached, resolved = :true',
        'attribute_exists(pk) AND #status = :in_progress',
        { '#status': 'status' },
        { ':subject': subject, ':reached': reachedKinds, ':true': true, ':in_progress': 'in_progress' },
      );
    },

    async recordPurgeProgress(requestId, outcome, nextStep) {
      // Counts are added, not set: a resumed job only finds what the earlier attempt left behind.
      const names: Record<string, string> = {
        '#deleted': `${COUNT.deleted}${outcome.table}`,
        '#anonymised': `${COUNT.anonymised}${outcome.table}`,
        '#retained': `${COUNT.retained}${outcome.table}`,
      };
      const values: Record<string, unknown> = {
        ':deleted': outcome.deleted,
        ':anonymised': outcome.anonymised,
        ':retained': outcome.retained,
        ':next': nextStep,
      };
      const sets = ['nextStep = :next'];
      if (outcome.retentionReason) {
        names['#reason'] = `${REASON}${outcome.table}`;
        values[':reason'] = outcome.retentionReason;
        sets.push('#reason = :reason');
      }
      if (outcome.retainedUntil) {
        names['#until'] = `${UNTIL}${outcome.table}`;
        values[':until'] = outcome.retainedUntil;
        sets.push('#until = :until');
      }
      await update(
        requestId,
        `SET ${sets.join(', ')} ADD #deleted :deleted, #anonymised :anonymised, #retained :retained`,
        'attribute_exists(pk)',
        names,
        values,
      );
    },

    async markConfirmationSent(requestId, _channel, at) {
      await update(
        requestId,
        'SET emailConfirmationSentAt = :at',
        'attribute_exists(pk)',
        {},
        { ':at': at.toISOString() },
      );
    },

    async markStepDone(requestId, step, at) {
      const time = at.toISOString();
      await update(
        requestId,
        'SET stepsDone = if_not_exists(stepsDone, :none), events = list_append(if_not_exists(events, :empty), :event)',
        'attribute_exists(pk)',
        {},
        { ':none': {}, ':empty': [], ':event': [{ at: time, event: `step:${step}` }] },
      );
      await update(
        requestId,
        'SET stepsDone.#step = :at',
        'attribute_exists(pk)',
        { '#step': step },
        { ':at': time },
      );
    },

    async countOpenReceivedBefore(before) {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'openRequests',
            KeyConditionExpression: 'openRequest = :open AND receivedAt < :before',
            ExpressionAttributeValues: { ':open': OPEN_REQUEST, ':before': before.toISOString() },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
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
