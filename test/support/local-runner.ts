// test support: starts `npm start`'s entry point as a child process on free ports and talks to it
// over HTTP, as a person or Meta would.
import { spawn, type ChildProcess } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TABLES } from '../../functions/declarations/tables.js';
import type { LocalEndpoints } from '../../local/stand-ins.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * How long the runner may take to create its tables and seed the demo data. Seconds on an idle machine;
 * a busy one (a CI host running other work) needs far more, and a slow start is not a failure.
 */
export const READY_TIMEOUT_MS = 120_000;
/** For a test file's beforeAll: the runner's readiness plus a margin. */
export const START_TIMEOUT_MS = READY_TIMEOUT_MS + 10_000;

export interface RunningService {
  readonly baseUrl: string;
  readonly endpoints: LocalEndpoints;
  readonly output: () => string;
  readonly documents: DynamoDBDocumentClient;
  scan(table: string): Promise<Record<string, unknown>[]>;
  /** Every item of every declared table. */
  scanAll(): Promise<Record<string, unknown>[]>;
  sqsCalls(): Promise<Record<string, number>>;
  failSqs(action: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRunner(env: Record<string, string> = {}): Promise<RunningService> {
  const child: ChildProcess = spawn(`${ROOT}node_modules/.bin/tsx`, ['local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      SCHEDULE_INTERVAL_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a runner that never got ready is stopped with everything it started.
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let output = '';
  const ready = new Promise<{ baseUrl: string; endpoints: RunningService['endpoints'] }>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup('SIGKILL');
        reject(new Error(`local runner not ready after ${READY_TIMEOUT_MS} ms:\n${output}`));
      }, READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /LOCAL_SERVICE_READY (\{.*\})/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(JSON.parse(match[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`local runner exited with ${code}:\n${output}`));
      });
    },
  );
  const { baseUrl, endpoints } = await ready;
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );

  const service: RunningService = {
    baseUrl,
    endpoints,
    output: () => output,
    documents,
    async scan(table) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...((page.Items ?? []) as Record<string, unknown>[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async scanAll() {
      const all: Record<string, unknown>[] = [];
      for (const table of TABLES) all.push(...(await service.scan(table.id)));
      return all;
    },
    async sqsCalls() {
      const info = (await (await fetch(`${baseUrl}/__local/info`)).json()) as {
        sqsCalls: Record<string, number>;
      };
      return info.sqsCalls;
    },
    async failSqs(action, count) {
      const response = await fetch(`${baseUrl}/__local/faults/sqs`, {
        method: 'POST',
        body: JSON.stringify({ action, count }),
      });
      if (!response.ok) throw new Error(`could not arm fault: ${response.status}`);
    },
    async stop() {
      documents.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) killGroup('SIGKILL');
    },
  };
  return service;
}

/**
 * Polls until `check` returns a value, or fails after `timeoutMs` (long enough for a busy host to take a
 * request through the queue twice: the verification send, then the deletion; within the 60 s test timeout).
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The running service's queues and an SQS client on its stand-in, for tests that put jobs on them directly. */
export async function localQueues(
  service: Pick<RunningService, 'baseUrl' | 'endpoints'>,
): Promise<{ sqs: SQSClient; queueUrl: string; deadLetterQueueUrl: string }> {
  const info = (await (await fetch(`${service.baseUrl}/__local/info`)).json()) as {
    queueUrl: string;
    deadLetterQueueUrl: string;
  };
  const sqs = new SQSClient({
    endpoint: service.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  return { sqs, queueUrl: info.queueUrl, deadLetterQueueUrl: info.deadLetterQueueUrl };
}
