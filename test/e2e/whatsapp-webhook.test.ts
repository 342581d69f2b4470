// e2e: the WhatsApp webhook through the local runner, over HTTP — the handshake, signatures, a
// DELETE MY DATA from reply to completion, duplicates, odd bodies and the 3 MB limit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ANA, BEN } from '../../local/seed-data.js';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { change, envelope, inboundText, sign } from '../support/whatsapp-payloads.js';

const SECRET = 'e2e-whatsapp-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';

let service: RunningService;

beforeAll(async () => {
  service = await startRunner({ WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

interface GraphCall {
  path: string;
  body: { to?: string; type?: string; text?: { body?: string } };
}
const graphMessages = async () =>
  ((await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as GraphCall[]).filter((call) =>
    call.path.endsWith('/messages'),
  );

async function postWebhook(body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${service.baseUrl}/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const signed = (body: string | Buffer) => ({ 'X-Hub-Signature-256': sign(body, SECRET) });

describe('GET /whatsapp/webhook', () => {
  const verify = (query: string) => fetch(`${service.baseUrl}/whatsapp/webhook?${query}`);

  it('echoes the challenge verbatim as text/plain for the right token', async () => {
    for (const challenge of ['1158201444', '000123', 'a'.repeat(2000)]) {
      const response = await verify(
        `hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${VERIFY_TOKEN}`,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe(challenge);
    }
  });

  it('answers 403 for a wrong token, a missing mode or hub.mode=unsubscribe', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong',
      'hub.challenge=1&hub.verify_token=' + VERIFY_TOKEN,
      'hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=' + VERIFY_TOKEN,
      '',
    ]) {
      expect((await verify(query)).status).toBe(403);
    }
  });
});

describe('POST /whatsapp/webhook', () => {
  it('answers 401 for a missing, wrong, SHA-1-only or malformed signature, and stores nothing', async () => {
    const body = inboundText(BEN.whatsappPhone, 'wamid.E2E.BAD', 'DELETE MY DATA');
    const hex = sign(body, SECRET).slice('sha256='.length);
    const variants: Record<string, string>[] = [
      {},
      { 'X-Hub-Signature-256': sign(body, 'wrong-secret') },
      { 'X-Hub-Signature': `sha1=${hex.slice(0, 40)}` },
      { 'X-Hub-Signature-256': `sha256=${hex.slice(0, 60)}` },
      { 'X-Hub-Signature-256': `sha256=${'z'.repeat(64)}` },
    ];
    for (const headers of variants) {
      expect((await postWebhook(body, headers)).status).toBe(401);
    }
    const tampered = body.replace('DELETE', 'DELETF');
    expect((await postWebhook(tampered, signed(body))).status).toBe(401);
    expect(await service.scan('WhatsAppWebhookReceipts')).toHaveLength(0);
    const messages = await service.scan('WhatsAppMessages');
    expect(messages.some((item) => item.wamid === 'wamid.E2E.BAD')).toBe(false);
  });

  it('answers 200 to a signed body that is not JSON, another object, or an unknown field', async () => {
    for (const body of [
      'not json at all',
      envelope([[change({})]], 'instagram'),
      envelope([[change({ field: 'account_update' })]]),
    ]) {
      expect((await postWebhook(body, signed(body))).status).toBe(200);
    }
  });

  it('accepts a 3 MB body and refuses a larger one with 413', async () => {
    const fill = (size: number) => {
      const base = envelope([[change({})]]);
      return base.replace('"entry"', `"padding":"${'x'.repeat(size - base.length - 13)}","entry"`);
    };
    const threeMb = fill(3 * 1024 * 1024);
    expect(Buffer.byteLength(threeMb)).toBe(3 * 1024 * 1024);
    expect((await postWebhook(threeMb, signed(threeMb))).status).toBe(200);
    const tooLarge = fill(3 * 1024 * 1024 + 1);
    expect((await postWebhook(tooLarge, signed(tooLarge))).status).toBe(413);
  });

  it('DELETE MY DATA: 200 fast, one reply with the code, completion notice, nothing of the number left', async () => {
    const body = inboundText(
      ANA.whatsappPhone,
      `wamid.E2E.${Date.now()}`,
      'DELETE MY DATA',
      ANA.whatsappBsuid,
    );
    const bensBefore = (await service.scanAll()).filter((item) =>
      JSON.stringify(item).includes(BEN.whatsappPhone),
    );
    const before = (await graphMessages()).length;

    const started = Date.now();
    // Lower-case header name, as an HTTP API (or a proxy) would pass it.
    const answer = await postWebhook(body, { 'x-hub-signature-256': sign(body, SECRET) });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);

    const replies = (await graphMessages()).slice(before);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body.to).toBe(ANA.whatsappPhone);
    const code = /code:? ([A-Za-z0-9]{24})/.exec(replies[0]!.body.text?.body ?? '')?.[1];
    expect(code).toBeDefined();

    // The same delivery again: 200, nothing new.
    expect((await postWebhook(body, signed(body))).status).toBe(200);

    const status = await eventually(async () => {
      const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
        headers: { Accept: 'application/json' },
      });
      const json = (await response.json()) as { status: string; channel: string };
      return json.status === 'completed' ? json : undefined;
    });
    expect(status.channel).toBe('whatsapp');
    const notices = await eventually(async () => {
      const all = (await graphMessages()).slice(before);
      return all.length >= 2 ? all : undefined;
    });
    expect(notices).toHaveLength(2);
    expect(notices[1]!.body.text?.body).toContain(code);

    const everything = JSON.stringify(await service.scanAll());
    expect(everything).not.toContain(ANA.whatsappPhone);
    expect(everything).not.toContain(ANA.whatsappBsuid);
    const bensAfter = (await service.scanAll()).filter((item) =>
      JSON.stringify(item).includes(BEN.whatsappPhone),
    );
    expect(bensAfter).toEqual(bensBefore);

    // Nothing more to that number.
    const later = inboundText(ANA.whatsappPhone, `wamid.E2E.later${Date.now()}`, 'how do I delete my data?');
    expect((await postWebhook(later, signed(later))).status).toBe(200);
    expect((await graphMessages()).slice(before)).toHaveLength(2);
  }, 30_000);
});
