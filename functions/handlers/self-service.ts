// handler: the self-service routes. GET /delete-my-data and /privacy (the page for every right), POST
// /deletion-requests (deletion, form or JSON, for the website, the portal and the AI agents), POST
// /privacy-requests (every right, with its `type`), GET
// /deletion-requests/verify?token=… (the link in the verification message: a page with one button,
// no change of state) and POST /deletion-requests/verify (the button: confirms).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { makeDynamoRateLimiter } from '../adapters/dynamo-rate-limiter.js';
import { makeDynamoVerificationStore } from '../adapters/dynamo-verifications.js';
import { isJurisdiction } from '../core/due-date.js';
import {
  parseRightsRequest,
  type RequestType,
  type RightsProblem,
  type RightsRequest,
} from '../core/privacy-rights.js';
import { renderRightsPage, type RightsFormState } from '../core/rights-pages.js';
import {
  ANSWER_WORDS,
  VERIFY_ERROR_WORDS,
  identifierProblemWords,
  metaPlatformWords,
  rateLimitedWords,
  refusedIdentifierWords,
  renderAlreadyConfirmedPage,
  renderConfirmPage,
  renderLinkSentPage,
  renderMessagePage,
  type ChannelOffer,
} from '../core/self-service-pages.js';
import { STATUS_PAGE_CSP } from '../core/status-page.js';
import { ROUTES } from '../declarations/functions.js';
import { RATE_LIMITS_TABLE, VERIFICATIONS_TABLE } from '../declarations/tables.js';
import {
  makeRequestSelfServiceDeletion,
  type SelfServiceResult,
} from '../use-cases/request-self-service-deletion.js';
import {
  makeInspectVerificationLink,
  makeVerifyDeletionRequest,
  type LinkInspection,
} from '../use-cases/verify-deletion-request.js';
import { systemClock } from '../use-cases/ports.js';
import { statusUrl } from '../use-cases/status-url.js';
import {
  phoneVerificationSettings,
  privacyContact,
  publicBaseUrl,
  selfServiceSettings,
  servedChannels,
  tableName,
} from '../runtime/config.js';
import { dynamoDocumentClient } from '../runtime/aws-clients.js';
import {
  emptyResponse,
  errorResponse,
  header,
  htmlResponse,
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
  verificationQueue,
} from '../runtime/wiring.js';

const env = process.env;
const documents = dynamoDocumentClient();
const store = deletionRequestStore(env);
const verifications = makeDynamoVerificationStore(documents, tableName(env, VERIFICATIONS_TABLE));
const baseUrl = publicBaseUrl(env);
const contact = privacyContact(env);
const formUrl = `${baseUrl}/delete-my-data`;
// The pages offer and promise only the platform channels the stage serves.
const channels = servedChannels(env);
const offer: ChannelOffer = {
  metaPlatforms: (['facebook', 'instagram'] as const).filter((platform) => channels.has(platform)),
  whatsapp: channels.has('whatsapp'),
};
const maxBodyBytes = (path: string) =>
  ROUTES.find((route) => route.path === path && route.method === 'POST')?.maxBodyBytes ?? 4096;
// The worker sends every link after the answer (use-cases/send-verification.ts).
const verificationSends = verificationQueue(env);

const requestDeletion = makeRequestSelfServiceDeletion({
  store,
  rateLimiter: makeDynamoRateLimiter(documents, tableName(env, RATE_LIMITS_TABLE)),
  verificationQueue: verificationSends,
  // Phone numbers are verified by WhatsApp when a business number is configured (WHATSAPP_PHONE_NUMBER_ID).
  phoneVerification: phoneVerificationSettings(env) !== undefined,
  clock: systemClock,
  hashIdentifier: identifierHasher(makeSecretReader(env)),
  events: powertoolsEvents,
  limits: selfServiceSettings(env),
});

const verifyRequest = makeVerifyDeletionRequest({
  store,
  openRequests: subjectOpenRequests(env),
  verifications,
  queue: deletionJobQueue(env),
  clock: systemClock,
  events: powertoolsEvents,
  warn: (message, fields) => logger.warn(message, fields),
  // The second link of an email correction, to the new address.
  verificationQueue: verificationSends,
});

const inspectLink = makeInspectVerificationLink({ store, verifications, clock: systemClock });
const maxVerifyBodyBytes =
  ROUTES.find((route) => route.path === '/deletion-requests/verify' && route.method === 'POST')
    ?.maxBodyBytes ?? 1024;

const PAGE_HEADERS = {
  'Content-Security-Policy': STATUS_PAGE_CSP,
  'X-Frame-Options': 'DENY',
};
// Pages that carry a token or answer for one person: never indexed, never cached by shared caches.
const PRIVATE_HEADERS = { ...PAGE_HEADERS, 'X-Robots-Tag': 'noindex, nofollow' };

