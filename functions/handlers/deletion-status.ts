// handler: GET /deletion-status?code=… — the status page, as HTML for people and JSON for programs.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { renderNotFoundPage, renderStatusPage } from '../core/status-page.js';
import { makeGetDeletionStatus } from '../use-cases/get-deletion-status.js';
import { CODE_PAGE_HEADERS, codeOf, wantsJson } from '../runtime/code-pages.js';
import {
  errorResponse,
  htmlResponse,
  httpErrorBoundary,
  jsonResponse,
  type HttpResponse,
} from '../runtime/http.js';
import { logger } from '../runtime/observability.js';
import { backupRetentionDays, privacyContact, servedChannels } from '../runtime/config.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const contact = privacyContact(process.env);
// The page speaks only of the platforms the stage serves.
const platforms = [...servedChannels(process.env)];
const getDeletionStatus = makeGetDeletionStatus(deletionRequestStore(process.env), {
  backupRetentionDays: backupRetentionDays(process.env),
});

async function deletionStatus(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'GET') return errorResponse(405, 'method_not_allowed', { Allow: 'GET' });
  const view = await getDeletionStatus(codeOf(event));
  if (!view) {
    return wantsJson(event)
      ? errorResponse(404, 'not_found', CODE_PAGE_HEADERS)
      : htmlResponse(404, renderNotFoundPage(contact), CODE_PAGE_HEADERS);
  }
  return wantsJson(event)
    ? jsonResponse(200, view, CODE_PAGE_HEADERS)
    : htmlResponse(200, renderStatusPage(view, contact, platforms), CODE_PAGE_HEADERS);
}

export const handler = middy(deletionStatus).use(injectLambdaContext(logger)).use(httpErrorBoundary());
