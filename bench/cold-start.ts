// bench: cold start of every function, against the floor the AWS SDK itself sets.
//
// A cold start here is a fresh Node process that loads the function's bundle (built as the stack builds
// it) AND serves its first request against the local stand-ins, so work moved from the load to the first
// request still counts. The floor, built in the same run, is a bundle holding only the AWS SDK clients
// that function uses on that path, making the same SDK calls with the same inputs (recorded from the
// function's own first request). Secrets are read from a Secrets Manager stand-in, as in AWS. Rounds
// interleave function, floor and a bare `node -e ""`; medians are reported, and each function's ratio to
// its floor is the median of the rounds' paired ratios. `--source-maps` runs the functions as they ran in
// Lambda until 2026-12-01 (bundle with its map, NODE_OPTIONS=--enable-source-maps), to show that cost.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build, type BuildOptions } from 'esbuild';
import { S3Client } from '@aws-sdk/client-s3';
import { makeDynamoDeletionRequestStore } from '../functions/adapters/dynamo-deletion-requests.js';
import { makeS3ExportStore } from '../functions/adapters/s3-export-store.js';
import { newConfirmationCode } from '../functions/core/confirmation-code.js';
import { buildExportDocument, renderExportPage } from '../functions/core/export-document.js';
import { deletionJob } from '../functions/core/job-message.js';
import { makeIdentifierHasher } from '../functions/core/keyed-hash.js';
import { FUNCTIONS, type FunctionDeclaration } from '../functions/declarations/functions.js';
import { SECRET_NAMES, secretArnEnvVar, secretLocalEnvVar } from '../functions/declarations/secrets.js';
import { EXPORT_FILES, exportPrefix } from '../functions/use-cases/build-export.js';
import { LOCAL_DEFAULTS } from '../local/local-service.js';
import { LOCAL_EXPORT_BUCKET, provision } from '../local/provision.js';
import { seedDemoData } from '../local/seed-data.js';
import { LOCAL_ERASURE_WEBHOOK_SECRET, startStandIns } from '../local/stand-ins.js';
import { callbackFormBody, deletionPayload, signRequest } from '../test/support/signing.js';
import { inboundText, sign } from '../test/support/whatsapp-payloads.js';
import { median, medianOfPairedRatios } from './statistics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
// The reported figure is the worst of ten medians, and noise lifts a maximum: with 11 rounds a function
// whose 41-round ratio was 0.97-1.06 showed 1.22 in one run (BENCHMARKS.md). 21 rounds narrow each median.
const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 21);

/** The stack's bundling options (lib/functions-construct.ts), as esbuild takes them. */
export const STACK_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: 'error',
};

type Service = 'dynamodb' | 'sqs' | 'ses' | 'secretsmanager' | 'kms' | 's3';

/** One SDK call as it went over the wire: enough to make the same call again with the SDK. */
interface RecordedCall {
  readonly service: Service;
  readonly operation: string;
  readonly input: unknown;
  /** Whether the function's call succeeded (the floor's same call must too, bar a lost condition). */
  ok?: boolean;
}

/** Blob members of JSON-protocol inputs: base64 on the wire, bytes for the SDK. */
const BLOB_MEMBERS: Partial<Record<Service, readonly string[]>> = { kms: ['Message'] };

