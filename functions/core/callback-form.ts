// core: extracts the one `signed_request` field from a Meta callback body. Meta posts a form
// (application/x-www-form-urlencoded); a JSON body with the same field is tolerated.

export type CallbackFormResult =
  | { readonly ok: true; readonly signedRequest: string }
  | { readonly ok: false; readonly status: 400 | 415; readonly error: string };

export function parseCallbackForm(contentType: string | undefined, body: Buffer): CallbackFormResult {
  const mediaType = (contentType?.trim() || 'application/x-www-form-urlencoded')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded' && mediaType !== 'application/json') {
    return { ok: false, status: 415, error: 'unsupported_media_type' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, status: 400, error: 'invalid_encoding' };
  }
  return mediaType === 'application/json' ? fromJson(text) : fromForm(text);
}

function fromForm(text: string): CallbackFormResult {
  let values: string[];
  try {
    values = new URLSearchParams(text).getAll('signed_request');
  } catch {
    return { ok: false, status: 400, error: 'malformed_body' };
  }
  if (values.length === 0) return { ok: false, status: 400, error: 'missing_signed_request' };
  if (values.length > 1) return { ok: false, status: 400, error: 'duplicate_signed_request' };
  return { ok: true, signedRequest: values[0] ?? '' };
}

function fromJson(text: string): CallbackFormResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'malformed_body' };
  }
  const value = (parsed as { signed_request?: unknown } | null)?.signed_request;
  if (typeof value !== 'string') return { ok: false, status: 400, error: 'missing_signed_request' };
  return { ok: true, signedRequest: value };
}
