// fuzz: generated inputs for every HTTP entry point, sent to the real handlers (in process, against
// the stand-ins). Properties: never a 5xx, never an exception out of a handler, nothing stored or
// enqueued without a valid signature, and every answer within its size and time bounds.
import fc from 'fast-check';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES, type RouteDeclaration } from '../../functions/declarations/functions.js';
import { lambdaContext, type ApiHandler } from '../../local/api-gateway.js';
import { startLocalService, type LocalService } from '../../local/local-service.js';
import {
  callbackFormBody,
  deletionPayload,
  signRequest,
  signSegment,
  base64url,
} from '../support/signing.js';
import { change, envelope, inboundText, sign as hubSign, textMessage } from '../support/whatsapp-payloads.js';

export const FUZZ_SECRET = 'fuzz-meta-app-secret';
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_RESPONSE_MS = 2_000;

export interface FuzzCase {
  readonly description: string;
  readonly event: Partial<APIGatewayProxyEvent>;
  /** True when the input cannot be a valid, authenticated request. */
  readonly mustNotStore: boolean;
}

const now = () => Math.floor(Date.now() / 1000);

function event(route: RouteDeclaration, parts: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: route.path,
    path: route.path,
    httpMethod: route.method,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '127.0.0.1' } } as APIGatewayProxyEvent['requestContext'],
    ...parts,
  };
}

const anyHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom('Content-Type', 'content-type', 'Accept', 'X-Hub-Signature-256'),
    fc.string({ maxLength: 20 }),
  ),
  fc.oneof(
    fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'multipart/form-data; boundary=x',
      'text/html',
      '',
    ),
    fc.string({ maxLength: 60 }),
  ),
  { maxKeys: 4 },
);

const anyBody = fc.oneof(
  fc.string({ maxLength: 400 }).map((body) => ({ body, isBase64Encoded: false })),
  fc
    .uint8Array({ maxLength: 400 })
    .map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true })),
  fc.constant({ body: null, isBase64Encoded: false }),
  fc
    .string({ maxLength: 30 })
    .map((body) => ({ body: `signed_request=${encodeURIComponent(body)}`, isBase64Encoded: false })),
  fc.integer({ min: 9_000, max: 40_000 }).map((size) => ({ body: 'a'.repeat(size), isBase64Encoded: false })),
);

/** A field of the signed payload replaced by a value of the wrong type or shape. */
const wrongField = fc.oneof(
  fc.record({
    field: fc.constant('user_id'),
    value: fc.oneof(
      fc.integer(),
      fc.constant(null),
      fc.string({ maxLength: 5 }).filter((s) => !/^\d{1,32}$/.test(s)),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.constant('1'.repeat(33)),
    ),
  }),
  fc.record({
    field: fc.constant('algorithm'),
    value: fc.oneof(
      fc.constantFrom('HMAC-SHA1', 'none', '', 'HMAC-SHA256 ', 'HMAC_SHA256'),
      fc.integer(),
      fc.constant(null),
    ),
  }),
  fc.record({
    field: fc.constant('issued_at'),
    value: fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.double({ min: 1, max: 2, noNaN: true }),
      fc.constant(null),
      fc.constant(now() - 10 * 86_400),
      fc.constant(now() + 3_600),
    ),
  }),
);

/** Near-valid signed requests: one thing wrong each. */
const nearValidSignedRequest: fc.Arbitrary<{ description: string; signedRequest: string }> = fc.oneof(
  wrongField.map(({ field, value }) => ({
    description: `wrong ${field}`,
    signedRequest: signRequest(
      { ...deletionPayload('10000000000000001', now()), [field]: value },
      FUZZ_SECRET,
    ),
  })),
  fc
    .tuple(fc.nat(), fc.constantFrom('a', 'Z', '-', '_', '+', '/', '=', '.', '!', ' ', '%'))
    .map(([position, char]) => {
      const valid = signRequest(deletionPayload('10000000000000001', now()), FUZZ_SECRET);
      const at = position % valid.length;
      const mutated = valid.slice(0, at) + char + valid.slice(at + 1);
      return {
        description: 'one character changed',
        signedRequest: mutated === valid ? `${valid}x` : mutated,
      };
    }),
  fc.string({ maxLength: 40 }).map((text) => ({
    description: 'payload not JSON, correctly signed',
    signedRequest: signSegment(base64url(text), FUZZ_SECRET),
  })),
  fc
    .jsonValue()
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => ({
      description: 'payload not an object, correctly signed',
      signedRequest: signRequest(JSON.stringify(value) ?? 'null', FUZZ_SECRET),
    })),
  fc.string({ minLength: 1, maxLength: 10 }).map((secret) => ({
    description: 'signed with another secret',
    signedRequest: signRequest(deletionPayload('10000000000000001', now()), `${secret}-other`),
  })),
);