const CLIENTS: Record<Service, { pkg: string; client: string; config: string }> = {
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', config: '{}' },
  // The same configuration as functions/runtime/aws-clients.ts.
  sqs: { pkg: '@aws-sdk/client-sqs', client: 'SQSClient', config: '{ useQueueUrlAsEndpoint: false }' },
  ses: {
    pkg: '@aws-sdk/client-ses',
    client: 'SESClient',
    config: '{ requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 } }',
  },
  secretsmanager: { pkg: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient', config: '{}' },
  kms: {
    pkg: '@aws-sdk/client-kms',
    client: 'KMSClient',
    config: '{ requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 } }',
  },
  s3: { pkg: '@aws-sdk/client-s3', client: 'S3Client', config: '{ forcePathStyle: true }' },
};

/** The operation and input of an S3 REST call (path-style: the bucket is the first path segment). */
function s3Input(method: string, url: string, body: Buffer): { operation: string; input: unknown } {
  const parsed = new URL(url, 'http://s3.local');
  const [bucket = '', ...rest] = parsed.pathname.slice(1).split('/');
  const key = decodeURIComponent(rest.join('/'));
  const query = parsed.searchParams;
  const Bucket = decodeURIComponent(bucket);
  const listed = (extra: Record<string, unknown>) => ({
    Bucket,
    ...(query.get('prefix') !== null ? { Prefix: query.get('prefix') } : {}),
    ...extra,
  });
  if (method === 'GET' && !key && query.has('versions'))
    return { operation: 'ListObjectVersions', input: listed({}) };
  if (method === 'GET' && !key) return { operation: 'ListObjectsV2', input: listed({}) };
  if (method === 'POST' && query.has('delete')) {
    const keys = [...body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => ({
      Key: match[1],
    }));
    return { operation: 'DeleteObjects', input: { Bucket, Delete: { Objects: keys } } };
  }
  const operation = { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[
    method
  ];
  if (!operation) throw new Error(`S3 call not known to the bench: ${method} ${url}`);
  return {
    operation,
    input: { Bucket, Key: key, ...(method === 'PUT' ? { Body: body.toString('utf8') } : {}) },
  };
}

/** The input of an AWS query-protocol call (SES), from its form body. */
function queryInput(form: URLSearchParams): { operation: string; input: unknown } {
  const input: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (name === 'Action' || name === 'Version') continue;
    const parts = name.split('.');
    let node: Record<string, unknown> | unknown[] = input;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] ?? '';
      if (part === 'member') continue;
      const last = i === parts.length - 1;
      const key = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const nextIsList = parts[i + 1] === 'member';
      const container = node as Record<string | number, unknown>;
      if (last) container[key] = value;
      else container[key] ??= nextIsList ? [] : {};
      node = container[key] as Record<string, unknown>;
    }
  }
  return { operation: form.get('Action') ?? '', input };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A recording proxy in front of a stand-in: forwards every call and notes what it was. */
async function startRecorder(service: Service, target: string, calls: RecordedCall[]) {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const amzTarget = req.headers['x-amz-target'];
      const call: RecordedCall =
        service === 's3'
          ? { service, ...s3Input(req.method ?? 'GET', req.url ?? '/', body) }
          : typeof amzTarget === 'string'
            ? {
                service,
                operation: amzTarget.split('.').pop() ?? '',
                input: JSON.parse(body.toString('utf8') || '{}'),
              }
            : { service, ...queryInput(new URLSearchParams(body.toString('utf8'))) };
      calls.push(call);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ) as Record<string, string>;
      const withBody = req.method !== 'GET' && req.method !== 'HEAD';
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        ...(withBody ? { body } : {}),
      });
      call.ok = answer.ok;
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  return { url: await listen(server), stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Secrets Manager stand-in: GetSecretValue of `arn:…:secret:<name>` answers the local default. */
async function startSecretsManager(values: Record<string, string>) {
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const { SecretId } = JSON.parse(body.toString('utf8') || '{}') as { SecretId?: string };
      const name = SecretId?.split(':').pop() ?? '';
      const value = values[name];
      res.writeHead(value ? 200 : 400, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(
          value
            ? { ARN: SecretId, Name: name, SecretString: JSON.stringify({ current: value }) }
            : { __type: 'ResourceNotFoundException', message: 'not found' },
        ),
      );
    });
  });
  return { url: await listen(server), stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Runs `node <args>` with `env`; wall time from spawn to exit, and what it printed. */
function timeNode(args: string[], env: Record<string, string>): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ ms, stdout });
    });
  });
}

