// local: the protocol-level stand-ins for AWS (DynamoDB, SQS, SES, KMS) and Meta, each bound to 127.0.0.1. Port 0 picks a free
// port; the chosen ports are read back so tests and people can look inside.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { buildApp } from 'fauxqs';
import { startFakeDownstream, type FakeDownstream } from './fake-downstream.js';
import { startFakeGraphApi, type FakeGraphApi } from './fake-graph-api.js';
import { startFakeKms, type FakeKms } from './fake-kms.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
// A CommonJS module whose `default` export is the server factory.
const startSesServer = (
  require('aws-ses-v2-local') as { default: (config: { host: string; port: number }) => Promise<Server> }
).default;

export interface StandInPorts {
  readonly dynamodb: number;
  readonly sqs: number;
  readonly ses: number;
  readonly graph: number;
  readonly kms: number;
  /** The stand-in downstream system (erasure webhooks); 0 picks a free port. */
  readonly processors?: number;
}

/** Signing secret of the stand-in downstream system's erasure webhook: a local test value only. */
export const LOCAL_ERASURE_WEBHOOK_SECRET = 'local-erasure-webhook-secret-not-for-production';

/** Where each local stand-in answers. */
export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  /** fauxqs serves S3 on the same port as SQS (without the fault proxy). */
  readonly s3: string;
  readonly ses: string;
  readonly graph: string;
  readonly kms: string;
  /** The stand-in downstream system: erasure webhooks at /erasure/<system>, calls at /__calls. */
  readonly processors: string;
}

export interface StandIns {
  readonly endpoints: LocalEndpoints;
  /** The SQS endpoint the service uses: a proxy in front of the stand-in that can inject faults. */
  readonly sqsFaults: FaultProxy;
  readonly graph: FakeGraphApi;
  readonly kms: FakeKms;
  readonly downstream: FakeDownstream;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * AWS's own emulator, DynamoDB Local (Java), in memory: a fidelity run of the same suites when DYNAMODB_LOCAL_JAR
 * names its DynamoDBLocal.jar (README, "Decisions"). One process per stand-in, stopped with it.
 */
async function startDynamoDbLocal(
  jar: string,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const chosen = port || (await freePort());
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${path.join(path.dirname(jar), 'DynamoDBLocal_lib')}`,
      '-jar',
      jar,
      '-inMemory',
      // It reports usage to AWS by default; a test run has nothing to report.
      '-disableTelemetry',
      '-port',
      String(chosen),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://${HOST}:${chosen}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${stderr.slice(0, 500)}`);
    // Any HTTP answer means it is listening.
    const answered = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('DynamoDB Local did not answer in 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts the DynamoDB stand-in alone (also run as its own process by the benchmarks). */
export async function startDynamoDbStandIn(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  // The only switch of the stand-ins: which DynamoDB emulator answers.
  const jar = process.env.DYNAMODB_LOCAL_JAR;
  if (jar) return startDynamoDbLocal(jar, port);
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynamo, port);
  return { url: `http://${HOST}:${dynamoPort}`, stop: () => close(dynamo) };
}

export interface StandInOptions {
  /** Use a DynamoDB stand-in already running elsewhere (for example in another process). */
  readonly dynamodbEndpoint?: string;
}

export async function startStandIns(ports: StandInPorts, options: StandInOptions = {}): Promise<StandIns> {
  const dynamo = options.dynamodbEndpoint ? undefined : await startDynamoDbStandIn(ports.dynamodb);
  const dynamodbUrl = options.dynamodbEndpoint ?? dynamo?.url ?? '';

  const sqsApp = buildApp({ logger: false, defaultRegion: 'us-east-1' });
  await sqsApp.listen({ host: HOST, port: ports.sqs });
  const sqsPort = (sqsApp.server.address() as AddressInfo).port;
  const sqsFaults = await startFaultProxy(`http://${HOST}:${sqsPort}`);

  const ses = await startSesServer({ host: HOST, port: ports.ses });
  const sesPort = (ses.address() as AddressInfo).port;

  const graph = await startFakeGraphApi(ports.graph);
  const kms = await startFakeKms(ports.kms);
  const downstream = await startFakeDownstream(ports.processors ?? 0, {
    secret: LOCAL_ERASURE_WEBHOOK_SECRET,
  });

  return {
    endpoints: {
      dynamodb: dynamodbUrl,
      sqs: sqsFaults.url,
      s3: `http://${HOST}:${sqsPort}`,
      ses: `http://${HOST}:${sesPort}`,
      graph: graph.url,
      kms: kms.url,
      processors: downstream.url,
    },
    sqsFaults,
    graph,
    kms,
    downstream,
    async stop() {
      await Promise.allSettled([
        dynamo?.stop(),
        sqsApp.close(),
        sqsFaults.stop(),
        close(ses),
        graph.stop(),
        kms.stop(),
        downstream.stop(),
      ]);
    },
  };
}
