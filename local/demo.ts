// local: `npm run demo`. Signs a real Data Deletion Request callback for Ana with the local Meta app
// secret, sends it to the running service (`npm start`, on the same PORT), and follows the status until
// it is done. Anything that goes wrong is one line naming what was tried.
import { signPayloadSegment } from '../functions/core/signed-request.js';
import { LOCAL_DEFAULTS } from './local-service.js';
import { ANA } from './seed-data.js';

const USAGE = `Usage: npm run demo [-- <Facebook user id>]

Sends a signed Facebook data-deletion callback to the service started by \`npm start\` and follows the
request to its end. Without an id it uses Ana's (${ANA.facebookAsid}); Ben is 10000000000000002.
The service is found at http://127.0.0.1:$PORT (default ${LOCAL_DEFAULTS.PORT}), or at BASE_URL if set.`;

const TIMEOUT_MS = 60_000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const argument = process.argv[2];
if (argument === '--help' || argument === '-h') {
  console.log(USAGE);
  process.exit(0);
}
if (argument !== undefined && !/^[0-9]{1,32}$/.test(argument))
  fail(`Not a Facebook user id: ${argument}\n\n${USAGE}`);

const baseUrl = (
  process.env.BASE_URL || `http://127.0.0.1:${process.env.PORT || LOCAL_DEFAULTS.PORT}`
).replace(/\/+$/, '');
const secret = (process.env.META_APP_SECRET || LOCAL_DEFAULTS.META_APP_SECRET).split(',')[0] ?? '';
const userId = argument ?? ANA.facebookAsid;

/** fetch, with an unreachable service turned into one line naming the URL tried. */
async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return fail(`Cannot reach the service at ${url} (${cause}). Start it with npm start, on the same PORT.`);
  }
}

const issuedAt = Math.floor(Date.now() / 1000);
const payload = Buffer.from(
  JSON.stringify({
    algorithm: 'HMAC-SHA256',
    expires: issuedAt + 3600,
    issued_at: issuedAt,
    user_id: userId,
  }),
).toString('base64url');
const signedRequest = `${signPayloadSegment(payload, secret).toString('base64url')}.${payload}`;

console.log(`POST ${baseUrl}/meta/data-deletion  (user_id ${userId})`);
const started = Date.now();
const callback = await call(`${baseUrl}/meta/data-deletion`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ signed_request: signedRequest }).toString(),
});
const text = await callback.text();
const answer = (() => {
  try {
    return JSON.parse(text) as { url?: string; confirmation_code?: string; error?: string };
  } catch {
    return {};
  }
})();
if (!callback.ok || !answer.url) {
  fail(`The service answered ${callback.status}: ${answer.error ?? (text.slice(0, 200) || 'no body')}`);
}
console.log(`${callback.status}`, answer);

// The answer's link is built on the public base URL; the same page is asked of the local service.
const statusUrl = `${baseUrl}/deletion-status?code=${encodeURIComponent(answer.confirmation_code ?? '')}`;
for (;;) {
  const response = await call(statusUrl, { headers: { Accept: 'application/json' } });
  const status = (await response.json().catch(() => ({}))) as { status?: string };
  console.log(`${((Date.now() - started) / 1000).toFixed(2)}s  ${status.status ?? response.status}`);
  if (status.status === 'failed') {
    fail(
      `The request failed. Its cause: npm run requests -- show ${answer.confirmation_code} --local ${baseUrl}`,
    );
  }
  if (['completed', 'completed_with_retention', 'canceled'].includes(status.status ?? '')) {
    console.log(JSON.stringify(status, null, 2));
    console.log(`Open in a browser: ${answer.url}`);
    if (status.status !== 'canceled') {
      console.log(
        `Check its receipt: npm run receipt -- verify ${answer.confirmation_code} --service ${baseUrl}`,
      );
    }
    break;
  }
  if (Date.now() - started > TIMEOUT_MS) fail(`Gave up waiting after ${TIMEOUT_MS / 1000} s: ${statusUrl}`);
  await new Promise((resolve) => setTimeout(resolve, 250));
}
