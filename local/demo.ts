// local: `npm run demo`. Signs a real Data Deletion Request callback for Ana with the local Meta app
// secret, sends it to the running service (`npm start`), and follows the status until it is done.
import { signPayloadSegment } from '../functions/core/signed-request.js';
import { LOCAL_DEFAULTS } from './local-service.js';
import { ANA } from './seed-data.js';

const baseUrl = (
  process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT || LOCAL_DEFAULTS.PORT}`
).replace(/\/+$/, '');
const secret = (process.env.META_APP_SECRET || LOCAL_DEFAULTS.META_APP_SECRET).split(',')[0] ?? '';
const userId = process.argv[2] ?? ANA.facebookAsid;

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
const callback = await fetch(`${baseUrl}/meta/data-deletion`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ signed_request: signedRequest }).toString(),
});
const answer = (await callback.json()) as { url?: string; confirmation_code?: string; error?: string };
console.log(`${callback.status}`, answer);
if (!callback.ok || !answer.url) process.exit(1);

const statusUrl = answer.url.replace(/^https?:\/\/[^/]+/, baseUrl);
for (;;) {
  const status = (await (await fetch(statusUrl, { headers: { Accept: 'application/json' } })).json()) as {
    status: string;
  };
  console.log(`${((Date.now() - started) / 1000).toFixed(2)}s  ${status.status}`);
  if (['completed', 'completed_with_retention', 'canceled'].includes(status.status)) {
    console.log(JSON.stringify(status, null, 2));
    console.log(`Open in a browser: ${answer.url}`);
    if (status.status !== 'canceled') {
      console.log(
        `Check its receipt: npm run receipt -- verify ${answer.confirmation_code} --service ${baseUrl}`,
      );
    }
    break;
  }
  if (Date.now() - started > 60_000) {
    console.error('Gave up waiting after 60 s');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
