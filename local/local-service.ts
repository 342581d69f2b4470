// local: the whole service on one machine with no cloud account: stand-ins, tables and queues from
// the declarations, demo data, the real handlers behind an HTTP server, and the queue poller and
// reconciler that Lambda and EventBridge provide in AWS.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DeleteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import {
  FUNCTIONS,
  functionIsServed,
  servedRoutes,
  type FunctionDeclaration,
} from '../functions/declarations/functions.js';
import { DELETION_PIPELINE } from '../functions/declarations/pipeline.js';
import { RATE_LIMITS_TABLE } from '../functions/declarations/tables.js';
import { dynamoDocumentClient } from '../functions/runtime/aws-clients.js';
import { servedChannels } from '../functions/runtime/config.js';
import { lambdaContext, startLocalApi, type ApiHandler } from './api-gateway.js';
import { asFunction, recordDynamoDbCalls, type DynamoDbCall } from './dynamodb-call-recorder.js';
import { provision } from './provision.js';
import { startQueuePoller, type SqsHandler } from './queue-poller.js';
import { seedDemoData, seedDemoObjects } from './seed-data.js';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_ERASURE_WEBHOOK_SECRET, startStandIns, type LocalEndpoints } from './stand-ins.js';

export type { LocalEndpoints };

/** Local defaults: test-only values, never used in AWS (which reads Secrets Manager). */
export const LOCAL_DEFAULTS = {
  PORT: '3000',
  META_APP_SECRET: 'local-meta-app-secret-not-for-production',
  INSTAGRAM_APP_SECRET: 'local-instagram-app-secret-not-for-production',
  META_APP_ID: '100000000000001',
  INSTAGRAM_APP_ID: '200000000000002',
  WHATSAPP_APP_SECRET: 'local-whatsapp-app-secret-not-for-production',
  WHATSAPP_VERIFY_TOKEN: 'local-whatsapp-verify-token',
  WHATSAPP_ACCESS_TOKEN: 'local-whatsapp-access-token-not-for-production',
  /** The business number of the demo data: phone numbers are verified by WhatsApp from it. */
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  /** The business numbers the WhatsApp webhook acts for (the demo data's). */
  WHATSAPP_BUSINESS_NUMBER_IDS: '106540352242922',
  /** The WhatsApp sweeper leaves a stored message to the webhook's own run this long (s). */
  WHATSAPP_SWEEP_GRACE_SECONDS: '2',
  IDENTIFIER_PEPPER: 'local-identifier-pepper-not-for-production',
  DYNAMODB_PORT: '0',
  SQS_PORT: '0',
  SES_PORT: '0',
  GRAPH_PORT: '0',
  KMS_PORT: '0',
  /** The stand-in downstream system (erasure webhooks). */
  PROCESSORS_PORT: '0',
  /** Scheduled functions (the reconciler) run this often locally (ms); the reconciler's grace is in s. */
  SCHEDULE_INTERVAL_MS: '2000',
  RECONCILE_GRACE_SECONDS: '1',
  /** A failed job is retried after this many seconds locally (AWS waits the visibility timeout). */
  RETRY_AFTER_SECONDS: '1',
} as const;

/** Deletes every item of a local table (keyed by `key` alone); returns how many there were. */
async function clearTable(endpoint: string, table: string, key: string): Promise<number> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let removed = 0;
  try {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: '#k',
          ExpressionAttributeNames: { '#k': key },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        await client.send(new DeleteItemCommand({ TableName: table, Key: { [key]: item[key]! } }));
        removed += 1;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return removed;
}

type ScheduledHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalServiceOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly seed?: boolean;
  readonly log?: (message: string) => void;
}

export interface LocalService {
  readonly baseUrl: string;
  readonly publicBaseUrl: string;
  readonly endpoints: LocalEndpoints;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly settings: Record<string, string>;
  /** The API handler of a declared function, for in-process callers (fuzzing, benchmarks). */
  apiHandler(functionId: string): ApiHandler | undefined;
  /** Every distinct DynamoDB call each function has made (to check them against its grants). */
  dynamoDbCalls(): DynamoDbCall[];
  stop(): Promise<void>;
}

function setting(env: LocalServiceOptions['env'], name: keyof typeof LOCAL_DEFAULTS): string {
  const value = env?.[name];
  return value === undefined || value === '' ? LOCAL_DEFAULTS[name] : value;
}

function port(env: LocalServiceOptions['env'], name: keyof typeof LOCAL_DEFAULTS): number {
  const value = Number(setting(env, name));
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
}

