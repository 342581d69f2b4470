// adapters: carries out purge-plan steps in DynamoDB. Finds a subject's items by the step's lookup
// (a key or index query), deletes them with BatchWriteItem in chunks of 25 with several requests in
// flight (an adaptive limit: halved when DynamoDB throttles or leaves items unprocessed, grown back one
// at a time after clean batches; retries use jittered exponential backoff), or anonymises them with
// conditional updates. It speaks DynamoDB's own attribute format (plain client commands, sent through the
// document client): the keys a query returns go back into the deletes as they came, with no unmarshalling
// and marshalling in between. Counting a delete step reads its keys, and the step's next pages delete
// those keys without reading them again: up to 20,000 items a step are read once, not twice (BENCHMARKS.md).
import {
  BatchWriteItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchWriteItemCommandOutput,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PurgeStep } from '../core/purge-plan.js';
import type { MappedTable } from '../declarations/tables.js';
import type { PurgePage, TablePurger } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

export interface PurgerOptions {
  /** Physical table name of a declared table (its ARN for a table in another account). */
  readonly tableName: (table: MappedTable) => string;
  /** The client for a table, when not `client` (a table reached through a role in another account). */
  readonly clientFor?: (table: MappedTable) => DynamoDBDocumentClient;
  /** Most BatchWriteItem (or anonymising UpdateItem) requests in flight at once. */
  readonly concurrency?: number;
  /** Most keys a count holds for the pages that follow it (about 100 bytes each); beyond, pages read again. */
  readonly heldKeysLimit?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

type Key = Record<string, AttributeValue>;
type Item = Record<string, AttributeValue>;
const BATCH_SIZE = 25;
/** Items per read: 10 batches, so the writes of one read keep the in-flight limit busy while the next is read. */
const READ_AHEAD = 250;
/** Requests in flight when DynamoDB does not push back (measured in bench/purge.ts; BENCHMARKS.md). */
export const DEFAULT_CONCURRENCY = 8;
const DAY_MS = 86_400_000;
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/**
 * How many requests may be in flight: starts at `max`, halves when DynamoDB pushes back (throttling,
 * unprocessed items), and grows by one after each request that went through cleanly.
 */
function adaptiveLimit(max: number) {
  let limit = max;
  let active = 0;
  const waiting: (() => void)[] = [];
  const admit = () => {
    while (active < limit && waiting.length > 0) {
      active += 1;
      waiting.shift()?.();
    }
  };
  return {
    async acquire(): Promise<void> {
      if (active < limit) {
        active += 1;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      active -= 1;
      admit();
    },
    pushedBack(): void {
      limit = Math.max(1, Math.floor(limit / 2));
    },
    wentThrough(): void {
      if (limit < max) limit += 1;
      admit();
    },
  };
}

function keyNames(table: MappedTable): string[] {
  return [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
}

/** The item's key, as DynamoDB returned it. */
function keyOf(table: MappedTable, item: Item): Key {
  const key: Key = {};
  for (const name of keyNames(table)) {
    const value = item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}

/** Attributes a step removes; an item still holding one of them is not done yet. */
function removedAttributes(step: PurgeStep): readonly string[] {
  return step.action.type === 'delete' ? [] : step.action.remove;
}

export function makeDynamoTablePurger(client: DynamoDBDocumentClient, options: PurgerOptions): TablePurger {
  const inFlight = adaptiveLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const heldKeysLimit = options.heldKeysLimit ?? 20_000;
  const maxRetries = options.maxRetries ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => new Date());
  const clientOf = (table: MappedTable) => options.clientFor?.(table) ?? client;

  async function withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= maxRetries || !RETRYABLE.has((error as Error).name)) throw error;
        inFlight.pushedBack();
        await sleep(Math.random() * baseDelayMs * 2 ** attempt);
      }
    }
  }

  /** The query finding the step's items that still need work. */
  function stepQuery(step: PurgeStep): QueryCommandInput {
    const names: Record<string, string> = { '#k': step.lookup.keyAttribute };
    const values: Record<string, AttributeValue> = {
      ':v': { S: `${step.lookup.keyPrefix ?? ''}${step.value}` },
    };
    const pending = removedAttributes(step).map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `attribute_exists(#r${index})`;
    });
    if (step.action.type === 'retain') {
      names['#ttl'] = step.action.ttlAttribute;
      pending.push('attribute_not_exists(#ttl)');
    }
    return {
      TableName: options.tableName(step.table),
      ...(step.lookup.index ? { IndexName: step.lookup.index } : { ConsistentRead: true }),
      KeyConditionExpression: '#k = :v',
      ...(pending.length > 0 ? { FilterExpression: pending.join(' OR ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async function deleteChunk(table: MappedTable, keys: Key[]): Promise<void> {
    const tableName = options.tableName(table);
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > maxRetries) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await sleep(Math.random() * baseDelayMs * 2 ** attempt);
      await inFlight.acquire();
      let result: BatchWriteItemCommandOutput;
      try {
        result = await withRetries(() =>
          clientOf(table).send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } })),
        );
      } finally {
        inFlight.release();
      }
      pending = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [],
      );
      if (pending.length > 0) inFlight.pushedBack();
      else inFlight.wentThrough();
    }
  }

  async function anonymise(step: PurgeStep, item: Item): Promise<boolean> {
    const table = step.table;
    const key = keyOf(table, item);
    const names: Record<string, string> = { '#pk': table.partitionKey.name };
    const removes = removedAttributes(step).map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `#r${index}`;
    });
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    if (step.action.type === 'retain') {
      names['#ttl'] = step.action.ttlAttribute;
      values[':ttl'] = {
        N: String(Math.floor((now().getTime() + step.action.retentionDays * DAY_MS) / 1000)),
      };
      values[':reason'] = { S: step.action.reasonCode };
      sets.push('#ttl = :ttl', 'retentionReason = :reason');
    }
    await inFlight.acquire();
    try {
      await withRetries(() =>
        clientOf(table).send(
          new UpdateItemCommand({
            TableName: options.tableName(table),
            Key: key,
            UpdateExpression: [
              sets.length ? `SET ${sets.join(', ')}` : '',
              removes.length ? `REMOVE ${removes.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join(' '),
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
      inFlight.wentThrough();
      return true;
    } catch (error) {
      // Deleted meanwhile (by a delete rule of a wider scope): nothing left to anonymise.
      if (isConditionalFailure(error)) return false;
      throw error;
    } finally {
      inFlight.release();
    }
  }

  /** The step's query reading only keys (a delete needs nothing else). */
  function keysQuery(
    table: MappedTable,
    query: QueryCommandInput,
    startKey: Key | undefined,
    limit: number,
  ): QueryCommand {
    const names = keyNames(table);
    return new QueryCommand({
      ...query,
      Limit: limit,
      ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
      ExpressionAttributeNames: {
        ...query.ExpressionAttributeNames,
        ...Object.fromEntries(names.map((n, i) => [`#p${i}`, n])),
      },
      ExclusiveStartKey: startKey,
    });
  }

  /** The step's items from `startKey` on, counted by DynamoDB (no item leaves the table). */
  async function countFrom(step: PurgeStep, query: QueryCommandInput, startKey: Key | undefined) {
    let count = 0;
    do {
      const page = await withRetries(() =>
        clientOf(step.table).send(
          new QueryCommand({ ...query, Select: 'COUNT', ExclusiveStartKey: startKey }),
        ),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /**
   * Keys the last count of a delete step read, for that same step's pages (the very object the job
   * passes on; a count or a page of any other step drops them). Deleting a key already gone is harmless,
   * and a page reads the table again once they are used up, so an item written after the count is not
   * missed.
   */
  let held: { step: PurgeStep; keys: Key[] } | undefined;

  /** Up to `maxItems` of the keys the step's count held, taken out of them. */
  function takeHeldKeys(step: PurgeStep, maxItems: number): Key[] {
    if (held?.step !== step) {
      held = undefined;
      return [];
    }
    const keys = held.keys.splice(0, maxItems);
    if (held.keys.length === 0) held = undefined;
    return keys;
  }

  return {
    async purgePage(step, maxItems): Promise<PurgePage> {
      const query = stepQuery(step);
      const keysOnly = step.action.type === 'delete';
      const readPage = (startKey: Key | undefined, limit: number) =>
        withRetries(() =>
          clientOf(step.table).send(
            keysOnly
              ? keysQuery(step.table, query, startKey, limit)
              : new QueryCommand({ ...query, Limit: limit, ExclusiveStartKey: startKey }),
          ),
        );

      // Each read's writes start at once while the next read is on its way, so the table is not left
      // idle between reading a page and deleting it. A filtered query may return empty reads before the
      // end: reading goes on until maxItems or the end.
      const writes: Promise<void>[] = [];
      const start = (write: Promise<void>) => {
        writes.push(write);
        write.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      };
      const deleteKeys = (keys: readonly Key[]) => {
        for (let i = 0; i < keys.length; i += BATCH_SIZE)
          start(deleteChunk(step.table, keys.slice(i, i + BATCH_SIZE)));
      };
      // The keys the step's count read go first; the table is read once they are used up.
      const heldKeys = keysOnly ? takeHeldKeys(step, maxItems) : [];
      let read = heldKeys.length;
      let changed = 0;
      let done = false;
      try {
        deleteKeys(heldKeys);
        if (held === undefined && read < maxItems) {
          // Not while they are being deleted: the read would return them again.
          if (read > 0) await Promise.all(writes);
          let next = readPage(undefined, Math.min(READ_AHEAD, maxItems - read));
          for (;;) {
            const page = await next;
            const items = page.Items ?? [];
            read += items.length;
            const startKey = page.LastEvaluatedKey;
            done = startKey === undefined;
            const more = !done && read < maxItems;
            if (more) next = readPage(startKey, Math.min(READ_AHEAD, maxItems - read));
            if (keysOnly) deleteKeys(items.map((item) => keyOf(step.table, item)));
            else
              for (const item of items)
                start(
                  anonymise(step, item).then((touched) => {
                    if (touched) changed += 1;
                  }),
                );
            if (!more) break;
          }
        }
      } catch (error) {
        // A read (or a held key's delete) failed: let the writes already sent finish before the job
        // hears of it.
        await Promise.allSettled(writes);
        throw error;
      }
      await Promise.all(writes);

      if (keysOnly) return { deleted: read, anonymised: 0, retained: 0, done };
      return step.action.type === 'retain'
        ? { deleted: 0, anonymised: 0, retained: changed, done }
        : { deleted: 0, anonymised: changed, retained: 0, done };
    },

    async countRemaining(step) {
      held = undefined;
      const query = stepQuery(step);
      if (step.action.type !== 'delete') return countFrom(step, query, undefined);
      // A delete step is counted by reading its keys (as many round trips as a count), held for its
      // pages; past the limit it holds none and DynamoDB counts the rest.
      const keys: Key[] = [];
      let startKey: Key | undefined;
      do {
        const page = await withRetries(() =>
          clientOf(step.table).send(keysQuery(step.table, query, startKey, heldKeysLimit + 1 - keys.length)),
        );
        for (const item of page.Items ?? []) keys.push(keyOf(step.table, item));
        startKey = page.LastEvaluatedKey;
      } while (startKey && keys.length <= heldKeysLimit);
      if (keys.length > heldKeysLimit)
        return keys.length + (startKey ? await countFrom(step, query, startKey) : 0);
      if (keys.length > 0) held = { step, keys };
      return keys.length;
    },
  };
}
