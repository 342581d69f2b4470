// Unit tests for parseCallbackForm: extracting the one `signed_request` field from the body Meta
// posts (urlencoded), tolerating JSON, refusing everything else.
import { describe, it, expect } from '@jest/globals';
import { parseCallbackForm } from '../../functions/core/callback-form.js';
import { verifySignedRequest } from '../../functions/core/signed-request.js';
import { TEST_APP_SECRET, callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';

const NOW = 1767222000;
const POLICY = { secrets: [TEST_APP_SECRET], maxAgeSeconds: 86400, maxSkewSeconds: 300 };
const FORM = 'application/x-www-form-urlencoded';
const SIGNED_REQUEST = signRequest(deletionPayload('10158012345678901', NOW), TEST_APP_SECRET);

function body(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

describe('parseCallbackForm — urlencoded (what Meta posts)', () => {
  it('extracts signed_request from a urlencoded form', () => {
    expect(parseCallbackForm(FORM, body(callbackFormBody(SIGNED_REQUEST)))).toStrictEqual({
      ok: true,
      signedRequest: SIGNED_REQUEST,
    });
  });

  it.each([
    'application/x-www-form-urlencoded; charset=UTF-8',
    'application/x-www-form-urlencoded;charset=utf-8',
    'Application/X-WWW-Form-Urlencoded',
    '  application/x-www-form-urlencoded  ',
  ])('accepts the content type %j', (contentType) => {
    expect(parseCallbackForm(contentType, body(callbackFormBody(SIGNED_REQUEST)))).toStrictEqual({
      ok: true,
      signedRequest: SIGNED_REQUEST,
    });
  });

  it('treats a body without content type as urlencoded', () => {
    expect(parseCallbackForm(undefined, body(callbackFormBody(SIGNED_REQUEST)))).toStrictEqual({
      ok: true,
      signedRequest: SIGNED_REQUEST,
    });
  });

  it('ignores other form fields', () => {
    const text = `foo=bar&${callbackFormBody(SIGNED_REQUEST)}&baz=1`;
    expect(parseCallbackForm(FORM, body(text))).toStrictEqual({ ok: true, signedRequest: SIGNED_REQUEST });
  });

  it('decodes %3D padding before verification, so a request signed over padded text verifies', () => {
    const padded = signRequest(deletionPayload('10158012345678901', NOW), TEST_APP_SECRET, { pad: true });
    expect(padded).toMatch(/=$/);
    const text = `signed_request=${padded.replace(/=/g, '%3D')}`;
    expect(text).not.toMatch(/=.*=/); // the only raw `=` separates name and value
    const form = parseCallbackForm(FORM, body(text));
    expect(form).toStrictEqual({ ok: true, signedRequest: padded });
    if (!form.ok) return;
    expect(verifySignedRequest(form.signedRequest, POLICY, NOW).ok).toBe(true);
  });

  it('rejects a body without a signed_request field as missing_signed_request', () => {
    expect(parseCallbackForm(FORM, body('foo=bar'))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'missing_signed_request',
    });
  });

  it('rejects an empty body as missing_signed_request', () => {
    expect(parseCallbackForm(FORM, Buffer.alloc(0))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'missing_signed_request',
    });
  });

  it('rejects two signed_request fields as duplicate_signed_request', () => {
    const other = signRequest(deletionPayload('42', NOW), TEST_APP_SECRET);
    const text = `${callbackFormBody(SIGNED_REQUEST)}&${callbackFormBody(other)}`;
    expect(parseCallbackForm(FORM, body(text))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'duplicate_signed_request',
    });
  });

  it('rejects the same signed_request sent twice as duplicate_signed_request', () => {
    const text = `${callbackFormBody(SIGNED_REQUEST)}&${callbackFormBody(SIGNED_REQUEST)}`;
    expect(parseCallbackForm(FORM, body(text))).toMatchObject({
      ok: false,
      error: 'duplicate_signed_request',
    });
  });

  it('hands an empty signed_request to verification, which rejects it as malformed', () => {
    const form = parseCallbackForm(FORM, body('signed_request='));
    expect(form).toStrictEqual({ ok: true, signedRequest: '' });
    if (!form.ok) return;
    expect(verifySignedRequest(form.signedRequest, POLICY, NOW)).toStrictEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('turns an unencoded + into a space, so a standard-base64 value fails verification', () => {
    const form = parseCallbackForm(FORM, body('signed_request=ab+cd.ef'));
    expect(form).toStrictEqual({ ok: true, signedRequest: 'ab cd.ef' });
    if (!form.ok) return;
    expect(verifySignedRequest(form.signedRequest, POLICY, NOW)).toStrictEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it.each([
    ['a lone continuation byte', [0x73, 0x3d, 0x80]],
    ['an overlong encoding', [0x73, 0x3d, 0xc0, 0xaf]],
    ['a truncated sequence', [0x73, 0x3d, 0xe2, 0x82]],
    ['a UTF-16 surrogate', [0x73, 0x3d, 0xed, 0xa0, 0x80]],
  ])('rejects a body that is not valid UTF-8 (%s) with 400', (_name, bytes) => {
    expect(parseCallbackForm(FORM, Buffer.from(bytes))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'invalid_encoding',
    });
  });
});

describe('parseCallbackForm — JSON (tolerated)', () => {
  it('extracts signed_request from a JSON object', () => {
    const json = JSON.stringify({ signed_request: SIGNED_REQUEST });
    expect(parseCallbackForm('application/json', body(json))).toStrictEqual({
      ok: true,
      signedRequest: SIGNED_REQUEST,
    });
  });

  it('accepts JSON with a charset parameter', () => {
    const json = JSON.stringify({ signed_request: SIGNED_REQUEST });
    expect(parseCallbackForm('application/json; charset=utf-8', body(json))).toStrictEqual({
      ok: true,
      signedRequest: SIGNED_REQUEST,
    });
  });

  it('rejects a JSON body that does not parse with 400 malformed_body', () => {
    expect(parseCallbackForm('application/json', body('{"signed_request":'))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'malformed_body',
    });
  });

  it.each([
    ['an object without the field', '{"other":"x"}'],
    ['a non-string field', '{"signed_request":42}'],
    ['an array', `["${SIGNED_REQUEST}"]`],
    ['null', 'null'],
    ['a string', `"${SIGNED_REQUEST}"`],
  ])('rejects JSON that is %s as missing_signed_request', (_name, json) => {
    expect(parseCallbackForm('application/json', body(json))).toStrictEqual({
      ok: false,
      status: 400,
      error: 'missing_signed_request',
    });
  });
});

describe('parseCallbackForm — other media types', () => {
  it.each([
    'multipart/form-data; boundary=----x',
    'text/plain',
    'application/xml',
    'application/x-www-form-urlencoded-extra',
  ])('refuses %s with 415', (contentType) => {
    expect(parseCallbackForm(contentType, body(callbackFormBody(SIGNED_REQUEST)))).toStrictEqual({
      ok: false,
      status: 415,
      error: 'unsupported_media_type',
    });
  });
});