async function loadHandler<T>(fn: FunctionDeclaration): Promise<T> {
  const module = (await import(new URL(`../${fn.entry}`, import.meta.url).href)) as { handler: T };
  return module.handler;
}

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  // SERVED_CHANNELS rehearses a stage that leaves channels out: their routes, functions and settings are
  // absent here too, so a handler that still demanded one would fail at load as it would in Lambda.
  const channels = servedChannels({ SERVED_CHANNELS: env.SERVED_CHANNELS });
  const apiHandlers = new Map<string, ApiHandler>();
  /** Filled once the queues exist; the control routes answer before that. */
  const queues: { queueUrl?: string; deadLetterQueueUrl?: string } = {};

  const standIns = await startStandIns({
    dynamodb: port(env, 'DYNAMODB_PORT'),
    sqs: port(env, 'SQS_PORT'),
    ses: port(env, 'SES_PORT'),
    graph: port(env, 'GRAPH_PORT'),
    kms: port(env, 'KMS_PORT'),
    processors: port(env, 'PROCESSORS_PORT'),
  });

  // Local-only control routes: look inside, and inject faults for tests.
  const controlRoutes = (req: IncomingMessage, res: ServerResponse, body: Buffer): boolean => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (!path.startsWith('/__local/')) return false;
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
      return true;
    };
    if (path === '/__local/info' && req.method === 'GET') {
      return reply(200, {
        endpoints: standIns.endpoints,
        sqsCalls: standIns.sqsFaults.forwardedCalls(),
        ...queues,
      });
    }
    if (path === '/__local/faults/sqs' && req.method === 'POST') {
      const { action, count } = JSON.parse(body.toString('utf8') || '{}') as {
        action?: unknown;
        count?: unknown;
      };
      if (typeof action !== 'string' || typeof count !== 'number' || !Number.isInteger(count)) {
        return reply(400, { error: 'expected {"action": string, "count": integer}' });
      }
      standIns.sqsFaults.failNext(action, count);
      return reply(200, { pending: standIns.sqsFaults.pendingFaults() });
    }
    if (path === '/__local/faults/sqs' && req.method === 'GET') {
      return reply(200, { pending: standIns.sqsFaults.pendingFaults() });
    }
    if (path === '/__local/faults/sqs' && req.method === 'DELETE') {
      standIns.sqsFaults.clearFaults();
      return reply(200, { pending: standIns.sqsFaults.pendingFaults() });
    }
    if (path === '/__local/rate-limits' && req.method === 'DELETE') {
      // Forgets every self-service counter, so the form can be tried again at once (rehearsals).
      clearTable(standIns.endpoints.dynamodb, RATE_LIMITS_TABLE.id, RATE_LIMITS_TABLE.partitionKey.name).then(
        (removed) => reply(200, { removed }),
        (error: unknown) => reply(500, { error: (error as Error).message }),
      );
      return true;
    }
    return reply(404, { error: 'not_found' });
  };

  /** Set once the tables exist, the demo data is in and the worker polls: every route then answers. */
  let ready = false;
  const api = await startLocalApi({
    port: port(env, 'PORT'),
    routes: servedRoutes(channels),
    handlerFor: (route) => apiHandlers.get(route.functionId),
    controlRoutes,
    isReady: () => ready,
  });
  const publicBaseUrl = (env.PUBLIC_BASE_URL || api.url).replace(/\/+$/, '');

  const provisioned = await provision(standIns.endpoints, LOCAL_ERASURE_WEBHOOK_SECRET);
  queues.queueUrl = provisioned.queueUrl;
  queues.deadLetterQueueUrl = provisioned.deadLetterQueueUrl;
  const settings: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: standIns.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: standIns.endpoints.sqs,
    AWS_ENDPOINT_URL_S3: standIns.endpoints.s3,
    AWS_ENDPOINT_URL_SES: standIns.endpoints.ses,
    AWS_ENDPOINT_URL_KMS: standIns.endpoints.kms,
    GRAPH_API_BASE_URL: standIns.endpoints.graph,
    PUBLIC_BASE_URL: publicBaseUrl,
    SES_FROM_ADDRESS: env.SES_FROM_ADDRESS || 'privacy@example.com',
    ...(channels.has('facebook')
      ? { META_APP_SECRET: setting(env, 'META_APP_SECRET'), META_APP_ID: setting(env, 'META_APP_ID') }
      : {}),
    ...(channels.has('instagram')
      ? {
          INSTAGRAM_APP_SECRET: setting(env, 'INSTAGRAM_APP_SECRET'),
          INSTAGRAM_APP_ID: setting(env, 'INSTAGRAM_APP_ID'),
        }
      : {}),
    ...(channels.has('whatsapp')
      ? {
          WHATSAPP_APP_SECRET: setting(env, 'WHATSAPP_APP_SECRET'),
          WHATSAPP_VERIFY_TOKEN: setting(env, 'WHATSAPP_VERIFY_TOKEN'),
          WHATSAPP_ACCESS_TOKEN: setting(env, 'WHATSAPP_ACCESS_TOKEN'),
          WHATSAPP_PHONE_NUMBER_ID: setting(env, 'WHATSAPP_PHONE_NUMBER_ID'),
          WHATSAPP_BUSINESS_NUMBER_IDS: setting(env, 'WHATSAPP_BUSINESS_NUMBER_IDS'),
          WHATSAPP_SWEEP_GRACE_SECONDS: setting(env, 'WHATSAPP_SWEEP_GRACE_SECONDS'),
        }
      : {}),
    ...(env.SERVED_CHANNELS !== undefined ? { SERVED_CHANNELS: env.SERVED_CHANNELS } : {}),
    IDENTIFIER_PEPPER: setting(env, 'IDENTIFIER_PEPPER'),
    RECONCILE_GRACE_SECONDS: setting(env, 'RECONCILE_GRACE_SECONDS'),
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...provisioned.env,
  };
  // The handlers read their configuration from the environment at load, as in Lambda.
  Object.assign(process.env, settings);
  const dynamoDbCalls = recordDynamoDbCalls(dynamoDocumentClient());

  const declared = (Object.values(FUNCTIONS) as FunctionDeclaration[]).filter((fn) =>
    functionIsServed(fn, channels),
  );
  for (const fn of declared.filter((candidate) => candidate.trigger === 'api')) {
    const handler = await loadHandler<ApiHandler>(fn);
    apiHandlers.set(fn.id, (event, context) => asFunction(fn.id, () => handler(event, context)));
  }
  const workerFunction = declared.find((candidate) => candidate.trigger === 'deletionJobs');
  if (!workerFunction) throw new Error('No function consumes the deletion jobs');
  const workerHandler = await loadHandler<SqsHandler>(workerFunction);
  const worker: SqsHandler = (event, context) =>
    asFunction(workerFunction.id, () => workerHandler(event, context));
  const scheduled: { fn: FunctionDeclaration; handler: ScheduledHandler }[] = [];
  for (const fn of declared.filter((candidate) => typeof candidate.trigger === 'object')) {
    scheduled.push({ fn, handler: await loadHandler<ScheduledHandler>(fn) });
  }

  if (options.seed !== false) {
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: standIns.endpoints.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const seeded = await seedDemoData(documents);
    documents.destroy();
    const objects = new S3Client({
      endpoint: standIns.endpoints.s3,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      forcePathStyle: true,
    });
    const seededObjects = await seedDemoObjects(objects);
    objects.destroy();
    log(`Seeded ${seeded.items} demo items and ${seededObjects} demo objects`);
  }

  const sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const queueArn =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: provisioned.queueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn ?? '';
  const poller = startQueuePoller({
    sqs,
    queueUrl: provisioned.queueUrl,
    queueArn,
    batchSize: DELETION_PIPELINE.batchSize,
    handler: worker,
    context: () => lambdaContext(workerFunction.id),
    retryAfterSeconds: Number(setting(env, 'RETRY_AFTER_SECONDS')),
    onError: (error) => log(`Worker error: ${(error as Error).name}`),
  });

  // EventBridge schedules, compressed: every scheduled function runs every few seconds locally.
  const running = new Set<string>();
  const scheduleTimer = setInterval(
    () => {
      for (const { fn, handler } of scheduled) {
        if (running.has(fn.id)) continue;
        running.add(fn.id);
        asFunction(fn.id, () => handler({}, lambdaContext(fn.id)))
          .catch((error: unknown) => log(`${fn.id} error: ${(error as Error).name}`))
          .finally(() => running.delete(fn.id));
      }
    },
    Number(setting(env, 'SCHEDULE_INTERVAL_MS')),
  );

  ready = true;
  return {
    baseUrl: api.url,
    publicBaseUrl,
    endpoints: standIns.endpoints,
    queueUrl: provisioned.queueUrl,
    deadLetterQueueUrl: provisioned.deadLetterQueueUrl,
    settings,
    apiHandler: (functionId) => apiHandlers.get(functionId),
    dynamoDbCalls: () => dynamoDbCalls.calls(),
    async stop() {
      clearInterval(scheduleTimer);
      await poller.stop();
      sqs.destroy();
      await api.stop();
      await standIns.stop();
    },
  };
}
