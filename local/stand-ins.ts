// local: the protocol-level stand-ins for AWS and Meta, each bound to 127.0.0.1. Port 0 picks a free
// port; the chosen ports are read back so tests and people can look inside.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { buildApp } from 'fauxqs';
import { startFakeGraphApi, type FakeGraphApi } from './fake-graph-api.js';
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
}

export interface StandIns {
  readonly endpoints: {
    readonly dynamodb: string;
    readonly sqs: string;
    readonly ses: string;
    readonly graph: string;
    /** S3 (served by the same fauxqs process as SQS, by path: bucket names in the path). */
    readonly s3: string;
  };
  /** The SQS endpoint the service uses: a proxy in front of the stand-in that can inject faults. */
  readonly sqsFaults: FaultProxy;
  readonly graph: FakeGraphApi;
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

/** Starts the DynamoDB stand-in alone (also run as its own process by the benchmarks). */
export async function startDynamoDbStandIn(port: number): Promise<{ url: string; stop(): Promise<void> }> {
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

  return {
    endpoints: {
      dynamodb: dynamodbUrl,
      sqs: sqsFaults.url,
      ses: `http://${HOST}:${sesPort}`,
      graph: graph.url,
      s3: `http://${HOST}:${sqsPort}`,
    },
    sqsFaults,
    graph,
    async stop() {
      await Promise.allSettled([dynamo?.stop(), sqsApp.close(), sqsFaults.stop(), close(ses), graph.stop()]);
    },
  };
}
