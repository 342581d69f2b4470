// handler: Meta's signed-request callbacks, one function for the four routes (Facebook and Instagram;
// data deletion and deauthorize). The routes differ only in the platform's secrets and the answer,
// so one function shares one warm container, one set of grants and one code path.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { makeDynamoMetaTokenStore } from '../adapters/dynamo-meta-tokens.js';
import { parseCallbackForm } from '../core/callback-form.js';
import { answersWithStatus, type MetaCallback } from '../core/meta-callback.js';
import { ROUTES, metaCallbackOf } from '../declarations/functions.js';
import { INTEGRATION_TOKENS_TABLE } from '../declarations/tables.js';
import { makeHandleMetaCallback } from '../use-cases/handle-meta-callback.js';
import { systemClock } from '../use-cases/ports.js';
import {
  metaAppIds,
  publicBaseUrl,
  signedRequestWindow,
  statusRetentionDays,
  subjectReuseDays,
  tableName,
} from '../runtime/config.js';
import { dynamoDocumentClient } from '../runtime/aws-clients.js';
import {
  emptyResponse,
  errorResponse,
  header,
  httpErrorBoundary,
  jsonResponse,
  readBody,
  type HttpResponse,
} from '../runtime/http.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { makeSecretReader } from '../runtime/secrets.js';
import {
  deletionJobQueue,
  deletionRequestStore,
  identifierHasher,
  subjectOpenRequests,
} from '../runtime/wiring.js';

const env = process.env;
const secrets = makeSecretReader(env);
const documents = dynamoDocumentClient();
// Only the platforms the stage serves: a left-out one has no app id, no secret and no route.
const appIds = metaAppIds(env);

const handleMetaCallback = makeHandleMetaCallback({
  store: deletionRequestStore(env),
  openRequests: subjectOpenRequests(env),
  tokens: makeDynamoMetaTokenStore(documents, tableName(env, INTEGRATION_TOKENS_TABLE)),
  queue: deletionJobQueue(env),
  clock: systemClock,
  secrets,
  hashIdentifier: identifierHasher(secrets),
  events: powertoolsEvents,
  log: (level, message, fields) => logger[level](message, fields),
  publicBaseUrl: publicBaseUrl(env),
  appIds,
  window: signedRequestWindow(env),
  reuseDays: subjectReuseDays(env),
  pointerDays: statusRetentionDays(env),
});

/** Rejections that mean "not from Meta" get 403; the rest are malformed input (400). */
const FORBIDDEN = new Set(['bad_signature']);

async function metaCallbacks(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const route = ROUTES.find((candidate) => candidate.path === event.resource);
  const callback: MetaCallback | undefined = route ? metaCallbackOf(route.path) : undefined;
  if (!route || !callback || appIds[callback.platform] === undefined) return errorResponse(404, 'not_found');
  if (event.httpMethod !== 'POST') return errorResponse(405, 'method_not_allowed', { Allow: 'POST' });
  const body = readBody(event, route.maxBodyBytes);
  if (!body.ok) return errorResponse(413, 'body_too_large');
  const form = parseCallbackForm(header(event, 'content-type'), body.bytes);
  if (!form.ok) return errorResponse(form.status, form.error);

  const result = await handleMetaCallback(callback, form.signedRequest);
  if (!result.ok && result.reason === 'channel_not_served') return errorResponse(404, 'not_found');
  if (!result.ok) {
    logger.info('Signed request rejected', { route: route.path, reason: result.reason });
    return errorResponse(FORBIDDEN.has(result.reason) ? 403 : 400, result.reason);
  }
  // Deauthorize: Meta defines no response body; a 200 is the whole contract.
  if (!answersWithStatus(callback.kind)) return emptyResponse(200);
  return jsonResponse(200, { url: result.url, confirmation_code: result.confirmationCode });
}

export const handler = middy(metaCallbacks)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorBoundary());