interface Submission {
  readonly identifier: unknown;
  readonly jurisdiction: unknown;
  /** The right asked for and its details (POST /privacy-requests only). */
  readonly type: unknown;
  readonly attribute: unknown;
  readonly value: unknown;
  readonly activity: unknown;
  readonly json: boolean;
}

const FIELDS = ['identifier', 'jurisdiction', 'type', 'attribute', 'value', 'activity'] as const;

function parseSubmission(event: APIGatewayProxyEvent, bytes: Buffer): Submission | { error: number } {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const text = bytes.toString('utf8');
  if (type === 'application/json') {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 400 };
      return { ...Object.fromEntries(FIELDS.map((name) => [name, body[name]])), json: true } as Submission;
    } catch {
      return { error: 400 };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    return {
      ...Object.fromEntries(FIELDS.map((name) => [name, form.get(name) ?? undefined])),
      json: false,
    } as Submission;
  }
  return { error: 415 };
}

const PROBLEM_WORDS: Record<RightsProblem, string> = {
  unknown_type: 'Choose what you want us to do: deletion, access, correction or withdraw_consent.',
  unknown_attribute: 'Choose what to correct: your name, your email address or your company name.',
  invalid_value:
    'Enter what it should be (at most 200 characters, and a valid email address for an email correction).',
  unknown_activity: offer.whatsapp
    ? 'Choose what to stop: analytics, marketing messages on WhatsApp, or keeping AI assistant transcripts.'
    : 'Choose what to stop: analytics, or keeping AI assistant transcripts.',
};

/** Words after a link was sent: nothing happens (for deletion: nothing is deleted) until it is opened. */
function sentWords(via: 'email' | 'whatsapp', type: RequestType): string {
  const words = ANSWER_WORDS.link_sent[via];
  return type === 'deletion'
    ? words
    : words.replace('Nothing is deleted until you do.', 'Nothing happens until you do.');
}

const rightsPlatformWords = `We cannot confirm a ${metaPlatformWords(offer) || 'social media'} account from this form. Please give the email address of your account instead.`;

/** The words of an answer; deletion keeps its own, the other rights are not sent to Meta's settings. */
function answerWords(result: SelfServiceResult, type: RequestType): string {
  switch (result.outcome) {
    case 'link_sent':
      return sentWords(result.via, type);
    case 'rate_limited':
      return rateLimitedWords(result.retryAfterSeconds);
    case 'invalid_identifier':
      return identifierProblemWords(result.problem, offer);
    case 'use_platform_settings':
      return type === 'deletion' ? refusedIdentifierWords(result.outcome, offer) : rightsPlatformWords;
    case 'whatsapp_unavailable':
      return refusedIdentifierWords(result.outcome, offer);
    default:
      return ANSWER_WORDS[result.outcome];
  }
}

function formState(submission: Submission, error: string): RightsFormState {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    identifier: text(submission.identifier) ?? '',
    error,
    ...(isJurisdiction(submission.jurisdiction) ? { jurisdiction: submission.jurisdiction } : {}),
    ...(text(submission.attribute) ? { attribute: text(submission.attribute) } : {}),
    ...(text(submission.value) ? { value: text(submission.value) } : {}),
    ...(text(submission.activity) ? { activity: text(submission.activity) } : {}),
  };
}

function refuseRights(problem: RightsProblem, submission: Submission): HttpResponse {
  const message = PROBLEM_WORDS[problem];
  if (submission.json) return jsonResponse(400, { status: 'invalid_request', problem, message });
  const type = typeof submission.type === 'string' ? submission.type : '';
  if (type === 'access' || type === 'correction' || type === 'withdraw_consent')
    return htmlResponse(
      400,
      renderRightsPage({ [type]: formState(submission, message) }, contact, offer),
      PRIVATE_HEADERS,
    );
  return htmlResponse(
    400,
    renderMessagePage('Request not understood', message, contact, formUrl),
    PRIVATE_HEADERS,
  );
}

const JSON_STATUS: Record<SelfServiceResult['outcome'], number> = {
  link_sent: 202,
  invalid_identifier: 400,
  rate_limited: 429,
  whatsapp_unavailable: 422,
  use_platform_settings: 422,
  needs_email: 422,
};

