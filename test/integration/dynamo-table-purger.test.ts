// integration: the purge adapter against the DynamoDB stand-in, including the retry paths the
// stand-in never takes by itself (UnprocessedItems), injected around the real client.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoTablePurger } from '../../functions/adapters/dynamo-table-purger.js';
import { META_PLATFORM_DATA_TABLE, mappedTables } from '../../functions/declarations/tables.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

let env: TestStandIns;
const table = mappedTables().find((candidate) => candidate.id === META_PLATFORM_DATA_TABLE.id)!;

beforeAll(async () => {
  env = await startTestStandIns();
});
afterAll(() => env?.stop());

async function seed(subject: string, count: number) {
  const items = Array.from({ length: count }, (_, index) => ({
    subject,
    item: `ITEM#${index}`,
    payload: 'x',
  }));
  for (let i = 0; i < items.length; i += 25) {
    await env.documents.send(
      new BatchWriteCommand({
        RequestItems: { MetaPlatformData: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

/** Wraps the real client: every other BatchWriteItem leaves its second half unprocessed. */
function withUnprocessedItems(client: DynamoDBDocumentClient, calls: { count: number }) {
  return {
    send: async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        calls.count += 1;
        const requests = command.input.RequestItems?.MetaPlatformData ?? [];
        if (calls.count % 2 === 0 && requests.length > 1) {
          const half = Math.ceil(requests.length / 2);
          await client.send(
            new BatchWriteCommand({ RequestItems: { MetaPlatformData: requests.slice(0, half) } }),
          );
          return { UnprocessedItems: { MetaPlatformData: requests.slice(half) } };
        }
      }
      return client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

const options = { tableName: () => 'MetaPlatformData', sleep: async () => undefined };

describe('DynamoDB table purger', () => {
  it("deletes every item of the subject across pages, and only the subject's", async () => {
    await seed('facebook_asid#111', 1200);
    await seed('facebook_asid#222', 30);
    const purger = makeDynamoTablePurger(env.documents, options);
    const subject = [{ kind: 'facebook_asid' as const, value: '111' }];

    const outcome = await purger.purge(table, subject);

    expect(outcome).toEqual({ table: 'MetaPlatformData', deleted: 1200, anonymised: 0, retained: 0 });
    expect(await purger.countRemaining(table, subject)).toBe(0);
    expect(await purger.countRemaining(table, [{ kind: 'facebook_asid', value: '222' }])).toBe(30);
  });

  it('finds the subject under every identifier the table is keyed by', async () => {
    await seed('facebook_asid#333', 5);
    await seed('instagram_scoped_id#444', 4);
    const purger = makeDynamoTablePurger(env.documents, options);

    const outcome = await purger.purge(table, [
      { kind: 'facebook_asid', value: '333' },
      { kind: 'instagram_scoped_id', value: '444' },
    ]);

    expect(outcome.deleted).toBe(9);
  });

  it('retries unprocessed items until every item is gone', async () => {
    await seed('facebook_asid#555', 300);
    const calls = { count: 0 };
    const purger = makeDynamoTablePurger(withUnprocessedItems(env.documents, calls), options);
    const subject = [{ kind: 'facebook_asid' as const, value: '555' }];

    const outcome = await purger.purge(table, subject);

    expect(outcome.deleted).toBe(300);
    expect(calls.count).toBeGreaterThan(12);
    expect(await makeDynamoTablePurger(env.documents, options).countRemaining(table, subject)).toBe(0);
  });

  it('gives up with an error when items stay unprocessed past the retry budget', async () => {
    await seed('facebook_asid#666', 10);
    const stuck = {
      send: async (command: unknown) =>
        command instanceof BatchWriteCommand
          ? { UnprocessedItems: command.input.RequestItems }
          : env.documents.send(command as never),
    } as unknown as DynamoDBDocumentClient;
    const purger = makeDynamoTablePurger(stuck, { ...options, maxRetries: 3 });

    await expect(purger.purge(table, [{ kind: 'facebook_asid', value: '666' }])).rejects.toThrow(
      /unprocessed/,
    );
  });
});
