// local: `npm run demo:whatsapp`. Sends a signed "DELETE MY DATA" webhook for Ana (phone and BSUID)
// to the running service (`npm start`), then follows the request to completion and prints what the
// fake Graph API received: the acknowledgement with the confirmation code, and the completion notice.
import { signHubBody } from '../functions/core/whatsapp-signature.js';
import { LOCAL_DEFAULTS } from './local-service.js';
import { ANA } from './seed-data.js';

const baseUrl = (
  process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT || LOCAL_DEFAULTS.PORT}`
).replace(/\/+$/, '');
const secret = (process.env.WHATSAPP_APP_SECRET || LOCAL_DEFAULTS.WHATSAPP_APP_SECRET).split(',')[0] ?? '';
const text = process.argv[2] ?? 'DELETE MY DATA';
const businessNumber = '106540352242922';

const info = (await (await fetch(`${baseUrl}/__local/info`)).json()) as { endpoints: { graph: string } };
const graphCalls = async () =>
  (await (await fetch(`${info.endpoints.graph}/__calls`)).json()) as {
    path: string;
    body: { to?: string; type?: string; text?: { body?: string }; template?: unknown };
  }[];
const before = (await graphCalls()).length;

const body = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: businessNumber },
            contacts: [{ profile: { name: ANA.name }, wa_id: ANA.whatsappPhone, user_id: ANA.whatsappBsuid }],
            messages: [
              {
                from: ANA.whatsappPhone,
                id: `wamid.DEMO${Date.now()}`,
                timestamp: String(Math.floor(Date.now() / 1000)),
                type: 'text',
                text: { body: text },
              },
            ],
          },
        },
      ],
    },
  ],
});

console.log(`POST ${baseUrl}/whatsapp/webhook  ("${text}" from Ana, +${ANA.whatsappPhone})`);
const started = Date.now();
const response = await fetch(`${baseUrl}/whatsapp/webhook`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signHubBody(body, secret) },
  body,
});
console.log(`${response.status} ${await response.text()}  (${Date.now() - started} ms)`);
if (!response.ok) process.exit(1);

let shown = before;
let code: string | undefined;
for (;;) {
  const calls = await graphCalls();
  for (const call of calls.slice(shown)) {
    const message = call.body.text?.body ?? JSON.stringify(call.body.template);
    console.log(`Graph API  POST ${call.path}  to ${call.body.to}: ${message}`);
    code ??= /code:? ([A-Za-z0-9]{24})/.exec(message ?? '')?.[1];
  }
  shown = calls.length;
  if (code) {
    const status = (await (
      await fetch(`${baseUrl}/deletion-status?code=${code}`, { headers: { Accept: 'application/json' } })
    ).json()) as { status: string };
    if (['completed', 'completed_with_retention'].includes(status.status) && calls.length >= before + 2) {
      console.log(`${((Date.now() - started) / 1000).toFixed(2)}s  ${status.status}`);
      console.log(JSON.stringify(status, null, 2));
      break;
    }
  }
  if (!code && shown === before && Date.now() - started > 5_000) {
    console.log(
      'No reply: this number is suppressed (its data was already deleted, or it sent STOP), so nothing is sent to it. ' +
        'Restart `npm start` for fresh demo data.',
    );
    break;
  }
  if (Date.now() - started > 60_000) {
    console.error('Gave up waiting after 60 s');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
