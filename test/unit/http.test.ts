// Unit tests for the HTTP edge helpers: body decoding with a size cap and header lookup.
import { describe, it, expect } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { errorResponse, header, htmlResponse, readBody } from '../../functions/runtime/http.js';
import { callbackFormBody } from '../support/signing.js';

const CAP = 8192;

describe('readBody', () => {
  it('returns the UTF-8 bytes of a plain body', () => {
    expect(readBody({ body: 'signed_request=abc.def', isBase64Encoded: false }, CAP)).toStrictEqual({
      ok: true,
      bytes: Buffer.from('signed_request=abc.def', 'utf8'),
    });
  });

  it('decodes a base64-encoded API Gateway body', () => {
    const form = callbackFormBody('w5ZbbWP9yOwBA1uJZbc7-9gZok0O42U4i0yyvxXE_jY.eyJhbGci');
    const event = { body: Buffer.from(form, 'utf8').toString('base64'), isBase64Encoded: true };
    expect(readBody(event, CAP)).toStrictEqual({ ok: true, bytes: Buffer.from(form, 'utf8') });
  });

  it('decodes base64-wrapped bytes that are not text', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xc3, 0x28, 0x80]);
    expect(readBody({ body: bytes.toString('base64'), isBase64Encoded: true }, CAP)).toStrictEqual({
      ok: true,
      bytes,
    });
  });

  it('treats a missing body as empty', () => {
    expect(readBody({ body: null, isBase64Encoded: false }, CAP)).toStrictEqual({
      ok: true,
      bytes: Buffer.alloc(0),
    });
  });

  it('accepts a body of exactly the cap', () => {
    const result = readBody({ body: 'a'.repeat(CAP), isBase64Encoded: false }, CAP);
    expect(result.ok && result.bytes.length).toBe(CAP);
  });

  it('refuses a body one byte over the cap with 413', () => {
    expect(readBody({ body: 'a'.repeat(CAP + 1), isBase64Encoded: false }, CAP)).toStrictEqual({
      ok: false,
      status: 413,
    });
  });

  it('counts bytes, not characters: multi-byte text over the cap is refused', () => {
    const text = 'ä'.repeat(CAP / 2 + 1);
    expect(text.length).toBeLessThan(CAP);
    expect(readBody({ body: text, isBase64Encoded: false }, CAP)).toStrictEqual({ ok: false, status: 413 });
  });

  it('accepts a base64 body decoding to exactly the cap', () => {
    const event = { body: Buffer.alloc(CAP, 1).toString('base64'), isBase64Encoded: true };
    const result = readBody(event, CAP);
    expect(result.ok && result.bytes.length).toBe(CAP);
  });

  it('refuses a base64 body decoding to one byte over the cap with 413', () => {
    const event = { body: Buffer.alloc(CAP + 1, 1).toString('base64'), isBase64Encoded: true };
    expect(readBody(event, CAP)).toStrictEqual({ ok: false, status: 413 });
  });

  it.each([false, true])('refuses a 1 MB body with 413 (base64: %s)', (isBase64Encoded) => {
    const raw = Buffer.alloc(1024 * 1024, 0x61);
    const event = { body: isBase64Encoded ? raw.toString('base64') : raw.toString('utf8'), isBase64Encoded };
    expect(readBody(event, CAP)).toStrictEqual({ ok: false, status: 413 });
  });
});

describe('header', () => {
  const event = (headers: Record<string, string | undefined>) =>
    ({ headers }) as Pick<APIGatewayProxyEvent, 'headers'>;

  it.each(['content-type', 'Content-Type', 'CONTENT-TYPE', 'cOnTeNt-TyPe'])(
    'finds Content-Type when asked for %s',
    (name) => {
      expect(header(event({ 'Content-Type': 'application/x-www-form-urlencoded' }), name)).toBe(
        'application/x-www-form-urlencoded',
      );
    },
  );

  it('finds a header sent in lower case (HTTP API) when asked in mixed case', () => {
    expect(header(event({ 'x-hub-signature-256': 'sha256=ab' }), 'X-Hub-Signature-256')).toBe('sha256=ab');
  });

  it('returns undefined for a missing header', () => {
    expect(header(event({ Accept: 'text/html' }), 'content-type')).toBeUndefined();
  });

  it('skips a header whose value is undefined', () => {
    expect(header(event({ 'content-type': undefined, 'Content-Type': 'text/plain' }), 'content-type')).toBe(
      'text/plain',
    );
  });

  it('copes with an event without headers', () => {
    const noHeaders = { headers: null } as unknown as Pick<APIGatewayProxyEvent, 'headers'>;
    expect(header(noHeaders, 'content-type')).toBeUndefined();
  });
});

describe('responses', () => {
  it('sends errors as no-store JSON that names only the error', () => {
    const response = errorResponse(403, 'bad_signature');
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toStrictEqual({ error: 'bad_signature' });
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('lets a caller add a Content-Security-Policy to an HTML response', () => {
    const response = htmlResponse(200, '<p>x</p>', { 'Content-Security-Policy': "default-src 'none'" });
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'",
      'Referrer-Policy': 'no-referrer',
    });
  });
});
