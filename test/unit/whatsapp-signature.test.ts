// Unit tests for WhatsApp webhook authenticity: X-Hub-Signature-256 over the raw bytes, and the GET
// verification handshake (docs/protocols.md, WhatsApp Cloud API webhooks and Test vectors).
import { describe, it, expect } from '@jest/globals';
import {
  escapeNonAscii,
  signHubBody,
  verificationChallenge,
  verifyHubSignature,
} from '../../functions/core/whatsapp-signature.js';

const SECRET = 'test_app_secret_0123456789abcdef';
// The 432-byte known-answer vector of docs/protocols.md (Test vectors).
const VECTOR_BODY =
  '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.TEST1","timestamp":"1749416383","type":"text","text":{"body":"DELETE MY DATA"}}]},"field":"messages"}]}]}';
const VECTOR_SIGNATURE = 'sha256=2c3d308f4f1c73808b4e8ea586e591416ff15bff8e71475dd25dcb77076d6b10';

const verify = (body: string | Buffer, header: string | undefined, secrets = [SECRET]) =>
  verifyHubSignature(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), header, secrets);

describe('verifyHubSignature', () => {
  it('accepts the known-answer vector (432 bytes)', () => {
    expect(Buffer.byteLength(VECTOR_BODY)).toBe(432);
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE)).toEqual({
      ok: true,
      matchedSecretIndex: 0,
      escapedFallback: false,
    });
  });

  it('rejects the same JSON re-serialised with indentation (the MAC is over the raw bytes)', () => {
    const reserialised = JSON.stringify(JSON.parse(VECTOR_BODY), null, 2);
    expect(verify(reserialised, VECTOR_SIGNATURE)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a wrong secret', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['another_secret'])).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a body with one byte changed', () => {
    const tampered = Buffer.from(VECTOR_BODY);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 1;
    expect(verify(tampered, VECTOR_SIGNATURE).ok).toBe(false);
  });

  it('rejects a missing or empty header', () => {
    expect(verify(VECTOR_BODY, undefined)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verify(VECTOR_BODY, '')).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('rejects sha1= alone, wrong-length hex and non-hex', () => {
    const hex = VECTOR_SIGNATURE.slice('sha256='.length);
    for (const header of [
      `sha1=${hex.slice(0, 40)}`,
      `sha256=${hex.slice(0, 62)}`,
      `sha256=${hex}00`,
      `sha256=${hex.slice(0, 63)}g`,
      hex,
      `SHA256=${hex}`,
    ]) {
      expect(verify(VECTOR_BODY, header)).toEqual({ ok: false, reason: 'malformed_signature' });
    }
  });

  it('accepts uppercase hex of the right MAC (same bytes; documented decision)', () => {
    expect(verify(VECTOR_BODY, `sha256=${VECTOR_SIGNATURE.slice(7).toUpperCase()}`).ok).toBe(true);
  });

  it('accepts the previous secret during a rotation, and says so', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['new_secret', SECRET])).toEqual({
      ok: true,
      matchedSecretIndex: 1,
      escapedFallback: false,
    });
  });

  it('accepts a raw UTF-8 body signed over its raw bytes', () => {
    const body = '{"text":{"body":"löschen 🗑"}}';
    expect(verify(body, signHubBody(body, SECRET))).toEqual({
      ok: true,
      matchedSecretIndex: 0,
      escapedFallback: false,
    });
  });

  it('accepts a raw UTF-8 body whose signature is over the \\u-escaped form, flagged as fallback', () => {
    const raw = '{"text":{"body":"löschen 🗑"}}';
    const escaped = escapeNonAscii(raw);
    expect(escaped).toBe('{"text":{"body":"l\\u00f6schen \\ud83d\\uddd1"}}');
    expect(verify(raw, signHubBody(escaped, SECRET))).toEqual({
      ok: true,
      matchedSecretIndex: 0,
      escapedFallback: true,
    });
  });

  it('never matches an empty secret', () => {
    expect(verify('{}', signHubBody('{}', ''), ['']).ok).toBe(false);
  });
});

describe('verificationChallenge', () => {
  const TOKEN = 'local-verify-token';
  const query = (mode: string | undefined, token: string | undefined, challenge: string | undefined) =>
    verificationChallenge({ mode, token, challenge }, [TOKEN]);

  it('echoes the challenge for hub.mode=subscribe and the right token', () => {
    expect(query('subscribe', TOKEN, '1158201444')).toBe('1158201444');
  });

  it('echoes a challenge with leading zeros, or a long one, exactly', () => {
    expect(query('subscribe', TOKEN, '000123')).toBe('000123');
    const long = 'x'.repeat(4096);
    expect(query('subscribe', TOKEN, long)).toBe(long);
  });

  it('refuses a wrong token, a missing mode, hub.mode=unsubscribe, a missing challenge', () => {
    expect(query('subscribe', 'wrong', '1')).toBeUndefined();
    expect(query('subscribe', `${TOKEN}x`, '1')).toBeUndefined();
    expect(query(undefined, TOKEN, '1')).toBeUndefined();
    expect(query('unsubscribe', TOKEN, '1')).toBeUndefined();
    expect(query('subscribe', TOKEN, undefined)).toBeUndefined();
    expect(query('subscribe', undefined, '1')).toBeUndefined();
  });

  it('refuses everything when no token is configured', () => {
    expect(verificationChallenge({ mode: 'subscribe', token: '', challenge: '1' }, [''])).toBeUndefined();
  });
});
