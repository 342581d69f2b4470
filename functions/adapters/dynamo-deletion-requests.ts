// adapters: the DeletionRequests table. One item per request (`REQUEST#<id>`) and one pointer per
// confirmation code (`CODE#<code>`), written with conditional single-item writes only.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueDate } from '../core/due-date.js';
import {
  isTerminal,
  type AuditEvent,
  type DeletionRequest,
  type RequestStatus,
  type TableOutcome,
} from '../core/deletion-request.js';
import type { CreateResult, DeletionRequestStore, TransitionOptions } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

const requestKey = (requestId: string) => ({ pk: `REQUEST#${requestId}` });
const codeKey = (code: string) => ({ pk: `CODE#${code}` });
const AWAITING_QUEUE = 'yes';
/** Sparse index attribute: set while a verified request is open, so the deadline check can list them. */
const OPEN = 'open';
const WORKABLE: readonly RequestStatus[] = ['received', 'queued', 'in_progress', 'failed'];
/** Per-table counts live in flat attributes (`deleted:<Table>`) so they can be added atomically. */
const COUNT = { deleted: 'deleted:', anonymised: 'anonymised:', retained: 'retained:' } as const;
const REASON = 'reason:';
const UNTIL = 'until:';
const ACKNOWLEDGED = 'acknowledged:';
/** Job steps done (see JobStep) live in flat attributes (`step:<name>`), set in one write each. */
const STEP_DONE = 'step:';
/** Appends `:event` to the audit trail; its values come from `eventValues`. */
const APPEND_EVENT = 'events = list_append(if_not_exists(events, :empty), :event)';
const eventValues = (event: AuditEvent) => ({ ':empty': [], ':event': [event] });

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

function outcomesOf(item: RequestItem): TableOutcome[] {
  const tables = Object.keys(item)
    .filter((name) => name.startsWith(COUNT.deleted))
    .map((name) => name.slice(COUNT.deleted.length))
    .sort();
  const count = (prefix: string, table: string) => Number(item[`${prefix}${table}`] ?? 0);
  return tables.map((table) => {
    const reason = item[`${REASON}${table}`];
    const until = item[`${UNTIL}${table}`];
    const acknowledged = item[`${ACKNOWLEDGED}${table}`];
    return {
      table,
      deleted: count(COUNT.deleted, table),
      anonymised: count(COUNT.anonymised, table),
      retained: count(COUNT.retained, table),
      ...(typeof reason === 'string' ? { retentionReason: reason } : {}),
      ...(typeof until === 'string' ? { retainedUntil: until } : {}),
      ...(typeof acknowledged === 'string' ? { acknowledgedAt: acknowledged } : {}),
    };
  });
}

