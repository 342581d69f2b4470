// runtime: the HTTP edge shared by the API handlers: body decoding with a size cap, header lookup,
// responses with safe headers, and one boundary that turns an unexpected error into a bare 500.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';
import { logger } from './observability.js';

export type HttpResponse = APIGatewayProxyResult;

export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export type BodyResult =
  { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly status: 413 };

/** The raw request body bytes (API Gateway may hand them base64-encoded), refused when too large. */
export function readBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  maxBytes: number,
): BodyResult {
  const body = event.body ?? '';
  // Refuse before decoding: base64 text is longer than the bytes it carries, utf-8 text never shorter.
  if (body.length > (event.isBase64Encoded ? Math.ceil((maxBytes * 4) / 3) + 4 : maxBytes * 4)) {
    return { ok: false, status: 413 };
  }
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return bytes.length > maxBytes ? { ok: false, status: 413 } : { ok: true, bytes };
}

const BASE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
};

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  error: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(statusCode, { error }, headers);
}

export function htmlResponse(
  statusCode: number,
  html: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'Content-Type': 'text/html; charset=utf-8', ...headers },
    body: html,
  };
}

export function emptyResponse(statusCode: number): HttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS }, body: '' };
}

/** Unexpected errors become a 500 with no detail; the error's name (never its message) is logged. */
export function httpErrorBoundary(): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    onError: async (request) => {
      logger.error('Unhandled error', { errorName: (request.error as Error | undefined)?.name });
      request.response = errorResponse(500, 'internal_error');
    },
  };
}
