// adapters: applies a table's data-map rule to a subject's items in DynamoDB. Finds items by the
// declared lookups (paginated queries), deletes them with BatchWriteItem in chunks of 25 with a few
// requests in flight, and retries unprocessed items with jittered exponential backoff.
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubjectIdentifier, TableOutcome } from '../core/deletion-request.js';
import type { SubjectLookup } from '../declarations/tables.js';
import type { MappedTable, TablePurger } from '../use-cases/ports.js';

export interface PurgerOptions {
  /** Physical table name for a declared table. */
  readonly tableName: (table: MappedTable) => string;
  /** BatchWriteItem requests in flight at once. */
  readonly concurrency?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Key = Record<string, unknown>;
const BATCH_SIZE = 25;

export function makeDynamoTablePurger(client: DynamoDBDocumentClient, options: PurgerOptions): TablePurger {
  const concurrency = options.concurrency ?? 4;
  const maxRetries = options.maxRetries ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function* subjectKeys(
    table: MappedTable,
    subject: readonly SubjectIdentifier[],
  ): AsyncGenerator<Key[]> {
    const keyNames = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
    for (const lookup of table.personalData.lookups) {
      for (const identifier of subject.filter((candidate) => candidate.kind === lookup.identifier)) {
        yield* queryKeys(table, lookup, identifier.value, keyNames);
      }
    }
  }

  async function* queryKeys(
    table: MappedTable,
    lookup: SubjectLookup,
    value: string,
    keyNames: string[],
  ): AsyncGenerator<Key[]> {
    let startKey: Key | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: options.tableName(table),
          ...(lookup.index ? { IndexName: lookup.index } : {}),
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: Object.fromEntries([
            ['#k', lookup.keyAttribute],
            ...keyNames.map((n, i) => [`#p${i}`, n]),
          ]),
          ExpressionAttributeValues: { ':v': `${lookup.keyPrefix ?? ''}${value}` },
          ProjectionExpression: keyNames.map((_, i) => `#p${i}`).join(', '),
          ...(lookup.index ? {} : { ConsistentRead: true }),
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) =>
        Object.fromEntries(keyNames.map((name) => [name, item[name]])),
      );
      if (keys.length > 0) yield keys;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async function deleteChunk(tableName: string, keys: Key[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > maxRetries) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await sleep(Math.random() * baseDelayMs * 2 ** attempt);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [],
      );
    }
  }

  async function deleteAll(tableName: string, keys: Key[]): Promise<void> {
    const chunks: Key[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_SIZE) chunks.push(keys.slice(i, i + BATCH_SIZE));
    let next = 0;
    const lanes = Array.from({ length: Math.min(concurrency, chunks.length) }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        if (chunk) await deleteChunk(tableName, chunk);
      }
    });
    await Promise.all(lanes);
  }

  return {
    async purge(table, subject): Promise<TableOutcome> {
      const action = table.personalData.action;
      if (action.type !== 'delete') throw new Error(`Purge action ${action.type} is not supported yet`);
      const tableName = options.tableName(table);
      let deleted = 0;
      for await (const keys of subjectKeys(table, subject)) {
        await deleteAll(tableName, keys);
        deleted += keys.length;
      }
      return { table: table.id, deleted, anonymised: 0, retained: 0 };
    },

    async countRemaining(table, subject) {
      let remaining = 0;
      for await (const keys of subjectKeys(table, subject)) remaining += keys.length;
      return remaining;
    },
  };
}
