// handler: GET /privacy-export?code=…[&format=json] — the copy of a person's data an access request made,
// as a page to read or as a file (JSON).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { renderMessagePage } from '../core/self-service-pages.js';
import { makeGetExport } from '../use-cases/get-export.js';
import { systemClock } from '../use-cases/ports.js';
import { CODE_PAGE_HEADERS, codeOf, wantsJson } from '../runtime/code-pages.js';
import { exportStore } from '../runtime/export-store.js';
import { errorResponse, htmlResponse, httpErrorBoundary, type HttpResponse } from '../runtime/http.js';
import { logger } from '../runtime/observability.js';
import { exportSettings, privacyContact } from '../runtime/config.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const contact = privacyContact(process.env);
const getExport = makeGetExport({
  store: deletionRequestStore(process.env),
  exports: exportStore(exportSettings(process.env).bucket),
  clock: systemClock,
});

// The export and the form are siblings under the API's base path: a relative link works on a stage URL too.
const FORM_URL = 'delete-my-data';

async function privacyExport(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'GET') return errorResponse(405, 'method_not_allowed', { Allow: 'GET' });
  const json = wantsJson(event) || event.queryStringParameters?.format === 'json';
  const answer = await getExport(codeOf(event), json ? 'json' : 'html');
  if (answer.kind === 'ok') {
    return {
      statusCode: 200,
      headers: {
        ...htmlResponse(200, '', CODE_PAGE_HEADERS).headers,
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
    ? errorResponse(status, answer.kind, CODE_PAGE_HEADERS)
    : htmlResponse(status, renderMessagePage(title, words, contact, FORM_URL), CODE_PAGE_HEADERS);
}

export const handler = middy(privacyExport).use(injectLambdaContext(logger)).use(httpErrorBoundary());