/** Loads the bundle, serves one event, prints the result and exits (as a Lambda's first invocation). */
const RUN_HANDLER = `
const started = performance.now();
const { handler } = await import(process.argv[2]);
const loaded = performance.now();
const context = { functionName: 'bench', functionVersion: '$LATEST', awsRequestId: 'bench-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', memoryLimitInMB: '256',
  logGroupName: 'bench', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30000, done() {}, fail() {}, succeed() {} };
const result = await handler(JSON.parse(process.env.BENCH_EVENT), context);
process.stdout.write('RESULT ' + JSON.stringify({ result, ms: performance.now() - started, loadMs: loaded - started }) + '\\n');
process.exit(0);
`;

/** The floor's source: the SDK clients of the recorded calls, making those calls in order. */
function floorSource(calls: readonly RecordedCall[]): string {
  const services = [...new Set(calls.map((call) => call.service))];
  const imports = services.map((service) => {
    const { pkg, client } = CLIENTS[service];
    const commands = [
      ...new Set(calls.filter((c) => c.service === service).map((c) => `${c.operation}Command`)),
    ];
    return `import { ${[client, ...commands].join(', ')} } from '${pkg}';`;
  });
  const clients = services.map(
    (service) => `const ${service} = new ${CLIENTS[service].client}(${CLIENTS[service].config});`,
  );
  const sends = calls.map((call) => {
    const blobs = (BLOB_MEMBERS[call.service] ?? []).filter(
      (member) => typeof (call.input as Record<string, unknown>)[member] === 'string',
    );
    const input = `Object.assign(${JSON.stringify(call.input)}, { ${blobs
      .map(
        (member) =>
          `${member}: Buffer.from(${JSON.stringify((call.input as Record<string, string>)[member])}, 'base64')`,
      )
      .join(', ')} })`;
    // A call the function made successfully must succeed here too (a write whose condition the first run
    // already used up is the one exception), so the floor never saves time by failing fast.
    const onError = call.ok
      ? `if (!/ConditionalCheckFailed|TransactionCanceled/.test(error.name)) throw error;`
      : '';
    return `try { await ${call.service}.send(new ${call.operation}Command(${input})); } catch (error) { ${onError} }`;
  });
  return [...imports, ...clients, ...sends, 'process.exit(0);'].join('\n');
}

/**
 * One cold start under V8's CPU profiler, the bundle built without minifying so each sample can be traced
 * to the package it ran in (esbuild marks every module with a `// <path>` line). Prints the wall time and
 * where the CPU went, by package.
 */
