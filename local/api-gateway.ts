// local: an HTTP server in front of the API handlers. Turns each request into the API Gateway (REST,
// proxy integration) event the Lambda receives in AWS, and the handler's result back into HTTP.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDeclaration } from '../functions/declarations/functions.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit; handlers enforce their tighter per-route limits. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function toEvent(req: IncomingMessage, body: Buffer, route: RouteDeclaration): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  // Binary-safe like API Gateway with binary media types: the handler gets the exact bytes.
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: {},
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
    },
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult) {
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, {
    ...(result.headers as Record<string, string>),
    'Content-Length': body.length,
  });
  res.end(body);
}

export interface LocalApi {
  readonly url: string;
  readonly server: Server;
  stop(): Promise<void>;
}

export interface LocalApiOptions {
  readonly port: number;
  readonly routes: readonly RouteDeclaration[];
  /** The handler serving a route; resolved per request so the server can listen before they load. */
  readonly handlerFor: (route: RouteDeclaration) => ApiHandler | undefined;
  /** Local-only control routes; return true when the request was answered. */
  readonly controlRoutes?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean;
  /** False while tables are created and seeded: routes answer 503 with Retry-After until then. */
  readonly isReady?: () => boolean;
}

/** Seconds a client starting too early is asked to wait. */
export const STARTING_RETRY_AFTER_SECONDS = 2;

export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const { routes, handlerFor, controlRoutes = () => false, isReady = () => true } = options;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= API_GATEWAY_MAX_BODY) chunks.push(chunk);
    });
    req.on('end', async () => {
      if (size > API_GATEWAY_MAX_BODY) {
        return send(res, { statusCode: 413, body: JSON.stringify({ message: 'Request Too Long' }) });
      }
      const body = Buffer.concat(chunks);
      if (controlRoutes(req, res, body)) return;
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (path === '/' && req.method === 'GET') {
        // As the stage's mock method does: the bare address leads to the request form.
        return send(res, {
          statusCode: 302,
          headers: { Location: '/delete-my-data', 'Cache-Control': 'no-store' },
          body: '',
        });
      }
      const matches = routes.filter((route) => route.path === path);
      const route = matches.find((candidate) => candidate.method === req.method);
      if (matches.length > 0 && !isReady()) {
        // Still starting: say so, and when to try again, rather than a 404 that looks final.
        return send(res, {
          statusCode: 503,
          headers: {
            'Content-Type': 'application/json',
            'Retry-After': String(STARTING_RETRY_AFTER_SECONDS),
          },
          body: JSON.stringify({ error: 'starting' }),
        });
      }
      const handler = route && handlerFor(route);
      if (!route || !handler) {
        // API Gateway answers an unknown resource or method itself, without calling a function.
        return send(res, {
          statusCode: matches.length > 0 ? 405 : 404,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ error: matches.length > 0 ? 'method_not_allowed' : 'not_found' }),
        });
      }
      try {
        send(res, await handler(toEvent(req, body, route), lambdaContext(route.functionId)));
      } catch {
        // What API Gateway answers when the function itself fails.
        send(res, { statusCode: 502, body: JSON.stringify({ message: 'Internal server error' }) });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