function stepsDoneOf(item: RequestItem): { stepsDone?: string[] } {
  const done = Object.keys(item)
    .filter((name) => name.startsWith(STEP_DONE))
    .map((name) => name.slice(STEP_DONE.length))
    .sort();
  return done.length > 0 ? { stepsDone: done } : {};
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
    ...optional<DeletionRequest['subjectHashKinds']>('subjectHashKinds'),
    ...optional<boolean>('resolved'),
    ...optional<number>('nextStep'),
    ...optional<string>('emailConfirmationSentAt'),
    ...optional<'deauthorize'>('startedBy'),
    ...optional<string>('schedule'),
    ...optional<DeletionRequest['whatsappContext']>('whatsappContext'),
    ...optional<string>('dueAt'),
    ...optional<DeletionRequest['jurisdiction']>('jurisdiction'),
    ...optional<DeletionRequest['priority']>('priority'),
    ...optional<DeletionRequest['scope']>('scope'),
    ...optional<string>('cancelReason'),
    ...optional<string>('extensionReason'),
    ...optional<DeletionRequest['deadlineState']>('deadlineState'),
    ...optional<string>('receipt'),
    ...(item.requestType === undefined ? {} : { type: item.requestType as DeletionRequest['type'] }),
    ...optional<DeletionRequest['activity']>('activity'),
    ...optional<string>('exportExpiresAt'),
    ...(typeof item.correctionAttribute === 'string'
      ? {
          correction: {
            attribute: item.correctionAttribute as NonNullable<DeletionRequest['correction']>['attribute'],
            ...(typeof item.correctionValue === 'string' ? { value: item.correctionValue } : {}),
          },
        }
      : {}),
    ...optional<string>('retriesExhaustedAt'),
    ...stepsDoneOf(item),
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
    async create(request, options = {}): Promise<CreateResult> {
      const received = request.status === 'received';
      const due =
        request.dueAt ??
        (received ? dueDate(new Date(request.receivedAt), request.jurisdiction).toISOString() : undefined);
      const item: RequestItem = {
        ...requestKey(request.requestId),
        requestId: request.requestId,
        confirmationCode: request.confirmationCode,
        status: request.status,
        channel: request.channel,
        subject: [...request.subject],
        subjectHashes: [...request.subjectHashes],
        // Every intake hashes its subject in order, so each hash's kind is known here.
        ...(request.subject.length === request.subjectHashes.length && request.subject.length > 0
          ? { subjectHashKinds: request.subject.map((identifier) => identifier.kind) }
          : {}),
        receivedAt: request.receivedAt,
        updatedAt: request.updatedAt,
        attempts: 0,
        events: [
          {
            at: request.receivedAt,
            event: request.status,
            ...(options.by ? { by: options.by } : {}),
            ...(options.note ? { note: options.note } : {}),
          },
        ],
        ...(request.startedBy ? { startedBy: request.startedBy } : {}),
        ...(request.schedule ? { schedule: request.schedule } : {}),
        ...(request.whatsappContext ? { whatsappContext: { ...request.whatsappContext } } : {}),
        ...(received ? { awaitingQueue: AWAITING_QUEUE, openDue: OPEN } : {}),
        ...(due ? { dueAt: due } : {}),
        ...(request.jurisdiction ? { jurisdiction: request.jurisdiction } : {}),
        ...(request.priority ? { priority: request.priority } : {}),
        ...(request.scope ? { scope: request.scope } : {}),
        ...(request.type ? { requestType: request.type } : {}),
        ...(request.activity ? { activity: request.activity } : {}),
        ...(request.correction ? { correctionAttribute: request.correction.attribute } : {}),
        ...(request.correction?.value !== undefined ? { correctionValue: request.correction.value } : {}),
        ...(options.expiresAt ? { expiresAt: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
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
      const entry: AuditEvent = {
        at,
        event: options.event,
        ...(options.by ? { by: options.by } : {}),
        ...(options.note ? { note: options.note } : {}),
      };
      const values: Record<string, unknown> = {
        ':to': to,
        ':at': at,
        ...eventValues(entry),
      };
      const sets = ['#status = :to', 'updatedAt = :at', APPEND_EVENT];
      const removes: string[] = [];
      from.forEach((status, index) => (values[`:from${index}`] = status));
      if (to !== 'received') removes.push('awaitingQueue');
      if (to === 'received') {
        sets.push('awaitingQueue = :awaiting', 'openDue = :open');
        values[':awaiting'] = AWAITING_QUEUE;
        values[':open'] = OPEN;
        if (!options.expiresAt) removes.push('expiresAt');
      }
      if (isTerminal(to)) removes.push('openDue');
      if (options.dueAt) {
        sets.push('dueAt = :due');
        values[':due'] = options.dueAt.toISOString();
      }
      if (options.exportExpiresAt) {
        sets.push('exportExpiresAt = :exportExpiresAt');
        values[':exportExpiresAt'] = options.exportExpiresAt.toISOString();
      }
      if (options.cancelReason !== undefined) {
        sets.push('cancelReason = :cancelReason');
        values[':cancelReason'] = options.cancelReason;
      }
      if (to === 'completed' || to === 'completed_with_retention') {
        sets.push('completedAt = :completedAt');
        values[':completedAt'] = (options.completedAt ?? options.at).toISOString();
      }
      // Set by the last automatic attempt; any other move clears it (a retry makes them automatic again).
      if (to === 'failed' && options.retriesExhausted) sets.push('retriesExhaustedAt = :at');
      else removes.push('retriesExhaustedAt');
      // The new value of a correction is personal data too: it goes with the identifiers.
      if (options.forgetSubject) removes.push('subject', 'correctionValue');
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
        ...eventValues({ at, event: 'started' }),
        ':zero': 0,
        ':one': 1,
      };
      WORKABLE.forEach((status, index) => (values[`:w${index}`] = status));
      return update(
        requestId,
        `SET #status = :in_progress, updatedAt = :at, leaseUntil = :until, attempts = if_not_exists(attempts, :zero) + :one, ${APPEND_EVENT} REMOVE awaitingQueue`,
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

    async recordPurgeProgress(requestId, outcome, nextStep, countOnceAs) {
      // Counts are added, not set; with countOnceAs, only by the first call that records that key.
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
      if (outcome.acknowledgedAt) {
        names['#acknowledged'] = `${ACKNOWLEDGED}${outcome.table}`;
        values[':acknowledged'] = outcome.acknowledgedAt;
        sets.push('#acknowledged = if_not_exists(#acknowledged, :acknowledged)');
      }
      if (countOnceAs) {
        names['#once'] = countOnceAs;
        values[':true'] = true;
        sets.push('#once = :true');
      }
      await update(
        requestId,
        `SET ${sets.join(', ')} ADD #deleted :deleted, #anonymised :anonymised, #retained :retained`,
        countOnceAs ? 'attribute_exists(pk) AND attribute_not_exists(#once)' : 'attribute_exists(pk)',
        names,
        values,
      );
    },

    async claimConfirmation(requestId, at) {
      return update(
        requestId,
        'SET emailConfirmation = :sending, emailConfirmationClaimedAt = :at',
        'attribute_exists(pk) AND attribute_not_exists(emailConfirmation)',
        {},
        { ':sending': 'sending', ':at': at.toISOString() },
      );
    },

    async releaseConfirmation(requestId) {
      await update(
        requestId,
        'REMOVE emailConfirmation, emailConfirmationClaimedAt',
        'emailConfirmation = :sending',
        {},
        { ':sending': 'sending' },
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

    async saveReceipt(requestId, receipt, at) {
      const time = at.toISOString();
      const saved = await update(
        requestId,
        `SET receipt = :receipt, ${APPEND_EVENT}`,
        'attribute_exists(pk) AND #status = :in_progress AND attribute_not_exists(receipt)',
        { '#status': 'status' },
        {
          ':receipt': receipt,
          ':in_progress': 'in_progress',
          ...eventValues({ at: time, event: 'receipt_issued' }),
        },
      );
      if (saved) return receipt;
      const stored = (await store.get(requestId))?.receipt;
      if (!stored) throw new Error('The receipt was not stored: the request is not in progress');
      return stored;
    },

    async markStepDone(requestId, step, at) {
      const time = at.toISOString();
      await update(
        requestId,
        `SET #step = :at, ${APPEND_EVENT}`,
        'attribute_exists(pk)',
        { '#step': `${STEP_DONE}${step}` },
        { ':at': time, ...eventValues({ at: time, event: `step:${step}` }) },
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

    async events(requestId) {
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: requestKey(requestId),
          ConsistentRead: true,
          ProjectionExpression: 'events',
        }),
      );
      return (result.Item?.events as AuditEvent[] | undefined) ?? [];
    },

    async appendEvent(requestId, event) {
      await update(requestId, `SET ${APPEND_EVENT}`, 'attribute_exists(pk)', {}, eventValues(event));
    },

    async extendDueDate(requestId, dueAt, reason, at, by) {
      const time = at.toISOString();
      return update(
        requestId,
        `SET dueAt = :due, extensionReason = :reason, updatedAt = :at, ${APPEND_EVENT} REMOVE deadlineState`,
        // Once: the law allows one extension, and a concurrent second one must not slip through.
        'attribute_exists(pk) AND attribute_exists(openDue) AND dueAt < :due AND attribute_not_exists(extensionReason)',
        {},
        {
          ':due': dueAt.toISOString(),
          ':reason': reason,
          ':at': time,
          ...eventValues({ at: time, event: 'extended', by, note: reason }),
        },
      );
    },

    async listOpen(limit) {
      const requests: DeletionRequest[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'openByDue',
            KeyConditionExpression: 'openDue = :open',
            ExpressionAttributeValues: { ':open': OPEN },
            ExclusiveStartKey: start,
            Limit: Math.min(limit - requests.length, 500),
          }),
        );
        requests.push(...(page.Items ?? []).map((item) => toRequest(item as RequestItem)));
        start = page.LastEvaluatedKey;
      } while (start && requests.length < limit);
      return requests;
    },

    async markDeadlineState(requestId, state, at) {
      const time = at.toISOString();
      return update(
        requestId,
        `SET deadlineState = :state, ${APPEND_EVENT}`,
        'attribute_exists(pk) AND attribute_exists(openDue) AND (attribute_not_exists(deadlineState) OR deadlineState <> :state)',
        {},
        { ':state': state, ...eventValues({ at: time, event: state, by: 'deadline-check' }) },
      );
    },

    async claimPendingRequest(subjectHash, requestId, now, validUntil) {
      const key = { pk: `PENDING#${subjectHash}` };
      try {
        // Taken when absent, or when the link it names is no longer valid (TTL removal lags).
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...key,
              requestId,
              validUntil: validUntil.getTime(),
              expiresAt: Math.floor(validUntil.getTime() / 1000),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR validUntil <= :now',
            ExpressionAttributeValues: { ':now': now.getTime() },
          }),
        );
        return requestId;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const pointer = await client.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      return typeof pointer.Item?.requestId === 'string' ? pointer.Item.requestId : requestId;
    },

    async releasePendingRequest(subjectHash, requestId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: `PENDING#${subjectHash}` },
            ConditionExpression: 'requestId = :id',
            ExpressionAttributeValues: { ':id': requestId },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },
  };
  return store;
}
