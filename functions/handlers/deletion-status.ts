// handler: GET /deletion-status?code=… — the status page, as HTML for people and JSON for programs.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { renderNotFoundPage, renderStatusPage, STATUS_PAGE_CSP } from '../core/status-page.js';
import { makeGetDeletionStatus } from '../use-cases/get-deletion-status.js';
import {
  errorResponse,
  header,
  htmlResponse,
  httpErrorBoundary,
  jsonResponse,
  type HttpResponse,
} from '../runtime/http.js';
import { logger } from '../runtime/observability.js';
import { backupRetentionDays, privacyContact } from '../runtime/config.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const contact = privacyContact(process.env);
const getDeletionStatus = makeGetDeletionStatus(deletionRequestStore(process.env), {
  backupRetentionDays: backupRetentionDays(process.env),
});

// The code is a bearer secret: pages carrying it are never cached by shared caches nor indexed.
const PAGE_HEADERS = {
  'Content-Security-Policy': STATUS_PAGE_CSP,
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Frame-Options': 'DENY',
  Vary: 'Accept',
};

function wantsJson(event: APIGatewayProxyEvent): boolean {
  return (header(event, 'accept') ?? '').toLowerCase().includes('application/json');
}

async function deletionStatus(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'GET') return errorResponse(405, 'method_not_allowed', { Allow: 'GET' });
  const codes = event.multiValueQueryStringParameters?.code ?? [];
  const code =
    codes.length === 1 ? codes[0] : codes.length === 0 ? event.queryStringParameters?.code : undefined;
  const view = await getDeletionStatus(code);
  if (!view) {
    return wantsJson(event)
      ? errorResponse(404, 'not_found', PAGE_HEADERS)
      : htmlResponse(404, renderNotFoundPage(contact), PAGE_HEADERS);
  }
  return wantsJson(event)
    ? jsonResponse(200, view, PAGE_HEADERS)
    : htmlResponse(200, renderStatusPage(view, contact), PAGE_HEADERS);
}

export const handler = middy(deletionStatus).use(injectLambdaContext(logger)).use(httpErrorBoundary());
