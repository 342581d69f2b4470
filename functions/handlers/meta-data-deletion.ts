// handler: POST /meta/data-deletion — Meta's Data Deletion Request callback.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseCallbackForm } from '../core/callback-form.js';
import { ROUTES } from '../declarations/functions.js';
import { makeRequestMetaDeletion } from '../use-cases/request-meta-deletion.js';
import { systemClock } from '../use-cases/ports.js';
import { publicBaseUrl, signedRequestWindow } from '../runtime/config.js';
import {
  errorResponse,
  header,
  httpErrorBoundary,
  jsonResponse,
  readBody,
  type HttpResponse,
} from '../runtime/http.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { makeSecretReader } from '../runtime/secrets.js';
import { deletionJobQueue, deletionRequestStore, identifierHasher } from '../runtime/wiring.js';

const env = process.env;
const route = ROUTES.find((candidate) => candidate.path === '/meta/data-deletion');
const maxBodyBytes = route?.maxBodyBytes ?? 8192;
const secrets = makeSecretReader(env);

const requestMetaDeletion = makeRequestMetaDeletion({
  store: deletionRequestStore(env),
  queue: deletionJobQueue(env),
  clock: systemClock,
  secrets: () => secrets('metaAppSecret'),
  hashIdentifier: identifierHasher(secrets),
  events: powertoolsEvents,
  warn: (message, fields) => logger.warn(message, fields),
  publicBaseUrl: publicBaseUrl(env),
  window: signedRequestWindow(env),
});

/** Rejections that mean "not from Meta" get 403; the rest are malformed input (400). */
const FORBIDDEN = new Set(['bad_signature']);

async function metaDataDeletion(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'POST') return errorResponse(405, 'method_not_allowed', { Allow: 'POST' });
  const body = readBody(event, maxBodyBytes);
  if (!body.ok) return errorResponse(413, 'body_too_large');
  const form = parseCallbackForm(header(event, 'content-type'), body.bytes);
  if (!form.ok) return errorResponse(form.status, form.error);

  const result = await requestMetaDeletion(form.signedRequest);
  if (!result.ok) {
    logger.info('Signed request rejected', { reason: result.reason });
    return errorResponse(FORBIDDEN.has(result.reason) ? 403 : 400, result.reason);
  }
  logger.info('Deletion callback accepted', { replay: result.replay });
  return jsonResponse(200, { url: result.url, confirmation_code: result.confirmationCode });
}

export const handler = middy(metaDataDeletion)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorBoundary());