async function profileColdStart(
  label: string,
  source: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
  bundling: BuildOptions,
  args: (bundle: string) => string[],
  dir: string,
  env: Record<string, string>,
): Promise<void> {
  const bundle = path.join(dir, `${label.replace(/\W+/g, '-')}.profiled.mjs`);
  await build({ ...bundling, ...source, minify: false, outfile: bundle });
  const profiles = path.join(dir, `profiles-${label.replace(/\W+/g, '-')}`);
  const started = performance.now();
  // Sampled every 100 µs (Node's default is 1 ms): a cold start is too short for coarser samples.
  const run = await timeNode(
    ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${profiles}`, ...args(bundle)],
    env,
  );
  const wallMs = performance.now() - started;
  const timing = JSON.parse(/RESULT (.*)/.exec(run.stdout)?.[1] ?? '{}') as { loadMs?: number };
  // Which module each line of the bundle belongs to.
  const starts: { line: number; module: string }[] = [];
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const marker = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
      if (marker?.[1]) starts.push({ line, module: marker[1] });
    });
  const moduleAt = (line: number) => {
    let low = 0;
    let high = starts.length - 1;
    let found = '(bundle prelude)';
    while (low <= high) {
      const middle = (low + high) >> 1;
      const start = starts[middle]!;
      if (start.line <= line) {
        found = start.module;
        low = middle + 1;
      } else high = middle - 1;
    }
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(found);
    return pkg?.[1] ?? found.split('/').slice(0, 2).join('/');
  };
  const file = readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no CPU profile written');
  if (process.env.BENCH_PROFILE_KEEP)
    copyFileSync(
      path.join(profiles, file),
      `${process.env.BENCH_PROFILE_KEEP}/${label.replace(/\W+/g, '-')}.cpuprofile`,
    );
  const profile = JSON.parse(readFileSync(path.join(profiles, file), 'utf8')) as {
    nodes: {
      id: number;
      callFrame: { url: string; lineNumber: number; functionName: string };
      /** Samples by source line (1-based) within the function. */
      positionTicks?: { line: number; ticks: number }[];
    }[];
    samples: number[];
    timeDeltas: number[];
  };
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const byPlace = new Map<string, number>();
  const add = (place: string, micros: number) => byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    const frame = node.callFrame;
    if (frame.url.endsWith(path.basename(bundle))) {
      // A bundle's top-level code is one function holding every module's: split it by the lines sampled.
      const ticks = node.positionTicks ?? [];
      const total = ticks.reduce((sum, tick) => sum + tick.ticks, 0);
      if (total === 0) add(moduleAt(frame.lineNumber), micros);
      for (const tick of ticks) add(moduleAt(tick.line - 1), (micros * tick.ticks) / total);
      continue;
    }
    let place = frame.functionName.startsWith('(') ? frame.functionName : frame.url;
    if (place.startsWith('node:internal/deps/'))
      place = place.replace(/^node:internal\/deps\/([^/]+).*$/, 'node: $1 (bundled dependency)');
    else if (place.startsWith('node:')) place = place.replace(/^(node:(internal\/)?[^/]+).*$/, '$1');
    else if (place === '') place = '(V8 / native)';
    add(place, micros);
  }
  const total = [...byPlace.values()].reduce((sum, micros) => sum + micros, 0);
  console.error(
    `${label}: ${wallMs.toFixed(0)} ms wall${timing.loadMs ? ` (load ${timing.loadMs.toFixed(0)} ms)` : ''}, profiled and unminified; CPU by place:`,
  );
  for (const [place, micros] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.error(
      `  ${(micros / 1000).toFixed(1).padStart(7)} ms ${((micros / total) * 100).toFixed(0).padStart(3)}%  ${place}`,
    );
}

interface Scenario {
  readonly id: string;
  readonly fn: FunctionDeclaration;
  /** Prepares what the first request needs (not timed) and returns its event. */
  readonly event: (run: number) => Promise<unknown>;
  /** True when the result shows the request was served as intended. */
  readonly ok: (result: unknown) => boolean;
}

const api = (resource: string, method: string, body?: string, headers: Record<string, string> = {}) => ({
  resource,
  path: resource,
  httpMethod: method,
  headers,
  multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: { identity: { sourceIp: '192.0.2.10' } },
  body: body === undefined ? null : Buffer.from(body).toString('base64'),
  isBase64Encoded: body !== undefined,
});

const served = (status: number) => (result: unknown) =>
  (result as { statusCode?: number } | undefined)?.statusCode === status;

export interface ColdStartFunction {
  readonly id: string;
  readonly bundle_kb: number;
  readonly cold_start_ms: number;
  readonly floor_ms: number;
  readonly floor_kb: number;
  readonly sdk_calls: number;
  readonly vs_floor: number;
  readonly vs_node: number;
}

export interface ColdStartResult {
  readonly node_ms: number;
  readonly rounds: number;
  readonly functions: ColdStartFunction[];
  readonly bundle_kb_max: number;
  readonly cold_start_vs_sdk_floor_ratio: number;
  readonly cold_start_vs_node_ratio: number;
}

export async function measureColdStart(
  options: {
    bundling?: BuildOptions;
    rounds?: number;
    only?: readonly string[];
    profile?: string;
    /** Build each function with its source map and run it with Node's source maps on (the floors as ever). */
    sourceMaps?: boolean;
  } = {},
): Promise<ColdStartResult> {
  const bundling = {
    ...STACK_BUNDLING,
    ...(options.sourceMaps ? { sourcemap: true } : {}),
    ...options.bundling,
  };
  const functionEnv: Record<string, string> = options.sourceMaps
    ? { NODE_OPTIONS: '--enable-source-maps' }
    : {};
  const rounds = options.rounds ?? ROUNDS;
  const dir = mkdtempSync(path.join(tmpdir(), 'deletion-cold-start-'));
  const standIns = await startStandIns({ dynamodb: 0, sqs: 0, ses: 0, graph: 0, kms: 0 });
  const secretValues = Object.fromEntries(
    SECRET_NAMES.map((name) => [
      name,
      LOCAL_DEFAULTS[secretLocalEnvVar(name) as keyof typeof LOCAL_DEFAULTS],
    ]),
  );
  const secretsManager = await startSecretsManager(secretValues);
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...local, endpoint: standIns.endpoints.dynamodb }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const objects = new S3Client({ ...local, endpoint: standIns.endpoints.s3, forcePathStyle: true });
  const recorded: RecordedCall[] = [];
  const recorders: { url: string; stop: () => Promise<unknown> }[] = [];
  try {
    const provisioned = await provision(standIns.endpoints, LOCAL_ERASURE_WEBHOOK_SECRET);
    await seedDemoData(documents);
    const store = makeDynamoDeletionRequestStore(documents, 'DeletionRequests');
    const copies = makeS3ExportStore(objects, LOCAL_EXPORT_BUCKET);
    const endpoints: Record<Service, string> = {
      dynamodb: standIns.endpoints.dynamodb,
      sqs: standIns.endpoints.sqs,
      ses: standIns.endpoints.ses,
      secretsmanager: secretsManager.url,
      kms: standIns.endpoints.kms,
      s3: standIns.endpoints.s3,
    };
    const recording = {} as Record<Service, string>;
    for (const service of Object.keys(endpoints) as Service[]) {
      const recorder = await startRecorder(service, endpoints[service], recorded);
      recorders.push(recorder);
      recording[service] = recorder.url;
    }
    // The environment of a deployed function: secrets by ARN, settings from configuration.
    const baseEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      GRAPH_API_BASE_URL: standIns.endpoints.graph,
      PUBLIC_BASE_URL: 'https://privacy.example.com',
      SES_FROM_ADDRESS: 'privacy@example.com',
      META_APP_ID: LOCAL_DEFAULTS.META_APP_ID,
      INSTAGRAM_APP_ID: LOCAL_DEFAULTS.INSTAGRAM_APP_ID,
      WHATSAPP_PHONE_NUMBER_ID: LOCAL_DEFAULTS.WHATSAPP_PHONE_NUMBER_ID,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      ...provisioned.env,
      ...Object.fromEntries(
        SECRET_NAMES.map((name) => [
          secretArnEnvVar(name),
          `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}`,
        ]),
      ),
    };
    const envFor = (to: Record<Service, string>) => ({
      ...baseEnv,
      AWS_ENDPOINT_URL_DYNAMODB: to.dynamodb,
      AWS_ENDPOINT_URL_SQS: to.sqs,
      AWS_ENDPOINT_URL_SES: to.ses,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: to.secretsmanager,
      AWS_ENDPOINT_URL_KMS: to.kms,
      AWS_ENDPOINT_URL_S3: to.s3,
    });
    const pepper = makeIdentifierHasher(LOCAL_DEFAULTS.IDENTIFIER_PEPPER);
    const nowSeconds = () => Math.floor(Date.now() / 1000);

    const allScenarios: Scenario[] = [
      {
        id: 'MetaCallbacks',
        fn: FUNCTIONS.metaCallbacks,
        // A new person's Facebook deletion callback: verify, persist, enqueue.
        event: async (run) =>
          api(
            '/meta/data-deletion',
            'POST',
            callbackFormBody(
              signRequest(
                deletionPayload(String(40_000_000_000_000_000n + BigInt(run)), nowSeconds()),
                LOCAL_DEFAULTS.META_APP_SECRET,
              ),
            ),
            { 'Content-Type': 'application/x-www-form-urlencoded' },
          ),
        ok: served(200),
      },
      {
        id: 'DeletionStatus',
        fn: FUNCTIONS.deletionStatus,
        // A person opening the status link of their request (HTML).
        event: async (run) => {
          const code = newConfirmationCode();
          const now = new Date().toISOString();
          await store.create({
            requestId: `req_benchstatus${run}x${Date.now()}`,
            confirmationCode: code,
            status: 'queued',
            channel: 'facebook',
            subject: [],
            subjectHashes: [pepper('facebook_asid', `bench-${run}`)],
            receivedAt: now,
            updatedAt: now,
            outcomes: [],
            attempts: 0,
          });
          return {
            ...api('/deletion-status', 'GET'),
            queryStringParameters: { code },
            multiValueQueryStringParameters: { code: [code] },
          };
        },
        ok: served(200),
      },
      {
        id: 'PrivacyExport',
        fn: FUNCTIONS.privacyExport,
        // A person opening the link in the access email: a completed access request and its copy, as the
        // worker leaves them (the page and the file under the request's prefix in the exports bucket).
        event: async (run) => {
          const requestId = `req_benchexport${run}x${Date.now()}`;
          const code = newConfirmationCode();
          const now = new Date();
          const expires = new Date(now.getTime() + 7 * 86_400_000);
          await store.create({
            requestId,
            type: 'access',
            confirmationCode: code,
            status: 'in_progress',
            channel: 'web',
            subject: [{ kind: 'email', value: `bench-${run}@example.com` }],
            subjectHashes: [pepper('email', `bench-${run}@example.com`)],
            receivedAt: now.toISOString(),
            updatedAt: now.toISOString(),
            outcomes: [],
            attempts: 0,
          });
          const document = buildExportDocument(
            [
              {
                table: 'Accounts',
                categories: ['account_profile'],
                records: [
                  { accountId: `acct_bench${run}`, email: `bench-${run}@example.com`, name: 'Bench' },
                ],
              },
              {
                table: 'Preferences',
                categories: ['preferences'],
                records: [{ accountId: `acct_bench${run}`, activity: 'analytics', allowed: true }],
              },
            ],
            now,
            expires,
          );
          await copies.put(
            `${exportPrefix(requestId)}${EXPORT_FILES.json}`,
            JSON.stringify(document),
            'application/json',
          );
          await copies.put(
            `${exportPrefix(requestId)}${EXPORT_FILES.html}`,
            renderExportPage(document),
            'text/html; charset=utf-8',
          );
          await store.transition(requestId, ['in_progress'], 'completed', {
            event: 'completed',
            at: now,
            exportExpiresAt: expires,
            forgetSubject: true,
          });
          return {
            ...api('/privacy-export', 'GET'),
            queryStringParameters: { code },
            multiValueQueryStringParameters: { code: [code] },
          };
        },
        ok: served(200),
      },
      {
        id: 'DeletionWorker',
        fn: FUNCTIONS.deletionWorker,
        // The job of a new Facebook request: lease, resolve, revoke, purge (Meta scope), check, complete.
        event: async (run) => {
          const requestId = `req_benchworker${run}x${Date.now()}`;
          const asid = String(41_000_000_000_000_000n + BigInt(run));
          const now = new Date().toISOString();
          await store.create({
            requestId,
            confirmationCode: newConfirmationCode(),
            status: 'queued',
            channel: 'facebook',
            subject: [{ kind: 'facebook_asid', value: asid }],
            subjectHashes: [pepper('facebook_asid', asid)],
            receivedAt: now,
            updatedAt: now,
            outcomes: [],
            attempts: 0,
          });
          return {
            Records: [
              {
                messageId: `m-${run}`,
                receiptHandle: 'r',
                body: JSON.stringify(deletionJob(requestId)),
                attributes: { ApproximateReceiveCount: '1' },
                messageAttributes: {},
                md5OfBody: '',
                eventSource: 'aws:sqs',
                eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:DeletionJobs',
                awsRegion: 'us-east-1',
              },
            ],
          };
        },
        ok: (result) => ((result as { batchItemFailures?: unknown[] })?.batchItemFailures ?? []).length === 0,
      },
      {
        id: 'ReceiptKeys',
        fn: FUNCTIONS.receiptKeys,
        // Anyone fetching the receipts' public keys (JWKS) to check a receipt.
        event: async () => api('/.well-known/jwks.json', 'GET'),
        ok: served(200),
      },
      {
        id: 'QueueReconciler',
        fn: FUNCTIONS.reconciler,
        event: async () => ({}),
        ok: (result) => typeof result === 'object' && result !== null,
      },
      {
        id: 'WhatsAppWebhook',
        fn: FUNCTIONS.whatsappWebhook,
        // A new person's text message: signature, dedupe, persist, handle.
        event: async (run) => {
          const phone = `1555${String(7_000_000 + run)}`;
          const body = inboundText(phone, `wamid.bench-${run}-${Date.now()}`, 'Hello');
          return api('/whatsapp/webhook', 'POST', body, {
            'Content-Type': 'application/json',
            'X-Hub-Signature-256': sign(body, LOCAL_DEFAULTS.WHATSAPP_APP_SECRET),
          });
        },
        ok: served(200),
      },
      {
        id: 'WhatsAppSweeper',
        fn: FUNCTIONS.whatsappSweeper,
        event: async () => ({}),
        ok: (result) => typeof result === 'object' && result !== null,
      },
      {
        id: 'SelfService',
        fn: FUNCTIONS.selfService,
        // A person submitting the form with a new email address: rate limits, request, link by email.
        event: async (run) =>
          api(
            '/deletion-requests',
            'POST',
            new URLSearchParams({ identifier: `bench-${run}-${Date.now()}@example.com` }).toString(),
            { 'Content-Type': 'application/x-www-form-urlencoded' },
          ),
        ok: served(200),
      },
      {
        id: 'DeadlineCheck',
        fn: FUNCTIONS.deadlineCheck,
        event: async () => ({}),
        ok: (result) => typeof result === 'object' && result !== null,
      },
    ];
    const scenarios = allScenarios.filter((scenario) => !options.only || options.only.includes(scenario.id));

    const runner = path.join(dir, 'run-handler.mjs');
    writeFileSync(runner, RUN_HANDLER);
    const prepared: {
      scenario: Scenario;
      bundle: string;
      floor: string;
      floorSource: string;
      calls: number;
    }[] = [];
    let run = 0;
    for (const scenario of scenarios) {
      const bundle = path.join(dir, `${scenario.id}.mjs`);
      await build({ ...bundling, entryPoints: [path.join(ROOT, scenario.fn.entry)], outfile: bundle });
      // Record the SDK calls of the first request, then build the floor that makes them.
      recorded.length = 0;
      const event = await scenario.event((run += 1));
      const first = await timeNode([runner, bundle], {
        ...envFor(recording),
        BENCH_EVENT: JSON.stringify(event),
      });
      const result = JSON.parse(/RESULT (.*)/.exec(first.stdout)?.[1] ?? '{}') as { result?: unknown };
      if (!scenario.ok(result.result))
        throw new Error(`${scenario.id}: first request not served: ${JSON.stringify(result).slice(0, 500)}`);
      const floor = path.join(dir, `${scenario.id}.floor.mjs`);
      const source = floorSource(recorded);
      await build({
        ...STACK_BUNDLING,
        stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
        outfile: floor,
      });
      if (options.profile === scenario.id)
        console.error(
          `${scenario.id}: SDK calls of the first request: ${recorded.map((call) => `${call.service}.${call.operation}`).join(', ')}`,
        );
      prepared.push({ scenario, bundle, floor, floorSource: source, calls: recorded.length });
    }

    const direct = envFor(endpoints);
    if (options.profile) {
      const target = prepared.find(({ scenario }) => scenario.id === options.profile);
      if (!target) throw new Error(`--profile: no function ${options.profile}`);
      const event = JSON.stringify(await target.scenario.event((run += 1)));
      await profileColdStart(
        target.scenario.id,
        { entryPoints: [path.join(ROOT, target.scenario.fn.entry)] },
        bundling,
        (bundle) => [runner, bundle],
        dir,
        { ...direct, BENCH_EVENT: event },
      );
      await profileColdStart(
        `${target.scenario.id} floor`,
        { stdin: { contents: target.floorSource, resolveDir: ROOT, loader: 'js' } },
        STACK_BUNDLING,
        (bundle) => [bundle],
        dir,
        direct,
      );
    }
    const times = new Map<string, { fn: number[]; floor: number[] }>(
      prepared.map(({ scenario }) => [scenario.id, { fn: [], floor: [] }]),
    );
    const nodeTimes: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      nodeTimes.push((await timeNode(['-e', ''], direct)).ms);
      for (const { scenario, bundle, floor } of prepared) {
        const event = JSON.stringify(await scenario.event((run += 1)));
        const entry = times.get(scenario.id)!;
        // Alternate which goes first, so neither always follows the other.
        const timeFunction = async () =>
          entry.fn.push(
            (await timeNode([runner, bundle], { ...direct, ...functionEnv, BENCH_EVENT: event })).ms,
          );
        const timeFloor = async () => entry.floor.push((await timeNode([floor], direct)).ms);
        if (round % 2 === 0) {
          await timeFunction();
          await timeFloor();
        } else {
          await timeFloor();
          await timeFunction();
        }
      }
    }
    const nodeMs = median(nodeTimes);
    const functions = prepared.map(({ scenario, bundle, floor, calls }) => {
      const entry = times.get(scenario.id)!;
      const fnMs = median(entry.fn);
      const floorMs = median(entry.floor);
      const vsFloor = medianOfPairedRatios(entry.fn, entry.floor);
      return {
        id: scenario.id,
        bundle_kb: Math.round(statSync(bundle).size / 1024),
        cold_start_ms: Number(fnMs.toFixed(1)),
        floor_ms: Number(floorMs.toFixed(1)),
        floor_kb: Math.round(statSync(floor).size / 1024),
        sdk_calls: calls,
        vs_floor: Number(vsFloor.toFixed(2)),
        vs_node: Number((fnMs / nodeMs).toFixed(2)),
      };
    });
    return {
      node_ms: Number(nodeMs.toFixed(1)),
      rounds,
      functions,
      bundle_kb_max: Math.max(...functions.map((fn) => fn.bundle_kb)),
      cold_start_vs_sdk_floor_ratio: Math.max(...functions.map((fn) => fn.vs_floor)),
      cold_start_vs_node_ratio: Math.max(...functions.map((fn) => fn.vs_node)),
    };
  } finally {
    documents.destroy();
    objects.destroy();
    await Promise.allSettled([...recorders.map((recorder) => recorder.stop()), secretsManager.stop()]);
    await standIns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const option = (name: string) =>
    process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
  const only = option('only');
  const profile = option('profile');
  const sourceMaps = process.argv.includes('--source-maps');
  console.log(
    JSON.stringify(
      await measureColdStart({
        ...(only ? { only: only.split(',') } : {}),
        sourceMaps,
        ...(profile ? { profile, only: [profile, ...(only ? only.split(',') : [])], rounds: 1 } : {}),
      }),
      null,
      2,
    ),
  );
}
