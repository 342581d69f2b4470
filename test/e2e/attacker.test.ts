// e2e: an outsider's attempts against the local service over HTTP: deleting someone else's data
// through a recycled phone number, another sender's contact entry, a business number that is not
// ours, or the other Meta platform's secret and login tokens. Each must change nothing of the victim.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { ANA, BEN, CLEO } from '../../local/seed-data.js';
import { eventually, startRunner, type RunningService } from '../support/local-runner.js';
import { change, envelope, inboundText, sign, textMessage } from '../support/whatsapp-payloads.js';

const WA_SECRET = 'attacker-e2e-whatsapp-secret';
const META_SECRET = 'attacker-e2e-meta-secret';
const IG_SECRET = 'attacker-e2e-instagram-secret';

let service: RunningService;

beforeAll(async () => {
  service = await startRunner({
    WHATSAPP_APP_SECRET: WA_SECRET,
    META_APP_SECRET: META_SECRET,
    INSTAGRAM_APP_SECRET: IG_SECRET,
    SELF_SERVICE_LIMIT_PER_SOURCE: '1000',
  });
}, 40_000);

afterAll(async () => {
  await service?.stop();
});

interface GraphCall {
  path: string;
  body: { to?: string; text?: { body?: string } };
}
const graphMessages = async () =>
  ((await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as GraphCall[]).filter((call) =>
    call.path.endsWith('/messages'),
  );

async function postWebhook(body: string) {
  const response = await fetch(`${service.baseUrl}/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body, WA_SECRET) },
    body,
  });
  return response.status;
}

async function statusOf(code: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as Record<string, unknown>;
}

const finished = (code: string) =>
  eventually(async () => {
    const view = await statusOf(code);
    return String(view.status).startsWith('completed') ? view : undefined;
  }, 20_000);

/** Items of a table whose JSON mentions `needle`. */
async function itemsWith(table: string, needle: string) {
  return (await service.scan(table)).filter((item) => JSON.stringify(item).includes(needle));
}

/** The confirmation code in the acknowledgement WhatsApp sent to `to`. */
async function acknowledgedCode(to: string): Promise<string> {
  return eventually(async () => {
    const sent = (await graphMessages()).filter((call) => call.body.to === to);
    return sent
      .map((call) => /code:? ([A-Za-z0-9]{24})/.exec(call.body.text?.body ?? '')?.[1])
      .find((code) => code !== undefined);
  });
}

describe('a recycled phone number (point 1)', () => {
  const NEW_NUMBER = '15550004444';

  it("never reaches the previous owner's account: the old number leaves it, and a phone-verified request covers WhatsApp data only", async () => {
    const now = String(Math.floor(Date.now() / 1000));
    // Ben moves to a new number; WhatsApp tells us.
    const changed = envelope([
      [
        change({
          messages: [
            {
              from: BEN.whatsappPhone,
              id: 'wamid.ATK.CHANGED',
              timestamp: now,
              type: 'system',
              system: { body: 'changed', new_wa_id: NEW_NUMBER, type: 'user_changed_number' },
            },
          ],
        }),
      ],
    ]);
    expect(await postWebhook(changed)).toBe(200);
    const links = await service.scan('IdentityLinks');
    expect(links.find((item) => item.identity === `whatsapp_phone#${NEW_NUMBER}`)?.accountId).toBe(
      BEN.accountId,
    );
    expect(links.some((item) => item.identity === `whatsapp_phone#${BEN.whatsappPhone}`)).toBe(false);

    // Whoever gets the old number writes to the business, then asks on the web with that number.
    expect(await postWebhook(inboundText(BEN.whatsappPhone, 'wamid.ATK.HI', 'hi'))).toBe(200);
    const asked = await fetch(`${service.baseUrl}/deletion-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: '+1 555 000 0002' }),
    });
    expect(asked.status).toBe(202);
    const link = await eventually(async () =>
      (await graphMessages())
        .filter((call) => call.body.to === BEN.whatsappPhone)
        .map(
          (call) =>
            /(http\S+\/deletion-requests\/verify\?token=[A-Za-z0-9_-]+)/.exec(
              call.body.text?.body ?? '',
            )?.[1],
        )
        .find((found) => found !== undefined),
    );
    const opened = await fetch(link, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const code = new URL(opened.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const done = await finished(code);
    expect(done).toMatchObject({ channel: 'web', scope: 'whatsapp_data' });

    // Ben's account, tokens, transcripts, tickets and his WhatsApp data under his BSUID all stay.
    expect(await itemsWith('Accounts', BEN.accountId)).toHaveLength(1);
    expect((await itemsWith('IntegrationTokens', BEN.facebookAsid)).length).toBeGreaterThan(0);
    expect((await itemsWith('AgentTranscripts', BEN.accountId)).length).toBeGreaterThan(0);
    expect((await itemsWith('SupportTickets', BEN.email)).length).toBeGreaterThan(0);
    expect((await itemsWith('WhatsAppMessages', `whatsapp_bsuid#${BEN.whatsappBsuid}`)).length).toBe(1);
    expect(
      (await service.scan('IdentityLinks')).filter((item) => item.accountId === BEN.accountId).length,
    ).toBeGreaterThanOrEqual(6);
  }, 40_000);
});