function answer(result: SelfServiceResult, submission: Submission, type: RequestType): HttpResponse {
  const message = answerWords(result, type);
  // The true time until the window that refused it ends (a day for the per-identifier limit).
  const retry: Record<string, string> =
    result.outcome === 'rate_limited' ? { 'Retry-After': String(result.retryAfterSeconds) } : {};
  if (submission.json) {
    return jsonResponse(
      JSON_STATUS[result.outcome],
      {
        status: result.outcome,
        ...(type === 'deletion' ? {} : { type }),
        ...(result.outcome === 'link_sent' ? { via: result.via } : {}),
        ...(result.outcome === 'invalid_identifier' ? { problem: result.problem } : {}),
        message,
      },
      retry,
    );
  }
  if (result.outcome === 'link_sent')
    return htmlResponse(200, renderLinkSentPage(result.via, contact, message), PRIVATE_HEADERS);
  if (result.outcome === 'rate_limited')
    return htmlResponse(429, renderMessagePage('Please try again later', message, contact, formUrl), {
      ...PRIVATE_HEADERS,
      ...retry,
    });
  return htmlResponse(
    result.outcome === 'invalid_identifier' ? 400 : 200,
    renderRightsPage({ [type]: formState(submission, message) }, contact, offer),
    PRIVATE_HEADERS,
  );
}

function isFormPost(event: APIGatewayProxyEvent): boolean {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded';
}

/** POST /deletion-requests asks for deletion whatever the body says; /privacy-requests names the right. */
async function submit(event: APIGatewayProxyEvent, route: string): Promise<HttpResponse> {
  const body = readBody(event, maxBodyBytes(route));
  if (!body.ok) {
    // A browser gets the form back with what is wrong; a program gets JSON.
    if (isFormPost(event)) {
      return htmlResponse(
        413,
        renderRightsPage({ deletion: { error: identifierProblemWords('too_long', offer) } }, contact, offer),
        PRIVATE_HEADERS,
      );
    }
    return errorResponse(413, 'body_too_large');
  }
  const submission = parseSubmission(event, body.bytes);
  if ('error' in submission)
    return errorResponse(
      submission.error,
      submission.error === 415 ? 'unsupported_media_type' : 'malformed_body',
    );
  let asked: RightsRequest = { type: 'deletion' };
  if (route === '/privacy-requests') {
    const parsed = parseRightsRequest(submission);
    if (!parsed.ok) return refuseRights(parsed.problem, submission);
    asked = parsed.request;
  }
  const result = await requestDeletion({
    identifier: submission.identifier,
    request: asked,
    sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
    ...(isJurisdiction(submission.jurisdiction) ? { jurisdiction: submission.jurisdiction } : {}),
  });
  logger.info('Self-service request answered', { outcome: result.outcome, type: asked.type });
  return answer(result, submission, asked.type);
}

/** Why a link does not confirm, as a page: a used link leads to its status page, never a dead end. */
function linkRefused(result: Exclude<LinkInspection, { ok: true }>): HttpResponse {
  if (result.reason === 'used') {
    const link = result.confirmationCode ? statusUrl(baseUrl, result.confirmationCode) : undefined;
    return htmlResponse(200, renderAlreadyConfirmedPage(link, contact), PRIVATE_HEADERS);
  }
  return htmlResponse(
    result.reason === 'unknown' ? 404 : 410,
    renderMessagePage('Confirmation link not accepted', VERIFY_ERROR_WORDS[result.reason], contact, formUrl),
    PRIVATE_HEADERS,
  );
}

/** GET: shows the confirm button (or why not). Reads only: a scanner opening the link changes nothing. */
async function showVerification(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const token = event.queryStringParameters?.token;
  const result = await inspectLink(token);
  logger.info('Verification link opened', { ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
  if (!result.ok) return linkRefused(result);
  return htmlResponse(200, renderConfirmPage(String(token), contact, result.confirms), PRIVATE_HEADERS);
}

/** POST: the person pressed the button. */
async function verify(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const body = readBody(event, maxVerifyBodyBytes);
  if (!body.ok) return errorResponse(413, 'body_too_large');
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return errorResponse(415, 'unsupported_media_type');
  const result = await verifyRequest(new URLSearchParams(body.bytes.toString('utf8')).get('token'));
  logger.info('Verification confirmed', { ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
  if (!result.ok) return linkRefused(result);
  // Every confirmed link, including the first of an email correction, ends on the request's status
  // page: it is where the person follows it (there, "confirm your new email address").
  return {
    ...emptyResponse(303),
    headers: { ...emptyResponse(303).headers, Location: statusUrl(baseUrl, result.confirmationCode) },
  };
}

async function selfService(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const path = event.resource ?? event.path;
  if ((path === '/delete-my-data' || path === '/privacy') && event.httpMethod === 'GET') {
    // Public instructions page (Meta's Data Deletion Instructions URL): cacheable by nobody but harmless.
    return htmlResponse(200, renderRightsPage({}, contact, offer), PAGE_HEADERS);
  }
  if ((path === '/deletion-requests' || path === '/privacy-requests') && event.httpMethod === 'POST')
    return submit(event, path);
  if (path === '/deletion-requests/verify' && event.httpMethod === 'GET') return showVerification(event);
  if (path === '/deletion-requests/verify' && event.httpMethod === 'POST') return verify(event);
  return errorResponse(405, 'method_not_allowed');
}

export const handler = middy(selfService)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(httpErrorBoundary());