/** Generated cases for one route. */
export function casesFor(route: RouteDeclaration): fc.Arbitrary<FuzzCase> {
  const random = fc
    .record({ headers: anyHeaders, body: anyBody, method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') })
    .map(({ headers, body, method }) => ({
      description: 'random input',
      event: { headers, ...body, httpMethod: method },
      mustNotStore: true,
    }));
  if (route.path === '/deletion-status' || route.path === '/privacy-export') {
    const query = fc.oneof(
      fc.string({ maxLength: 40 }).map((code) => ({
        queryStringParameters: { code },
        multiValueQueryStringParameters: { code: [code] },
      })),
      fc.array(fc.string({ maxLength: 30 }), { minLength: 2, maxLength: 3 }).map((codes) => ({
        queryStringParameters: { code: codes.at(-1) ?? '' },
        multiValueQueryStringParameters: { code: codes },
      })),
      fc.constant({ queryStringParameters: null, multiValueQueryStringParameters: null }),
    );
    return fc.oneof(
      random,
      fc.record({ query, headers: anyHeaders }).map(({ query: q, headers }) => ({
        description: 'status lookup',
        event: { ...q, headers },
        mustNotStore: true,
      })),
    );
  }
  if (route.path.endsWith('/data-deletion') || route.path.endsWith('/deauthorize')) {
    const nearValid = fc
      .record({ request: nearValidSignedRequest, base64: fc.boolean() })
      .map(({ request, base64 }) => {
        const form = callbackFormBody(request.signedRequest);
        return {
          description: request.description,
          event: {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: base64 ? Buffer.from(form).toString('base64') : form,
            isBase64Encoded: base64,
          },
          mustNotStore: true,
        };
      });
    return fc.oneof(random, nearValid);
  }
  if (route.path === '/whatsapp/webhook' && route.method === 'POST') {
    return fc.oneof(random, nearValidWebhook);
  }
  return random;
}

const json = (_body: string) => ({ 'Content-Type': 'application/json' });

/** A valid inbound message with one value somewhere replaced by a generated one. */
function mutated(path: readonly (string | number)[], value: unknown): string {
  const root = JSON.parse(inboundText('15550009999', 'wamid.FUZZ', 'hello')) as Record<string, unknown>;
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)?.[key];
  if (node && typeof node === 'object') (node as Record<string | number, unknown>)[path.at(-1)!] = value;
  return JSON.stringify(root);
}

const MUTABLE_PATHS: readonly (readonly (string | number)[])[] = [
  ['object'],
  ['entry'],
  ['entry', 0, 'changes'],
  ['entry', 0, 'changes', 0, 'field'],
  ['entry', 0, 'changes', 0, 'value'],
  ['entry', 0, 'changes', 0, 'value', 'messages'],
  ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'type'],
  ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'text'],
  ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'from'],
  ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'id'],
  ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'timestamp'],
  ['entry', 0, 'changes', 0, 'value', 'contacts'],
  ['entry', 0, 'changes', 0, 'value', 'statuses'],
];

/** Near-valid WhatsApp webhooks: correctly signed odd payloads (may be stored), and bad signatures (never). */
const nearValidWebhook: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .record({ path: fc.constantFrom(...MUTABLE_PATHS), value: fc.jsonValue({ maxDepth: 3 }) })
    .map(({ path, value }) => {
      const body = mutated(path, value);
      return {
        description: `signed payload with ${path.join('.')} replaced`,
        event: { headers: { ...json(body), 'X-Hub-Signature-256': hubSign(body, FUZZ_SECRET) }, body },
        mustNotStore: false,
      };
    }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => {
    const body = JSON.stringify(value) ?? 'null';
    return {
      description: 'signed arbitrary JSON',
      event: { headers: { ...json(body), 'x-hub-signature-256': hubSign(body, FUZZ_SECRET) }, body },
      mustNotStore: false,
    };
  }),
  fc.integer({ min: 20, max: 120 }).map((count) => {
    const body = envelope([
      [
        change({
          messages: Array.from({ length: count }, (_, i) =>
            textMessage('15550008888', `wamid.FUZZBATCH${count}x${i}`, `m${i}`),
          ),
        }),
      ],
    ]);
    return {
      description: `signed batch of ${count} messages`,
      event: { headers: { ...json(body), 'X-Hub-Signature-256': hubSign(body, FUZZ_SECRET) }, body },
      mustNotStore: false,
    };
  }),
  fc
    .record({
      header: fc.oneof(
        fc.constant(undefined),
        fc.constant(`sha1=${'a'.repeat(40)}`),
        fc.string({ maxLength: 80 }),
        fc.constant(hubSign('{}', 'another-secret')),
        fc.nat({ max: 63 }).map((at) => {
          const good = hubSign(inboundText('15550007777', 'wamid.BAD', 'DELETE MY DATA'), FUZZ_SECRET);
          const index = 'sha256='.length + at;
          return good.slice(0, index) + (good[index] === '0' ? '1' : '0') + good.slice(index + 1);
        }),
      ),
      base64: fc.boolean(),
    })
    .map(({ header, base64 }) => {
      const body = inboundText('15550007777', 'wamid.BAD', 'DELETE MY DATA');
      return {
        description: 'a DELETE MY DATA webhook with a missing or wrong signature',
        event: {
          headers: { ...json(body), ...(header === undefined ? {} : { 'X-Hub-Signature-256': header }) },
          body: base64 ? Buffer.from(body).toString('base64') : body,
          isBase64Encoded: base64,
        },
        mustNotStore: true,
      };
    }),
);

