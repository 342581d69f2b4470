// bench: the purge engine against the local DynamoDB stand-in.
//  1. throughput of the engine vs one-at-a-time DeleteItem, in the same run (target ≥ 10×);
//  2. write requests per 1,000 items deleted (target ≤ 42; BatchWriteItem's floor is 40);
//  3. a 100,000-item subject completed by continuation, each invocation within its budget.
// Rounds alternate the two sides (which goes first alternates too), each round's ratio is taken from its
// own pair, and the median, lowest and highest paired ratios are reported: a busy moment of the machine
// hits both sides of a pair alike.
// Usage: npm run bench:purge [-- --json] [-- --items=100000] [-- --rounds=5] [-- --concurrency=8]
import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CONCURRENCY } from '../functions/adapters/dynamo-table-purger.js';
import { startHarness, type Harness } from '../test/support/purge-harness.js';
import { startDynamoDbProcess } from './child-stand-in.js';
import { median } from './statistics.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value = 'true'] = arg.replace(/^--/, '').split('=');
    return [name, value] as const;
  }),
);
const BIG_SUBJECT = Number(args.get('items') ?? 100_000);
const THROUGHPUT_ITEMS = 10_000;
const NAIVE_ITEMS = 2_000;

async function seedItems(documents: DynamoDBDocumentClient, subject: string, count: number) {
  const items = Array.from({ length: count }, (_, i) => ({
    subject,
    item: `INSIGHTS#${String(i).padStart(7, '0')}`,
    v: i,
  }));
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        await documents.send(
          new BatchWriteCommand({
            RequestItems: { MetaPlatformData: chunk.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
    }),
  );
}

/** Counts every write request the engine sends. */
function countingWrites(documents: DynamoDBDocumentClient, counter: { writes: number }) {
  // Document-client commands and plain ones (the purger sends the latter).
  const WRITES = new Set([
    'BatchWriteCommand',
    'UpdateCommand',
    'PutCommand',
    'DeleteCommand',
    'BatchWriteItemCommand',
    'UpdateItemCommand',
    'PutItemCommand',
    'DeleteItemCommand',
  ]);
  return {
    send: (command: { constructor: { name: string } }) => {
      if (WRITES.has(command.constructor.name)) counter.writes += 1;
      return documents.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

const ROUNDS = Number(args.get('rounds') ?? 5);
/** The purger's in-flight limit; its own default unless given (to compare settings). */
const CONCURRENCY = args.has('concurrency') ? Number(args.get('concurrency')) : undefined;

/** One DeleteItem at a time, the way a naive purge does it. */
async function naiveRound(harness: Harness, subject: string): Promise<number> {
  await seedItems(harness.env.documents, subject, NAIVE_ITEMS);
  const started = performance.now();
  for (let i = 0; i < NAIVE_ITEMS; i += 1) {
    await harness.env.documents.send(
      new DeleteCommand({
        TableName: 'MetaPlatformData',
        Key: { subject, item: `INSIGHTS#${String(i).padStart(7, '0')}` },
      }),
    );
  }
  return NAIVE_ITEMS / ((performance.now() - started) / 1000);
}

/** A whole deletion job for a 10,000-item subject, with every write request counted. */
async function engineRound(harness: Harness, asid: string) {
  await seedItems(harness.env.documents, `facebook_asid#${asid}`, THROUGHPUT_ITEMS);
  const requestId = await fileFacebookRequest(harness, asid);
  const counter = { writes: 0 };
  const count =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A) => {
      counter.writes += 1;
      return call(...args);
    };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await harness.runToEnd(requestId, {
    ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
    // Data-table and suppression writes go through the client; request-record writes through the store.
    documents: countingWrites(harness.env.documents, counter),
    store: (real) => ({
      ...real,
      acquireLease: count(real.acquireLease),
      saveResolution: count(real.saveResolution),
      recordPurgeProgress: count(real.recordPurgeProgress),
      markConfirmationSent: count(real.markConfirmationSent),
      transition: count(real.transition),
    }),
  });
  const seconds = (performance.now() - started) / 1000;
  // The worker's side only: DynamoDB runs in its own process (in-process stand-ins still count here).
  const cpu = process.cpuUsage(cpuBefore);
  const done = await harness.store.get(requestId);
  const deleted = done?.outcomes.reduce((sum, o) => sum + o.deleted, 0) ?? 0;
  if (deleted !== THROUGHPUT_ITEMS) throw new Error(`expected ${THROUGHPUT_ITEMS} deleted, got ${deleted}`);
  return {
    itemsPerSecond: deleted / seconds,
    writesPer1000: (counter.writes / deleted) * 1000,
    cpuMsPer1000: ((cpu.user + cpu.system) / 1000 / deleted) * 1000,
  };
}

async function fileFacebookRequest(harness: Harness, asid: string) {
  return harness.file('facebook', [{ kind: 'facebook_asid', value: asid }]);
}

async function main() {
  // DynamoDB runs in a process of its own (as it is remote in AWS), so both paths pay a real round trip.
  const dynamodb = await startDynamoDbProcess();
  const harness = await startHarness([], { dynamodbEndpoint: dynamodb.url });
  try {
    // 1 + 2. Rounds alternate the two paths (and which goes first), so a busy moment of the machine
    // hits both sides of a pair; each round's ratio comes from its own pair.
    const naiveRates: number[] = [];
    const engineRates: number[] = [];
    const writeRates: number[] = [];
    const cpuPer1000: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const naive = () => naiveRound(harness, `facebook_asid#90${round}`);
      const engine = () => engineRound(harness, `91${round}`);
      let naiveRate: number;
      let engineResult: Awaited<ReturnType<typeof engineRound>>;
      if (round % 2 === 0) {
        naiveRate = await naive();
        engineResult = await engine();
      } else {
        engineResult = await engine();
        naiveRate = await naive();
      }
      naiveRates.push(naiveRate);
      engineRates.push(engineResult.itemsPerSecond);
      writeRates.push(engineResult.writesPer1000);
      cpuPer1000.push(engineResult.cpuMsPer1000);
      ratios.push(engineResult.itemsPerSecond / naiveRate);
    }
    const naivePerSecond = median(naiveRates);
    const enginePerSecond = median(engineRates);
    const writesPer1000 = median(writeRates);

    // 3. A 100,000-item subject, by continuation.
    await seedItems(harness.env.documents, 'facebook_asid#990', BIG_SUBJECT);
    const bigRequest = await fileFacebookRequest(harness, '990');
    const budget = { maxItems: 20_000, maxMillis: 30_000, pageSize: 1_000 };
    const run = harness.worker({ budget });
    const invocations: number[] = [];
    const bigStart = performance.now();
    for (;;) {
      const started = performance.now();
      const outcome = await run(bigRequest);
      invocations.push(performance.now() - started);
      if (outcome !== 'continued') break;
    }
    const bigSeconds = (performance.now() - bigStart) / 1000;
    const big = await harness.store.get(bigRequest);
    const bigDeleted = big?.outcomes.reduce((sum, o) => sum + o.deleted, 0) ?? 0;

    const result = {
      purge_items_per_second: Math.round(enginePerSecond),
      naive_items_per_second: Math.round(naivePerSecond),
      purge_vs_naive_ratio: Number(median(ratios).toFixed(1)),
      purge_vs_naive_ratio_lowest: Number(Math.min(...ratios).toFixed(1)),
      purge_vs_naive_ratio_highest: Number(Math.max(...ratios).toFixed(1)),
      purge_rounds: ROUNDS,
      purge_concurrency: CONCURRENCY ?? DEFAULT_CONCURRENCY,
      write_requests_per_1000_items: Number(writesPer1000.toFixed(1)),
      write_requests_per_1000_items_highest: Number(Math.max(...writeRates).toFixed(1)),
      worker_cpu_ms_per_1000_items: Number(median(cpuPer1000).toFixed(1)),
      big_subject_items: bigDeleted,
      big_subject_status: big?.status,
      big_subject_invocations: invocations.length,
      big_subject_seconds: Number(bigSeconds.toFixed(1)),
      big_subject_slowest_invocation_ms: Math.round(Math.max(...invocations)),
      invocation_budget: budget,
    };
    if (args.has('json')) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        `Purge engine:            ${result.purge_items_per_second} items/s (median of ${ROUNDS} jobs of ${THROUGHPUT_ITEMS} items, ${result.purge_concurrency} in flight)`,
      );
      console.log(
        `One DeleteItem at a time: ${result.naive_items_per_second} items/s (median of ${ROUNDS} runs of ${NAIVE_ITEMS} items)`,
      );
      console.log(
        `Ratio:                   ${result.purge_vs_naive_ratio}× median of ${ROUNDS} paired rounds (lowest ${result.purge_vs_naive_ratio_lowest}×, highest ${result.purge_vs_naive_ratio_highest}×; target ≥ 10×)`,
      );
      console.log(`Write requests / 1,000:  ${result.write_requests_per_1000_items} (target ≤ 42, floor 40)`);
      console.log(
        `Worker CPU / 1,000:      ${result.worker_cpu_ms_per_1000_items} ms (the job's side; DynamoDB not included)`,
      );
      console.log(
        `${bigDeleted} items:          ${result.big_subject_status} in ${invocations.length} invocations, ${result.big_subject_seconds} s; slowest invocation ${result.big_subject_slowest_invocation_ms} ms (budget ${budget.maxItems} items / ${budget.maxMillis} ms)`,
      );
    }
  } finally {
    await harness.stop();
    dynamodb.stop();
  }
}

await main();
