// runtime: what the pages a confirmation code opens share (the status page and the copy of a person's
// data): their headers, the one code of the query, and whether the caller asked for JSON.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { STATUS_PAGE_CSP } from '../core/status-page.js';
import { header } from './http.js';

// The code is a bearer secret: pages carrying it are never cached by shared caches nor indexed.
export const CODE_PAGE_HEADERS = {
  'Content-Security-Policy': STATUS_PAGE_CSP,
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Frame-Options': 'DENY',
  Vary: 'Accept',
};

export function wantsJson(event: APIGatewayProxyEvent): boolean {
  return (header(event, 'accept') ?? '').toLowerCase().includes('application/json');
}

/** The one `code` of the query; none when it is missing or given twice. */
export function codeOf(event: APIGatewayProxyEvent): string | undefined {
  const codes = event.multiValueQueryStringParameters?.code ?? [];
  return codes.length === 1 ? codes[0] : codes.length === 0 ? event.queryStringParameters?.code : undefined;
}
