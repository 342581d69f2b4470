// handler: GET /deletion-status?code=… — the status page, as HTML for people and JSON for programs —
// and GET /privacy-export?code=…[&format=json] — the copy of a person's data an access request made.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { renderMessagePage } from '../core/self-service-pages.js';
import { renderNotFoundPage, renderStatusPage, STATUS_PAGE_CSP } from '../core/status-page.js';
import { makeGetDeletionStatus } from '../use-cases/get-deletion-status.js';
import { makeGetExport } from '../use-cases/get-export.js';
import { systemClock } from '../use-cases/ports.js';
import { exportStore } from '../runtime/export-store.js';
import {
  errorResponse,
  header,
  htmlResponse,
  httpErrorBoundary,
  jsonResponse,
  type HttpResponse,
} from '../runtime/http.js';
import { logger } from '../runtime/observability.js';
import { backupRetentionDays, exportSettings, privacyContact, servedChannels } from '../runtime/config.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const contact = privacyContact(process.env);
// The page speaks only of the platforms the stage serves.
const platforms = [...servedChannels(process.env)];
const store = deletionRequestStore(process.env);
const getDeletionStatus = makeGetDeletionStatus(store, {
  backupRetentionDays: backupRetentionDays(process.env),
});
const getExport = makeGetExport({
  store,
  exports: exportStore(exportSettings(process.env).bucket),
  clock: systemClock,
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

/** The one `code` of the query; none when it is missing or given twice. */
function codeOf(event: APIGatewayProxyEvent): string | undefined {
  const codes = event.multiValueQueryStringParameters?.code ?? [];
  return codes.length === 1 ? codes[0] : codes.length === 0 ? event.queryStringParameters?.code : undefined;
}

// The export and the form are siblings under the API's base path: a relative link works on a stage URL too.
const FORM_URL = 'delete-my-data';

async function privacyExport(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  const json = wantsJson(event) || event.queryStringParameters?.format === 'json';
  const answer = await getExport(codeOf(event), json ? 'json' : 'html');
  if (answer.kind === 'ok') {
    return {
      statusCode: 200,
      headers: {
        ...htmlResponse(200, '', PAGE_HEADERS).headers,
        'Content-Type': answer.contentType,
        ...(json ? { 'Content-Disposition': 'attachment; filename="my-data.json"' } : {}),
      },
      body: answer.body,
    };
  }
  const [status, title, words] =
    answer.kind === 'expired'
      ? [
          410,
          'This copy has expired',
          'The link has expired and the copy of your data has been deleted. You can ask for a new one at any time.',
        ]
      : [
          404,
          'Copy not found',
          'We could not find a copy of your data for this link. Check that you copied the whole link from our email.',
        ];
  return json
    ? errorResponse(status, answer.kind, PAGE_HEADERS)
    : htmlResponse(status, renderMessagePage(title, words, contact, FORM_URL), PAGE_HEADERS);
}

async function deletionStatus(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'GET') return errorResponse(405, 'method_not_allowed', { Allow: 'GET' });
  if ((event.resource ?? event.path) === '/privacy-export') return privacyExport(event);
  const code = codeOf(event);
  const view = await getDeletionStatus(code);
  if (!view) {
    return wantsJson(event)
      ? errorResponse(404, 'not_found', PAGE_HEADERS)
      : htmlResponse(404, renderNotFoundPage(contact), PAGE_HEADERS);
  }
  return wantsJson(event)
    ? jsonResponse(200, view, PAGE_HEADERS)
    : htmlResponse(200, renderStatusPage(view, contact, platforms), PAGE_HEADERS);
}

export const handler = middy(deletionStatus).use(injectLambdaContext(logger)).use(httpErrorBoundary());
