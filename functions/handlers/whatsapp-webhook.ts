// handler: GET and POST /whatsapp/webhook — WhatsApp Cloud API webhooks. GET is the verification
// handshake (challenge echoed as plain text); POST is verified over the raw bytes, persisted, and
// answered 200 once persisted. 401 for a bad or missing signature, never a 5xx for bad input.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { verificationChallenge } from '../core/whatsapp-signature.js';
import { FUNCTIONS, ROUTES } from '../declarations/functions.js';
import { makeReceiveWhatsAppWebhook } from '../use-cases/receive-whatsapp-webhook.js';
import { systemClock } from '../use-cases/ports.js';
import { publicBaseUrl, whatsappBusinessNumbers, whatsappSettings } from '../runtime/config.js';
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
import { identifierHasher } from '../runtime/wiring.js';
import { whatsappInbox, whatsappMessageHandler } from '../runtime/whatsapp-wiring.js';

const env = process.env;
const route = ROUTES.find(
  (candidate) => candidate.path === '/whatsapp/webhook' && candidate.method === 'POST',
);
const maxBodyBytes = route?.maxBodyBytes ?? 3 * 1024 * 1024;
const secrets = makeSecretReader(env);
const settings = whatsappSettings(env);
/** A message this function holds is the sweeper's once the function can no longer be running. */
const leaseMillis = (FUNCTIONS.whatsappWebhook.timeoutSeconds + 5) * 1000;

const receiveWhatsAppWebhook = makeReceiveWhatsAppWebhook({
  inbox: whatsappInbox(env),
  clock: systemClock,
  events: powertoolsEvents,
  secrets: () => secrets('whatsappAppSecret'),
  hashIdentifier: identifierHasher(secrets),
  handleMessage: whatsappMessageHandler(env, secrets, { publicBaseUrl: publicBaseUrl(env), leaseMillis }),
  leaseMillis,
  warn: (message, fields) => logger.warn(message, fields),
  retentionDays: settings.retentionDays,
  inlineBudgetMillis: settings.inlineBudgetMillis,
  businessNumbers: whatsappBusinessNumbers(env),
});

function query(event: APIGatewayProxyEvent, name: string): string | undefined {
  const values = event.multiValueQueryStringParameters?.[name];
  if (values && values.length !== 1) return undefined;
  return values?.[0] ?? event.queryStringParameters?.[name] ?? undefined;
}

async function verifyHandshake(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const challenge = verificationChallenge(
    {
      mode: query(event, 'hub.mode'),
      token: query(event, 'hub.verify_token'),
      challenge: query(event, 'hub.challenge'),
    },
    await secrets('whatsappVerifyToken'),
  );
  if (challenge === undefined) {
    logger.info('WhatsApp verification refused');
    return errorResponse(403, 'forbidden');
  }
  // The challenge verbatim, as plain text: never JSON-quoted, never parsed as a number.
  return {
    ...emptyResponse(200),
    headers: { ...emptyResponse(200).headers, 'Content-Type': 'text/plain; charset=utf-8' },
    body: challenge,
  };
}

async function whatsappWebhook(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod === 'GET') return verifyHandshake(event);
  if (event.httpMethod !== 'POST') return errorResponse(405, 'method_not_allowed', { Allow: 'GET, POST' });
  const body = readBody(event, maxBodyBytes);
  if (!body.ok) return errorResponse(413, 'body_too_large');

  const result = await receiveWhatsAppWebhook(body.bytes, header(event, 'x-hub-signature-256'));
  if (!result.ok) {
    logger.info('WhatsApp webhook rejected', { reason: result.reason });
    return errorResponse(401, result.reason);
  }
  logger.info('WhatsApp webhook accepted', {
    stored: result.stored,
    duplicates: result.duplicates,
    statuses: result.statuses,
    processed: result.processed,
    deferred: result.deferred,
    malformed: result.malformed,
  });
  return jsonResponse(200, { received: true });
}

export const handler = middy(whatsappWebhook)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorBoundary());
