// e2e: personal data never reaches the logs. Representative flows run through the local runner at DEBUG level, then
// every captured log line is searched for the raw values the test sent or seeded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ANA, BEN, rawIdentifiers, type DemoPerson } from '../../local/seed-data.js';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { callbackFormBody, deletionPayload, splitSignedRequest, signRequest } from '../support/signing.js';

const SECRET = 'log-hygiene-meta-app-secret';
const PREVIOUS_SECRET = 'log-hygiene-previous-secret';
const PEPPER = 'log-hygiene-identifier-pepper';

let service: RunningService;
/** Every value that must never appear in a log line, with what it is. */
const forbidden = new Map<string, string>();

const now = () => Math.floor(Date.now() / 1000);

function tokensOf(person: DemoPerson): string[] {
  const page = `1${person.facebookAsid.slice(-6)}`;
  return [
    `EAAB-local-user-${person.facebookAsid}`,
    `EAAB-local-page-${page}`,
    `IGQ-local-${person.instagramScopedId}`,
    `shpat_local_${person.accountId}`,
  ];
}

function forbid(value: string, what: string): void {
  forbidden.set(value, what);
}

/** Posts a signed_request (recording it and its parts as forbidden) and returns the answer. */
async function postCallback(signedRequest: string) {
  forbid(signedRequest, 'signed_request');
  const { signature, payload } = splitSignedRequest(signedRequest);
  forbid(signature, 'signed_request signature');
  forbid(payload, 'signed_request payload');
  return postBody(callbackFormBody(signedRequest));
}

async function postBody(body: string) {
  forbid(body, 'request body');
  const response = await fetch(`${service.baseUrl}/meta/data-deletion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await response.json()) as { url?: string; confirmation_code?: string };
  if (json.confirmation_code) forbid(json.confirmation_code, 'confirmation code');
  return { status: response.status, json };
}

async function statusOf(code: string, accept = 'application/json') {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${encodeURIComponent(code)}`, {
    headers: { Accept: accept },
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  service = await startRunner({
    META_APP_SECRET: `${SECRET},${PREVIOUS_SECRET}`,
    IDENTIFIER_PEPPER: PEPPER,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
  for (const person of [ANA, BEN]) {
    for (const identifier of rawIdentifiers(person)) forbid(identifier, `${person.name}'s identifier`);
    for (const token of tokensOf(person)) forbid(token, `${person.name}'s token`);
    forbid(person.accountId, `${person.name}'s account id`);
  }
  forbid(SECRET, 'app secret');
  forbid(PREVIOUS_SECRET, 'previous app secret');
  forbid(PEPPER, 'identifier pepper');
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

describe('logs of representative flows', () => {
  it('hold no raw identifier, token, signed_request, body, secret or status code', async () => {
    // A valid callback, carried through to a completed deletion of Ana's data.
    const accepted = await postCallback(signRequest(deletionPayload(ANA.facebookAsid, now()), SECRET));
    expect(accepted.status).toBe(200);
    const code = accepted.json.confirmation_code ?? '';
    await eventually(async () => {
      const { text } = await statusOf(code);
      return (JSON.parse(text) as { status?: string }).status === 'completed' ? true : undefined;
    }, 30_000);
    // Meta retrying the same callback.
    expect((await postCallback(signRequest(deletionPayload(ANA.facebookAsid, now()), SECRET))).status).toBe(
      200,
    );
    // A callback signed with the previous secret (during a rotation).
    expect(
      (await postCallback(signRequest(deletionPayload(ANA.instagramScopedId, now()), PREVIOUS_SECRET)))
        .status,
    ).toBe(200);
    // Invalid callbacks naming Ben.
    expect((await postCallback(signRequest(deletionPayload(BEN.facebookAsid, now()), 'wrong'))).status).toBe(
      403,
    );
    expect(
      (await postCallback(signRequest(deletionPayload(BEN.facebookAsid, now() - 3 * 86400), SECRET))).status,
    ).toBe(400);
    expect(
      (
        await postCallback(
          signRequest({ algorithm: 'HMAC-SHA256', issued_at: now(), user_id: BEN.email }, SECRET),
        )
      ).status,
    ).toBe(400);
    expect((await postBody(`signed_request=${BEN.facebookAsid}.${BEN.email}`)).status).toBe(400);
    expect((await postBody(`signed_request=${BEN.whatsappPhone.repeat(1000)}`)).status).toBe(413);
    // Status lookups: found (JSON and HTML) and unknown.
    expect((await statusOf(code)).status).toBe(200);
    expect((await statusOf(code, 'text/html')).status).toBe(200);
    const unknownCode = 'ZZZZZZZZZZZZZZZZZZZZZZZZ';
    forbid(unknownCode, 'unknown status code');
    expect((await statusOf(unknownCode)).status).toBe(404);
    // Let the worker and the reconciler run once more.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // What the functions and the runner logged once serving (the startup banner before it is a help text).
    const all = service.output();
    const output = all.slice(all.indexOf('\n', all.indexOf('LOCAL_SERVICE_READY')));
    // The flows did log (at DEBUG), so an empty capture cannot pass for a clean one.
    expect(output.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(5);
    const leaks = [...forbidden]
      .filter(([value]) => value.length >= 6 && output.includes(value))
      .map(([value, what]) => `${what}: ${value.slice(0, 40)} in "${lineWith(output, value)}"`);
    expect(leaks).toEqual([]);
  }, 60_000);
});

function lineWith(output: string, value: string): string {
  return (output.split('\n').find((line) => line.includes(value)) ?? '').slice(0, 300);
}
