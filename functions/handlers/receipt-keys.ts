// handler: GET /.well-known/jwks.json — the public keys that receipts are signed with (current and
// previous), for anyone who wants to check a receipt. Public data: cacheable, and readable from any origin.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { makeKmsReceiptPublicKeys } from '../adapters/kms-receipt-keys.js';
import { makePublishReceiptKeys } from '../use-cases/publish-receipt-keys.js';
import { kms } from '../runtime/kms-client.js';
import { receiptPublishedKeyIds } from '../runtime/config.js';
import { errorResponse, httpErrorBoundary, jsonResponse, type HttpResponse } from '../runtime/http.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';

const publishReceiptKeys = makePublishReceiptKeys({
  keys: makeKmsReceiptPublicKeys(kms()),
  keyIds: receiptPublishedKeyIds(process.env),
  events: powertoolsEvents,
  log: (message, fields) => logger.error(message, fields),
});

const PUBLIC_HEADERS = {
  'Cache-Control': 'public, max-age=300',
  'Access-Control-Allow-Origin': '*',
};

async function receiptKeys(event: APIGatewayProxyEvent): Promise<HttpResponse> {
  if (event.httpMethod !== 'GET') return errorResponse(405, 'method_not_allowed', { Allow: 'GET' });
  try {
    const keySet = await publishReceiptKeys();
    // Without any key a verifier could only fail; say so, and that it is temporary.
    if (keySet.keys.length === 0) return errorResponse(503, 'keys_unavailable', { 'Retry-After': '30' });
    return jsonResponse(200, keySet, PUBLIC_HEADERS);
  } finally {
    metrics.publishStoredMetrics();
  }
}

export const handler = middy(receiptKeys).use(injectLambdaContext(logger)).use(httpErrorBoundary());
