// integration: the purge adapter against the DynamoDB stand-in, including the retry paths the
// stand-in never takes by itself (UnprocessedItems), injected around the real client.
import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoTablePurger } from '../../functions/adapters/dynamo-table-purger.js';
import type { SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { planPurge } from '../../functions/core/purge-plan.js';
import { mappedTables } from '../../functions/declarations/tables.js';
import type { TablePurger } from '../../functions/use-cases/ports.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

let env: TestStandIns;

beforeAll(async () => {
  env = await startTestStandIns();
});
afterAll(() => env?.stop());

async function put(table: string, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    await env.documents.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

const metaItems = (subject: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({ subject, item: `ITEM#${index}`, payload: 'x' }));

/** Runs every step of the email-scope plan for `subject` in the given tables to the end. */
async function purgeAll(purger: TablePurger, subject: SubjectIdentifier[], tables: string[]) {
  const totals = { deleted: 0, anonymised: 0, retained: 0 };
  const steps = planPurge('email', subject, mappedTables()).filter((step) => tables.includes(step.table.id));
  for (const step of steps) {
    for (;;) {
      const page = await purger.purgePage(step, 1000);
      totals.deleted += page.deleted;
      totals.anonymised += page.anonymised;
      totals.retained += page.retained;
      if (page.done) break;
    }
  }
  let remaining = 0;
  for (const step of steps) remaining += await purger.countRemaining(step);
  return { ...totals, remaining };
}

/** Wraps the real client: every other BatchWriteItem leaves its second half unprocessed. */
function withUnprocessedItems(client: DynamoDBDocumentClient, calls: { count: number }) {
  return {
    send: async (command: unknown) => {
      if (command instanceof BatchWriteItemCommand) {
        calls.count += 1;
        const [table, requests = []] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
        if (calls.count % 2 === 0 && table && requests.length > 1) {
          const half = Math.ceil(requests.length / 2);
          await client.send(
            new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, half) } }),
          );
          return { UnprocessedItems: { [table]: requests.slice(half) } };
        }
      }
      return client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

const options = { tableName: (table: { id: string }) => table.id, sleep: async () => undefined };

describe('DynamoDB table purger', () => {
  it("deletes every item of the subject across pages, and only the subject's", async () => {
    await put('MetaPlatformData', [
      ...metaItems('facebook_asid#111', 2500),
      ...metaItems('facebook_asid#222', 30),
    ]);
    const purger = makeDynamoTablePurger(env.documents, options);

    const result = await purgeAll(purger, [{ kind: 'facebook_asid', value: '111' }], ['MetaPlatformData']);

    expect(result).toEqual({ deleted: 2500, anonymised: 0, retained: 0, remaining: 0 });
    const other = await purgeAll(makeDynamoTablePurger(env.documents, options), [], ['MetaPlatformData']);
    expect(other.deleted).toBe(0);
    const bens = await env.documents.send(
      new GetCommand({
        TableName: 'MetaPlatformData',
        Key: { subject: 'facebook_asid#222', item: 'ITEM#29' },
      }),
    );
    expect(bens.Item).toBeDefined();
  });

  it('stops a page at the item budget and reports that more remain', async () => {
    await put('MetaPlatformData', metaItems('facebook_asid#777', 120));
    const purger = makeDynamoTablePurger(env.documents, options);
    const [step] = planPurge('facebook', [{ kind: 'facebook_asid', value: '777' }], mappedTables()).filter(
      (candidate) => candidate.table.id === 'MetaPlatformData',
    );

    const first = await purger.purgePage(step!, 50);

    expect(first).toEqual({ deleted: 50, anonymised: 0, retained: 0, done: false });
    expect(await purger.countRemaining(step!)).toBe(70);
  });

  it('anonymises named attributes and keeps the rest; retains with reason and expiry', async () => {
    await put('Accounts', [
      { accountId: 'acct_x', email: 'x@example.com', facebookAsid: '333', metaName: 'X', company: 'X Co' },
    ]);
    await put('BillingRecords', [
      {
        accountId: 'acct_x',
        invoiceId: 'I1',
        amountCents: 100,
        customerEmail: 'x@example.com',
        customerName: 'X',
      },
    ]);
    const purger = makeDynamoTablePurger(env.documents, options);
    const subject: SubjectIdentifier[] = [{ kind: 'account_id', value: 'acct_x' }];
    const [anonymise] = planPurge('facebook', subject, mappedTables()).filter(
      (step) => step.table.id === 'Accounts',
    );

    expect(await purger.purgePage(anonymise!, 1000)).toEqual({
      deleted: 0,
      anonymised: 1,
      retained: 0,
      done: true,
    });
    expect(await purger.purgePage(anonymise!, 1000)).toEqual({
      deleted: 0,
      anonymised: 0,
      retained: 0,
      done: true,
    });
    const account = await env.documents.send(
      new GetCommand({ TableName: 'Accounts', Key: { accountId: 'acct_x' } }),
    );
    expect(account.Item).toEqual({ accountId: 'acct_x', email: 'x@example.com', company: 'X Co' });

    const retained = await purgeAll(purger, subject, ['BillingRecords']);
    expect(retained).toEqual({ deleted: 0, anonymised: 0, retained: 1, remaining: 0 });
    const invoice = await env.documents.send(
      new GetCommand({ TableName: 'BillingRecords', Key: { accountId: 'acct_x', invoiceId: 'I1' } }),
    );
    expect(invoice.Item).toMatchObject({ amountCents: 100, retentionReason: 'tax_and_accounting' });
    expect(invoice.Item?.customerEmail).toBeUndefined();
    expect(invoice.Item?.retainUntil).toBeGreaterThan(Date.now() / 1000 + 3000 * 86400);
  });

  it('finds a subject through a secondary index', async () => {
    await put('SupportTickets', [
      { ticketId: 'T1', requesterEmail: 'y@example.com' },
      { ticketId: 'T2', requesterEmail: 'y@example.com' },
      { ticketId: 'T3', requesterEmail: 'z@example.com' },
    ]);
    const result = await purgeAll(
      makeDynamoTablePurger(env.documents, options),
      [{ kind: 'email', value: 'y@example.com' }],
      ['SupportTickets'],
    );
    expect(result).toMatchObject({ deleted: 2, remaining: 0 });
  });

  it('retries unprocessed items until every item is gone', async () => {
    await put('MetaPlatformData', metaItems('facebook_asid#555', 300));
    const calls = { count: 0 };
    const purger = makeDynamoTablePurger(withUnprocessedItems(env.documents, calls), options);

    const result = await purgeAll(purger, [{ kind: 'facebook_asid', value: '555' }], ['MetaPlatformData']);

    expect(result).toMatchObject({ deleted: 300, remaining: 0 });
    expect(calls.count).toBeGreaterThan(12);
  });

  it('gives up with an error when items stay unprocessed past the retry budget', async () => {
    await put('MetaPlatformData', metaItems('facebook_asid#666', 10));
    const stuck = {
      send: async (command: unknown) =>
        command instanceof BatchWriteItemCommand
          ? { UnprocessedItems: command.input.RequestItems }
          : env.documents.send(command as never),
    } as unknown as DynamoDBDocumentClient;
    const purger = makeDynamoTablePurger(stuck, { ...options, maxRetries: 3 });

    await expect(
      purgeAll(purger, [{ kind: 'facebook_asid', value: '666' }], ['MetaPlatformData']),
    ).rejects.toThrow(/unprocessed/);
  });
  it('reads the next keys while the deletes of the last read are in flight, and reads no further than the page', async () => {
    await put('MetaPlatformData', metaItems('facebook_asid#999', 1200));
    let deletesInFlight = 0;
    const readsDuringDeletes: number[] = [];
    const limits: number[] = [];
    const client = {
      send: async (command: unknown) => {
        if (command instanceof QueryCommand) {
          limits.push(command.input.Limit ?? 0);
          if (command.input.Select !== 'COUNT') readsDuringDeletes.push(deletesInFlight);
          return env.documents.send(command as never);
        }
        if (!(command instanceof BatchWriteItemCommand)) return env.documents.send(command as never);
        deletesInFlight += 1;
        try {
          return await env.documents.send(command as never);
        } finally {
          deletesInFlight -= 1;
        }
      },
    } as unknown as DynamoDBDocumentClient;
    const purger = makeDynamoTablePurger(client, options);
    const [step] = planPurge('email', [{ kind: 'facebook_asid', value: '999' }], mappedTables()).filter(
      (candidate) => candidate.table.id === 'MetaPlatformData',
    );

    const page = await purger.purgePage(step!, 1000);

    expect(page).toMatchObject({ deleted: 1000, done: false });
    expect(limits.reduce((sum, limit) => sum + limit, 0)).toBe(1000);
    expect(readsDuringDeletes.slice(1).some((inFlight) => inFlight > 0)).toBe(true);
    expect(await purger.countRemaining(step!)).toBe(200);
  });

  it('keeps several batches in flight, halves them while DynamoDB pushes back, and grows back after', async () => {
    await put('MetaPlatformData', metaItems('facebook_asid#888', 2000));
    let active = 0;
    let calls = 0;
    const peaks: number[] = [];
    /** The real client; batches 9 to 40 leave half their items unprocessed, as a throttled table does. */
    const client = {
      send: async (command: unknown) => {
        if (!(command instanceof BatchWriteItemCommand)) return env.documents.send(command as never);
        calls += 1;
        const call = calls;
        active += 1;
        peaks[call] = active;
        try {
          const [table, requests = []] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
          if (call > 8 && call <= 40 && table && requests.length > 1) {
            const half = Math.ceil(requests.length / 2);
            await env.documents.send(
              new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, half) } }),
            );
            return { UnprocessedItems: { [table]: requests.slice(half) } };
          }
          return await env.documents.send(command);
        } finally {
          active -= 1;
        }
      },
    } as unknown as DynamoDBDocumentClient;
    const purger = makeDynamoTablePurger(client, { ...options, concurrency: 8 });

    const result = await purgeAll(purger, [{ kind: 'facebook_asid', value: '888' }], ['MetaPlatformData']);

    expect(result).toMatchObject({ deleted: 2000, remaining: 0 });
    const peak = (from: number, to: number) => Math.max(...peaks.slice(from, to + 1).map((p) => p ?? 0));
    expect(peak(1, 8)).toBe(8);
    // Each pushback halves the limit: 8 → 4 → 2 → 1, and requests already sent drain.
    expect(peak(25, 40)).toBeLessThanOrEqual(2);
    // Clean batches grow it back one at a time.
    expect(peak(41, calls)).toBeGreaterThan(2);
  }, 30_000);

  describe('a count of a delete step', () => {
    /**
     * The real client, recording each query under the call that sent it (`count` or `page`) with what it
     * asked for (`keys` or a `COUNT`), and failing the next BatchWriteItem when armed.
     */
    function recording(failNextBatch = { armed: false }) {
      const queries: string[] = [];
      let phase = '';
      const client = {
        send: async (command: unknown) => {
          if (command instanceof QueryCommand)
            queries.push(`${phase}:${command.input.Select === 'COUNT' ? 'COUNT' : 'keys'}`);
          if (command instanceof BatchWriteItemCommand && failNextBatch.armed) {
            failNextBatch.armed = false;
            throw Object.assign(new Error('access denied'), { name: 'AccessDeniedException' });
          }
          return env.documents.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
      /** The purger, with each call's queries recorded under its name. */
      const traced = (purger: TablePurger): TablePurger => ({
        countRemaining: (step) => ((phase = 'count'), purger.countRemaining(step)),
        purgePage: (step, max) => ((phase = 'page'), purger.purgePage(step, max)),
      });
      return { client, queries, traced };
    }
    const metaStep = (asid: string) =>
      planPurge('facebook', [{ kind: 'facebook_asid', value: asid }], mappedTables()).find(
        (candidate) => candidate.table.id === 'MetaPlatformData',
      )!;

    it("holds the keys it read, so the step's pages delete them without reading them again", async () => {
      await put('MetaPlatformData', metaItems('facebook_asid#1301', 1200));
      const { client, queries, traced } = recording();
      const purger = traced(makeDynamoTablePurger(client, options));
      const step = metaStep('1301');

      expect(await purger.countRemaining(step)).toBe(1200);
      expect(queries).toEqual(['count:keys']);
      expect(await purger.purgePage(step, 1000)).toEqual({
        deleted: 1000,
        anonymised: 0,
        retained: 0,
        done: false,
      });
      expect(queries).toEqual(['count:keys']);
      // The last held keys, then one read of the table to make sure nothing came in meanwhile.
      expect(await purger.purgePage(step, 1000)).toMatchObject({ deleted: 200, done: true });
      expect(queries).toEqual(['count:keys', 'page:keys']);
      expect(await purger.countRemaining(step)).toBe(0);
    });

    it('still deletes an item written after the count', async () => {
      await put('MetaPlatformData', metaItems('facebook_asid#1302', 30));
      const purger = makeDynamoTablePurger(env.documents, options);
      const step = metaStep('1302');

      expect(await purger.countRemaining(step)).toBe(30);
      await put('MetaPlatformData', [{ subject: 'facebook_asid#1302', item: 'LATE#1', payload: 'x' }]);
      expect(await purger.purgePage(step, 1000)).toMatchObject({ deleted: 31, done: true });
      expect(await purger.countRemaining(step)).toBe(0);
    });

    it('serves only the step it counted: another step reads its own items and the held keys are dropped', async () => {
      await put('MetaPlatformData', [
        ...metaItems('facebook_asid#1303', 40),
        ...metaItems('facebook_asid#1304', 20),
      ]);
      const { client, queries, traced } = recording();
      const purger = traced(makeDynamoTablePurger(client, options));
      const counted = metaStep('1303');
      const other = metaStep('1304');

      expect(await purger.countRemaining(counted)).toBe(40);
      expect(await purger.purgePage(other, 1000)).toMatchObject({ deleted: 20, done: true });
      expect(await purger.countRemaining(other)).toBe(0);
      // The counted step's keys were dropped: its page reads the table.
      queries.length = 0;
      expect(await purger.purgePage(counted, 1000)).toMatchObject({ deleted: 40, done: true });
      expect(queries).toContain('page:keys');
      expect(await purger.countRemaining(counted)).toBe(0);
    });

    it('holds none past its limit, counts the rest without reading keys, and the pages read the table', async () => {
      await put('MetaPlatformData', metaItems('facebook_asid#1305', 120));
      const { client, queries, traced } = recording();
      const purger = traced(makeDynamoTablePurger(client, { ...options, heldKeysLimit: 50 }));
      const step = metaStep('1305');

      expect(await purger.countRemaining(step)).toBe(120);
      expect(queries).toEqual(['count:keys', 'count:COUNT']);
      expect(await purger.purgePage(step, 1000)).toMatchObject({ deleted: 120, done: true });
      expect(queries.filter((query) => query === 'page:keys').length).toBeGreaterThan(0);
      expect(await purger.countRemaining(step)).toBe(0);
    });

    it('holds exactly as many keys as its limit allows', async () => {
      await put('MetaPlatformData', metaItems('facebook_asid#1307', 50));
      const { client, queries, traced } = recording();
      const purger = traced(makeDynamoTablePurger(client, { ...options, heldKeysLimit: 50 }));
      const step = metaStep('1307');

      expect(await purger.countRemaining(step)).toBe(50);
      expect(await purger.purgePage(step, 1000)).toMatchObject({ deleted: 50, done: true });
      expect(queries).toEqual(['count:keys', 'page:keys']);
    });

    it('drops its keys when a delete of them fails, and the retry counts and deletes what is left', async () => {
      await put('MetaPlatformData', metaItems('facebook_asid#1306', 100));
      const failNextBatch = { armed: true };
      const { client } = recording(failNextBatch);
      const purger = makeDynamoTablePurger(client, options);
      const step = metaStep('1306');

      expect(await purger.countRemaining(step)).toBe(100);
      await expect(purger.purgePage(step, 1000)).rejects.toThrow('access denied');
      const left = await purger.countRemaining(step);
      expect(left).toBe(25);
      expect(await purger.purgePage(step, 1000)).toMatchObject({ deleted: 25, done: true });
      expect(await purger.countRemaining(step)).toBe(0);
    });
  });
});