describe('a message acting for someone who is not its sender (point 2)', () => {
  it('takes the sender only from the contact whose wa_id is `from`, never another entry or a message-level id', async () => {
    const cleosBefore = [
      ...(await itemsWith('WhatsAppMessages', CLEO.whatsappPhone)),
      ...(await itemsWith('WhatsAppMessages', CLEO.whatsappBsuid)),
    ];
    expect(cleosBefore.length).toBeGreaterThan(0);
    const strangers = ['19990000001', '19990000002'];
    // A single contacts entry that is someone else's.
    const otherContact = envelope([
      [
        change({
          contacts: [{ profile: { name: 'C' }, wa_id: CLEO.whatsappPhone, user_id: CLEO.whatsappBsuid }],
          messages: [textMessage(strangers[0]!, 'wamid.ATK.OTHER', 'DELETE MY DATA')],
        }),
      ],
    ]);
    // The sender's own contact, and a message-level id naming someone else.
    const overridden = envelope([
      [
        change({
          contacts: [{ profile: { name: 'S' }, wa_id: strangers[1]! }],
          messages: [
            {
              ...textMessage(strangers[1]!, 'wamid.ATK.OVERRIDE', 'DELETE MY DATA'),
              from_user_id: CLEO.whatsappBsuid,
            },
          ],
        }),
      ],
    ]);
    expect(await postWebhook(otherContact)).toBe(200);
    expect(await postWebhook(overridden)).toBe(200);
    for (const stranger of strangers) await finished(await acknowledgedCode(stranger));

    // Each stranger's request was about their own number only: Cleo's messages stay, and nothing
    // was sent to her.
    const cleosAfter = [
      ...(await itemsWith('WhatsAppMessages', CLEO.whatsappPhone)),
      ...(await itemsWith('WhatsAppMessages', CLEO.whatsappBsuid)),
    ];
    expect(cleosAfter).toEqual(cleosBefore);
    expect((await itemsWith('IdentityLinks', CLEO.accountId)).length).toBe(6);
    const toCleo = (await graphMessages()).filter(
      (call) => call.body.to === CLEO.whatsappPhone || call.body.to === CLEO.whatsappBsuid,
    );
    expect(toCleo).toEqual([]);
  }, 40_000);
});

describe('a business number that is not ours (point 3)', () => {
  it('acknowledges a signed message to another phone_number_id, and stores, deletes and sends nothing', async () => {
    const requestsBefore = (await service.scan('DeletionRequests')).length;
    const sentBefore = (await graphMessages()).length;
    const foreign = envelope([
      [
        change({
          phoneNumberId: '999999999999999',
          contacts: [{ profile: { name: 'A' }, wa_id: ANA.whatsappPhone, user_id: ANA.whatsappBsuid }],
          messages: [textMessage(ANA.whatsappPhone, 'wamid.ATK.FOREIGN', 'DELETE MY DATA')],
        }),
      ],
    ]);
    expect(await postWebhook(foreign)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await service.scan('DeletionRequests')).length).toBe(requestsBefore);
    expect((await graphMessages()).length).toBe(sentBefore);
    expect(await itemsWith('WhatsAppMessages', 'wamid.ATK.FOREIGN')).toEqual([]);
    expect((await itemsWith('WhatsAppMessages', ANA.whatsappPhone)).length).toBeGreaterThan(0);
  });
});

describe('Meta callbacks (point 4)', () => {
  function signedRequest(payload: Record<string, unknown>, secret: string): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const mac = createHmac('sha256', secret).update(body).digest('base64url');
    return `${mac}.${body}`;
  }
  const base = () => ({
    algorithm: 'HMAC-SHA256',
    issued_at: Math.floor(Date.now() / 1000),
    user_id: `3${Date.now()}${Math.floor(Math.random() * 1000)}`,
  });
  async function post(path: string, signed: string) {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ signed_request: signed }).toString(),
    });
    return response.status;
  }

  it("refuses the other platform's secret on each route, and stores nothing", async () => {
    const before = (await service.scan('DeletionRequests')).length;
    for (const path of ['/instagram/data-deletion', '/instagram/deauthorize'])
      expect(await post(path, signedRequest(base(), META_SECRET))).toBe(403);
    for (const path of ['/meta/data-deletion', '/meta/deauthorize'])
      expect(await post(path, signedRequest(base(), IG_SECRET))).toBe(403);
    expect((await service.scan('DeletionRequests')).length).toBe(before);
    expect(await post('/instagram/data-deletion', signedRequest(base(), IG_SECRET))).toBe(200);
  });

  it('refuses a login payload (code or oauth_token) even with a valid signature', async () => {
    const before = (await service.scan('DeletionRequests')).length;
    const login = [
      { ...base(), code: 'AQD-browser-code' },
      { ...base(), oauth_token: 'EAAB-browser-token', expires: 1 },
    ];
    for (const payload of login) {
      expect(await post('/meta/data-deletion', signedRequest(payload, META_SECRET))).toBe(400);
      expect(await post('/meta/deauthorize', signedRequest(payload, META_SECRET))).toBe(400);
      expect(await post('/instagram/data-deletion', signedRequest(payload, IG_SECRET))).toBe(400);
    }
    expect((await service.scan('DeletionRequests')).length).toBe(before);
  });
});