export interface FuzzReport {
  readonly route: string;
  readonly cases: number;
  readonly slowestMs: number;
  readonly statuses: Record<number, number>;
}

export interface FuzzTarget {
  readonly service: LocalService;
  stop(): Promise<void>;
  storedRequests(): Promise<number>;
  sentJobs(): Promise<number>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const service = await startLocalService({
    env: {
      PORT: '0',
      META_APP_SECRET: FUZZ_SECRET,
      WHATSAPP_APP_SECRET: FUZZ_SECRET,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      SCHEDULE_INTERVAL_MS: '3600000',
    },
  });
  const info = async () =>
    (await (await fetch(`${service.baseUrl}/__local/info`)).json()) as { sqsCalls: Record<string, number> };
  const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const dynamo = new DynamoDBClient({
    endpoint: service.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    service,
    async storedRequests() {
      const result = await dynamo.send(new ScanCommand({ TableName: 'DeletionRequests', Select: 'COUNT' }));
      return result.Count ?? 0;
    },
    async sentJobs() {
      return (await info()).sqsCalls.SendMessage ?? 0;
    },
    async stop() {
      dynamo.destroy();
      await service.stop();
    },
  };
}

/** Runs `numRuns` generated cases against every route; throws on the first property that fails. */
export async function fuzzEntryPoints(
  target: FuzzTarget,
  options: { numRuns: number; seed?: number; routes?: readonly RouteDeclaration[] },
): Promise<FuzzReport[]> {
  const reports: FuzzReport[] = [];
  for (const route of options.routes ?? ROUTES) {
    const handler: ApiHandler | undefined = target.service.apiHandler(route.functionId);
    if (!handler) throw new Error(`No handler for ${route.functionId}`);
    const statuses: Record<number, number> = {};
    let slowestMs = 0;
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(casesFor(route), async (fuzzCase) => {
        const storedBefore = fuzzCase.mustNotStore ? await target.storedRequests() : 0;
        const sentBefore = fuzzCase.mustNotStore ? await target.sentJobs() : 0;
        const started = performance.now();
        let result: APIGatewayProxyResult;
        try {
          result = await handler(event(route, fuzzCase.event), lambdaContext(route.functionId));
        } catch (error) {
          throw new Error(
            `${route.method} ${route.path} threw on ${fuzzCase.description}: ${(error as Error).name}`,
            { cause: error },
          );
        }
        const elapsed = performance.now() - started;
        slowestMs = Math.max(slowestMs, elapsed);
        cases += 1;
        statuses[result.statusCode] = (statuses[result.statusCode] ?? 0) + 1;
        if (result.statusCode >= 500)
          throw new Error(`${route.path} answered ${result.statusCode} to ${fuzzCase.description}`);
        if (Buffer.byteLength(result.body ?? '') > MAX_RESPONSE_BYTES)
          throw new Error(`${route.path}: response too large`);
        if (elapsed > MAX_RESPONSE_MS)
          throw new Error(`${route.path}: ${Math.round(elapsed)} ms for ${fuzzCase.description}`);
        if (fuzzCase.mustNotStore) {
          if (result.statusCode === 200 && route.method === 'POST') {
            throw new Error(`${route.path} accepted ${fuzzCase.description}`);
          }
          if ((await target.storedRequests()) !== storedBefore)
            throw new Error(`${route.path} stored ${fuzzCase.description}`);
          if ((await target.sentJobs()) !== sentBefore)
            throw new Error(`${route.path} enqueued ${fuzzCase.description}`);
        }
      }),
      { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
    );
    reports.push({
      route: `${route.method} ${route.path}`,
      cases,
      slowestMs: Math.round(slowestMs),
      statuses,
    });
  }
  return reports;
}
