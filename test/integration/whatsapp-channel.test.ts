// integration: the WhatsApp channel against the stand-ins and the fake Graph API — webhook intake
// (dedupe, statuses, batches), DELETE MY DATA / STOP / questions, the suppression-aware gateway, the
// completion notice and its fallbacks, the sweeper, identity changes (docs/protocols.md, WhatsApp Cloud API webhooks).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../functions/declarations/tables.js';
import { ANA, BEN, demoItems } from '../../local/seed-data.js';
import { startHarness, type Harness } from '../support/purge-harness.js';
import { whatsappChannel } from '../support/whatsapp-channel.js';
import {
  BUSINESS_NUMBER,
  change,
  envelope,
  inboundText,
  sign,
  status,
  textMessage,
} from '../support/whatsapp-payloads.js';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness([ANA, BEN]);
});
afterEach(async () => {
  await harness.stop();
});

const PHONE = '16505551234';
const OTHER_PHONE = '16505554321';

async function post(channel: ReturnType<typeof whatsappChannel>, body: string) {
  const result = await channel.receive(Buffer.from(body), sign(body));
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result;
}

async function scan(table: string) {
  return ((await harness.env.documents.send(new ScanCommand({ TableName: table }))).Items ?? []) as Record<
    string,
    unknown
  >[];
}

async function requests() {
  return (await scan('DeletionRequests')).filter((item) => String(item.pk).startsWith('REQUEST#'));
}

const codeIn = (text: string) => /code:? ([A-Za-z0-9]{24})/.exec(text)?.[1];

describe('DELETE MY DATA', () => {
  it('creates one request, writes the opt-out, replies once with the code and status URL, enqueues once', async () => {
    const channel = whatsappChannel(harness);
    const result = await post(channel, inboundText(PHONE, 'wamid.A1', 'DELETE MY DATA', 'US.1'));
    expect(result).toMatchObject({ stored: 1, duplicates: 0, processed: 1, deferred: 0 });

    const [request] = await requests();
    expect(await requests()).toHaveLength(1);
    expect(request).toMatchObject({
      channel: 'whatsapp',
      status: 'queued',
      subject: [
        { kind: 'whatsapp_phone', value: PHONE },
        { kind: 'whatsapp_bsuid', value: 'US.1' },
      ],
      whatsappContext: { phoneNumberId: BUSINESS_NUMBER, replyVia: 'whatsapp_phone' },
    });
    expect(channel.jobs).toEqual([request!.requestId]);
    const sent = channel.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: PHONE, type: 'text' });
    expect(codeIn(sent[0]!.text)).toBe(request!.confirmationCode);
    expect(sent[0]!.text).toContain(
      `https://privacy.example.com/deletion-status?code=${request!.confirmationCode}`,
    );
    expect(await channel.suppressions.isSuppressed(channel.hasher('whatsapp_phone', PHONE))).toBe(true);
    expect(await channel.suppressions.isSuppressed(channel.hasher('whatsapp_bsuid', 'US.1'))).toBe(true);
  });

  it('drops the same body delivered twice (and a retry days later): no second request, reply or job', async () => {
    const channel = whatsappChannel(harness);
    const body = inboundText(PHONE, 'wamid.A2', 'DELETE MY DATA');
    await post(channel, body);
    const again = await post(channel, body);
    expect(again).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await requests()).toHaveLength(1);
    expect(channel.sent()).toHaveLength(1);
    expect(channel.jobs).toHaveLength(1);
    // The wamid record outlives the 7-day retry window.
    const receipts = await scan('WhatsAppWebhookReceipts');
    const expires = Number(receipts[0]!.expiresAt) - Date.now() / 1000;
    expect(expires).toBeGreaterThan(8 * 86400);
  });

  it('treats the same wamid in two different batches as one message', async () => {
    const channel = whatsappChannel(harness);
    const message = textMessage(PHONE, 'wamid.A3', 'delete my data please');
    await post(channel, envelope([[change({ messages: [message] })]]));
    const second = await post(
      channel,
      envelope([[change({ messages: [textMessage(OTHER_PHONE, 'wamid.B3', 'hello'), message] })]]),
    );
    expect(second).toMatchObject({ stored: 1, duplicates: 1 });
    expect(await requests()).toHaveLength(1);
  });

  it('answers a second DELETE MY DATA while the first is open with the same code', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(PHONE, 'wamid.A4', 'DELETE MY DATA'));
    await post(channel, inboundText(PHONE, 'wamid.A5', 'Delete my data.'));
    expect(await requests()).toHaveLength(1);
    const codes = channel.sent().map((message) => codeIn(message.text));
    expect(codes).toHaveLength(2);
    expect(codes[0]).toBe(codes[1]);
    expect(channel.jobs).toHaveLength(1);
  });

  it('processes every message of a batch of 2 entries × 2 changes × several messages', async () => {
    const channel = whatsappChannel(harness);
    const people = ['16505550001', '16505550002', '16505550003', '16505550004'];
    const body = envelope(
      [0, 1].map((e) =>
        [0, 1].map((c) => {
          const from = people[e * 2 + c]!;
          return change({
            messages: [
              textMessage(from, `wamid.${from}.1`, 'hello'),
              textMessage(from, `wamid.${from}.2`, 'DELETE MY DATA'),
            ],
          });
        }),
      ),
    );
    const result = await post(channel, body);
    expect(result).toMatchObject({ stored: 8, processed: 8 });
    expect(await requests()).toHaveLength(4);
    expect(new Set(channel.sent().map((message) => message.to))).toEqual(new Set(people));
    const stored = (await scan('WhatsAppMessages')).filter((item) =>
      String(item.contact).includes('1650555000'),
    );
    expect(stored).toHaveLength(8);
  });

  it('acts on our quick-reply button and interactive reply ids, in Arabic, French and Spanish', async () => {
    const channel = whatsappChannel(harness);
    const t = String(Math.floor(Date.now() / 1000));
    const body = envelope([
      [
        change({
          messages: [
            {
              from: '16505550011',
              id: 'w.btn',
              timestamp: t,
              type: 'button',
              button: { text: 'Yes', payload: 'DELETE_MY_DATA' },
            },
            {
              from: '16505550012',
              id: 'w.int',
              timestamp: t,
              type: 'interactive',
              interactive: { type: 'button_reply', button_reply: { id: 'DELETE_MY_DATA', title: 'Delete' } },
            },
            textMessage('16505550013', 'w.ar', 'احذف بياناتي'),
            textMessage('16505550014', 'w.fr', 'Supprimez mes données'),
            textMessage('16505550015', 'w.es', 'Borrar mis datos'),
          ],
        }),
      ],
    ]);
    await post(channel, body);
    expect(await requests()).toHaveLength(5);
  });

  it('keys the request by BSUID for a sender without a phone number, and replies to the BSUID', async () => {
    const channel = whatsappChannel(harness);
    const bsuid = 'US.300000000000000000001';
    const body = envelope([
      [
        change({
          contacts: [{ profile: { name: 'U' }, user_id: bsuid }],
          messages: [
            {
              from_user_id: bsuid,
              id: 'wamid.BS1',
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'text',
              text: { body: 'DELETE MY DATA' },
            },
          ],
        }),
      ],
    ]);
    await post(channel, body);
    const [request] = await requests();
    expect(request).toMatchObject({
      subject: [{ kind: 'whatsapp_bsuid', value: bsuid }],
      whatsappContext: { replyVia: 'whatsapp_bsuid' },
    });
    expect(channel.sent()).toEqual([expect.objectContaining({ to: bsuid })]);
    const stored = await scan('WhatsAppMessages');
    expect(stored.some((item) => item.contact === `whatsapp_bsuid#${bsuid}`)).toBe(true);
  });
});

describe('other messages', () => {
  it('STOP writes the opt-out only: no request, no reply', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(PHONE, 'wamid.S1', 'STOP'));
    expect(await requests()).toHaveLength(0);
    expect(channel.sent()).toHaveLength(0);
    const item = await harness.getItem('Suppressions', {
      identifierHash: channel.hasher('whatsapp_phone', PHONE),
    });
    expect(item).toMatchObject({ reason: 'opt-out:whatsapp' });
  });

  it('answers a question about deletion with instructions, and creates nothing', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(PHONE, 'wamid.Q1', 'how do I delete my data?'));
    expect(await requests()).toHaveLength(0);
    expect(channel.sent()).toEqual([
      expect.objectContaining({ to: PHONE, text: expect.stringContaining('DELETE MY DATA') }),
    ]);
  });

  it('stores ordinary messages with content expiring by TTL, and marks them processed', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(PHONE, 'wamid.O1', 'Is the shop open?'));
    const [item] = (await scan('WhatsAppMessages')).filter((i) => i.wamid === 'wamid.O1');
    expect(item).toMatchObject({
      contact: `whatsapp_phone#${PHONE}`,
      body: 'Is the shop open?',
      direction: 'in',
    });
    expect(item).not.toHaveProperty('pendingProcessing');
    expect(Number(item!.expiresAt) - Date.now() / 1000).toBeGreaterThan(89 * 86400);
    const contact = await harness.getItem('WhatsAppContacts', {
      contact: `whatsapp_phone#${PHONE}`,
      phoneNumberId: BUSINESS_NUMBER,
    });
    expect(Number(contact?.lastInboundAt)).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('forgets the contact (number, BSUID, profile name) a retention period after the last message', async () => {
    const channel = whatsappChannel(harness);
    const key = { contact: `whatsapp_phone#${PHONE}`, phoneNumberId: BUSINESS_NUMBER };
    const first = Math.floor(Date.now() / 1000) - 3600;
    const contacts = (sender: string) => [{ profile: { name: 'Someone' }, wa_id: sender }];
    await post(
      channel,
      envelope([
        [change({ contacts: contacts(PHONE), messages: [textMessage(PHONE, 'wamid.T1', 'hi', first)] })],
      ]),
    );
    const touched = await harness.getItem('WhatsAppContacts', key);
    expect(Number(touched?.expiresAt)).toBe(first + 90 * 86400);

    // A later message moves the expiry; a late delivery of an older one does not bring it back.
    const later = first + 1800;
    await post(
      channel,
      envelope([
        [change({ contacts: contacts(PHONE), messages: [textMessage(PHONE, 'wamid.T2', 'hi', later)] })],
      ]),
    );
    await post(
      channel,
      envelope([
        [change({ contacts: contacts(PHONE), messages: [textMessage(PHONE, 'wamid.T0', 'hi', first - 60)] })],
      ]),
    );
    expect(Number((await harness.getItem('WhatsAppContacts', key))?.expiresAt)).toBe(later + 90 * 86400);
  });

  it('ignores reactions, unsupported and unknown types without failing', async () => {
    const channel = whatsappChannel(harness);
    const t = String(Math.floor(Date.now() / 1000));
    const result = await post(
      channel,
      envelope([
        [
          change({
            messages: [
              {
                from: PHONE,
                id: 'w.r',
                timestamp: t,
                type: 'reaction',
                reaction: { message_id: 'x', emoji: '🗑' },
              },
              { from: PHONE, id: 'w.u', timestamp: t, type: 'unsupported', errors: [{ code: 131051 }] },
              { from: PHONE, id: 'w.i', timestamp: t, type: 'image', image: { id: 'm', caption: 'nice' } },
              { from: PHONE, id: 'w.n', timestamp: t, type: 'brand_new_type' },
            ],
          }),
        ],
      ]),
    );
    expect(result).toMatchObject({ stored: 4, processed: 4 });
    expect(channel.sent()).toHaveLength(0);
  });

  it('accepts a correctly signed body that is not JSON, and stores nothing', async () => {
    const channel = whatsappChannel(harness);
    const result = await post(channel, 'this is not json');
    expect(result).toMatchObject({ malformed: true, stored: 0 });
    expect(channel.events.some((event) => event.metric === 'WhatsAppPayloadMalformed')).toBe(true);
  });

  it('rejects a bad signature and stores nothing', async () => {
    const channel = whatsappChannel(harness);
    const body = inboundText(PHONE, 'wamid.X1', 'DELETE MY DATA');
    const result = await channel.receive(Buffer.from(body), sign(body, 'wrong-secret'));
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await scan('WhatsAppWebhookReceipts')).toHaveLength(0);
    expect((await scan('WhatsAppMessages')).some((item) => item.wamid === 'wamid.X1')).toBe(false);
    expect(await requests()).toHaveLength(0);
  });

  it('accepts value-level errors with 200 and raises the alarm metric', async () => {
    const channel = whatsappChannel(harness);
    const result = await post(
      channel,
      envelope([[change({ errors: [{ code: 131000, title: 'Something went wrong' }] })]]),
    );
    expect(result.ok).toBe(true);
    expect(channel.events.some((event) => event.metric === 'WhatsAppErrorReported')).toBe(true);
  });
});

describe('statuses', () => {
  async function finalStatus(channel: ReturnType<typeof whatsappChannel>, wamid: string) {
    return channel.inbox.statusOf(channel.hasher('wamid', wamid));
  }

  it('keeps the furthest status: read before delivered, and twice, ends as read', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, envelope([[change({ statuses: [status('wamid.OUT1', 'sent', 1)] })]]));
    await post(channel, envelope([[change({ statuses: [status('wamid.OUT1', 'read', 3)] })]]));
    await post(
      channel,
      envelope([
        [change({ statuses: [status('wamid.OUT1', 'delivered', 2), status('wamid.OUT1', 'read', 3)] })],
      ]),
    );
    expect(await finalStatus(channel, 'wamid.OUT1')).toBe('read');
  });

  it('records failed (with 131047) as final', async () => {
    const channel = whatsappChannel(harness);
    await post(
      channel,
      envelope([[change({ statuses: [status('wamid.OUT2', 'failed', 2, [{ code: 131047 }])] })]]),
    );
    await post(channel, envelope([[change({ statuses: [status('wamid.OUT2', 'delivered', 3)] })]]));
    expect(await finalStatus(channel, 'wamid.OUT2')).toBe('failed');
    const item = await harness.getItem('WhatsAppWebhookReceipts', {
      receiptKey: `status#${channel.hasher('wamid', 'wamid.OUT2')}`,
    });
    expect(item).toMatchObject({ errorCode: 131047 });
    expect(JSON.stringify(item)).not.toContain('wamid.OUT2');
  });
});

describe('failures after persisting', () => {
  it('answers 200 when the business logic fails, and the sweeper finishes the message later', async () => {
    let failures = 1;
    const channel = whatsappChannel(harness, {
      openRequests: (real) => ({
        ...real,
        async claim(key, requestId, at, expiresAt) {
          if (failures-- > 0) throw new Error('DynamoDB unavailable');
          return real.claim(key, requestId, at, expiresAt);
        },
      }),
    });
    const result = await post(channel, inboundText(PHONE, 'wamid.F1', 'DELETE MY DATA'));
    expect(result).toMatchObject({ stored: 1, processed: 0, deferred: 1 });
    expect(await requests()).toHaveLength(0);
    const pending = (await scan('WhatsAppMessages')).filter((item) => item.wamid === 'wamid.F1');
    expect(pending[0]).toMatchObject({ pendingProcessing: 'yes' });

    expect(await channel.sweep()).toEqual({ processed: 1, failed: 0 });
    expect(await requests()).toHaveLength(1);
    expect(channel.sent()).toHaveLength(1);
    expect(await channel.sweep()).toEqual({ processed: 0, failed: 0 });
  });

  it('leaves the rest of a large batch to the sweeper when the inline budget is spent', async () => {
    const channel = whatsappChannel(harness, { inlineBudgetMillis: -1, leaseMillis: -1 });
    const result = await post(channel, inboundText(PHONE, 'wamid.F2', 'DELETE MY DATA'));
    expect(result).toMatchObject({ stored: 1, processed: 0, deferred: 1 });
    await channel.sweep();
    expect(await requests()).toHaveLength(1);
  });

  it('does not take a message the webhook still holds: the sweeper waits for the lease to run out', async () => {
    const channel = whatsappChannel(harness, { inlineBudgetMillis: -1, leaseMillis: 60_000 });
    await post(channel, inboundText(PHONE, 'wamid.F3', 'DELETE MY DATA'));
    expect(await channel.sweep()).toEqual({ processed: 0, failed: 0 });
    expect(await requests()).toHaveLength(0);
  });

  it('retries a throttled acknowledgement (130429, 131056) with backoff', async () => {
    const channel = whatsappChannel(harness);
    harness.env.standIns.graph.failNext({
      status: 400,
      body: { error: { code: 130429, message: 'Rate limit hit' } },
    });
    harness.env.standIns.graph.failNext({
      status: 400,
      body: { error: { code: 131056, message: 'Pair rate limit' } },
    });
    await post(channel, inboundText(PHONE, 'wamid.R1', 'DELETE MY DATA'));
    expect(harness.env.standIns.graph.calls()).toHaveLength(3);
    expect(channel.sent()).toHaveLength(3);
    const [message] = (await scan('WhatsAppMessages')).filter((item) => item.wamid === 'wamid.R1');
    expect(message).toHaveProperty('repliedAt');
  });
});

describe('completion and suppression', () => {
  async function deleteAna(channel: ReturnType<typeof whatsappChannel>) {
    await post(
      channel,
      inboundText(ANA.whatsappPhone, `wamid.ANA${Date.now()}`, 'DELETE MY DATA', ANA.whatsappBsuid),
    );
    const [request] = await requests();
    return request!;
  }

  it('completes: notice on WhatsApp inside the window, email, no raw identifier left, Ben untouched', async () => {
    const channel = whatsappChannel(harness);
    const request = await deleteAna(channel);
    await harness.runToEnd(String(request.requestId), { afterPurge: [channel.completionNotice()] });

    const sent = channel.sent();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ to: ANA.whatsappPhone, type: 'text' });
    expect(sent[1]!.text).toContain(String(request.confirmationCode));
    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);

    const done = await harness.store.get(String(request.requestId));
    expect(done?.status).toBe('completed');
    const everything = JSON.stringify(await harness.scanAll());
    for (const raw of [ANA.whatsappPhone, ANA.whatsappBsuid]) expect(everything).not.toContain(raw);
    for (const [table, items] of Object.entries(demoItems(BEN))) {
      const declared = TABLES.find((candidate) => candidate.id === table)!;
      for (const item of items) {
        const key = Object.fromEntries(
          [declared.partitionKey.name, ...(declared.sortKey ? [declared.sortKey.name] : [])].map((name) => [
            name,
            item[name],
          ]),
        );
        expect(await harness.getItem(table, key)).toEqual(item);
      }
    }
  });

  it('sends nothing more to the number once the deletion is done, whatever the message', async () => {
    const channel = whatsappChannel(harness);
    const request = await deleteAna(channel);
    await harness.runToEnd(String(request.requestId), { afterPurge: [channel.completionNotice()] });
    const before = harness.env.standIns.graph.calls().length;

    await post(channel, inboundText(ANA.whatsappPhone, 'wamid.ANA.after1', 'how do I delete my data?'));
    await post(channel, inboundText(ANA.whatsappPhone, 'wamid.ANA.after2', 'DELETE MY DATA'));
    const direct = await channel.gateway(
      { phoneNumberId: BUSINESS_NUMBER, phone: ANA.whatsappPhone },
      { text: 'Special offer!' },
      { lastInboundAt: new Date() },
    );
    expect(direct).toBe('suppressed');
    const byBsuid = await channel.gateway(
      { phoneNumberId: BUSINESS_NUMBER, bsuid: ANA.whatsappBsuid },
      { text: 'Special offer!' },
      { lastInboundAt: new Date() },
    );
    expect(byBsuid).toBe('suppressed');
    expect(harness.env.standIns.graph.calls().length).toBe(before);
  });

  it('after STOP, the gateway refuses every message to the number', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(OTHER_PHONE, 'wamid.STOP2', 'stop'));
    await post(channel, inboundText(OTHER_PHONE, 'wamid.Q2', 'how do I delete my data?'));
    expect(
      await channel.gateway(
        { phoneNumberId: BUSINESS_NUMBER, phone: OTHER_PHONE },
        { text: 'Hi' },
        { lastInboundAt: new Date() },
      ),
    ).toBe('suppressed');
    expect(harness.env.standIns.graph.calls()).toHaveLength(0);
  });

  it('outside the window: the configured template, or nothing when none is configured', async () => {
    const channel = whatsappChannel(harness);
    const request = await deleteAna(channel);
    const stale = {
      ...(await harness.store.get(String(request.requestId)))!,
      whatsappContext: {
        phoneNumberId: BUSINESS_NUMBER,
        lastInboundAt: new Date(Date.now() - 25 * 3600 * 1000).toISOString(),
        replyVia: 'whatsapp_phone' as const,
      },
    };
    await channel.completionNotice().run(stale);
    expect(channel.sent()).toHaveLength(1);
    await channel.completionNotice({ name: 'deletion_completed', language: 'en_US' }).run(stale);
    expect(channel.sent()).toHaveLength(2);
    expect(channel.sent()[1]).toMatchObject({ type: 'template', text: 'deletion_completed' });
    const call = harness.env.standIns.graph.calls().at(-1)!.body as {
      template: { components: { parameters: { text: string }[] }[] };
    };
    expect(call.template.components[0]!.parameters[0]!.text).toBe(request.confirmationCode);
  });

  it('131047 inside the window falls back to the template', async () => {
    const channel = whatsappChannel(harness);
    const request = await deleteAna(channel);
    harness.env.standIns.graph.failNext({
      status: 400,
      body: { error: { code: 131047, message: 'Re-engagement message' } },
    });
    await harness.runToEnd(String(request.requestId), {
      afterPurge: [channel.completionNotice({ name: 'deletion_completed', language: 'en_US' })],
    });
    expect(channel.sent().map((message) => message.type)).toEqual(['text', 'text', 'template']);
    expect((await harness.store.get(String(request.requestId)))?.status).toBe('completed');
  });

  it('131026 gives up on WhatsApp without retrying, and the email confirmation still goes out', async () => {
    const channel = whatsappChannel(harness);
    const request = await deleteAna(channel);
    harness.env.standIns.graph.failNext({
      status: 400,
      body: { error: { code: 131026, message: 'Message undeliverable' } },
    });
    await harness.runToEnd(String(request.requestId), { afterPurge: [channel.completionNotice()] });
    expect(channel.sent()).toHaveLength(2);
    expect(
      channel.events.some(
        (e) => e.metric === 'WhatsAppNoticeNotSent' && e.dimensions?.outcome === 'undeliverable',
      ),
    ).toBe(true);
    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);
    expect((await harness.store.get(String(request.requestId)))?.status).toBe('completed');
  });
});

describe('identity changes', () => {
  it('user_changed_number links the new number to the account of the old one', async () => {
    const channel = whatsappChannel(harness);
    const body = envelope([
      [
        change({
          messages: [
            {
              from: ANA.whatsappPhone,
              id: 'wamid.SYS1',
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'system',
              system: {
                body: 'Ana changed her number',
                new_wa_id: '15550009999',
                type: 'user_changed_number',
              },
            },
          ],
        }),
      ],
    ]);
    await post(channel, body);
    const link = await harness.env.documents.send(
      new GetCommand({ TableName: 'IdentityLinks', Key: { identity: 'whatsapp_phone#15550009999' } }),
    );
    expect(link.Item).toMatchObject({ accountId: ANA.accountId });
  });

  it('user_changed_user_id links the new BSUID; a later request under it reaches the old data', async () => {
    const channel = whatsappChannel(harness);
    const stranger = '16505557777';
    await post(channel, inboundText(stranger, 'wamid.OLD', 'my order?', 'US.OLD1'));
    await post(
      channel,
      envelope([
        [
          change({
            messages: [
              {
                from: stranger,
                id: 'wamid.SYS2',
                timestamp: String(Math.floor(Date.now() / 1000)),
                type: 'system',
                system: {
                  body: 'changed',
                  user_id: 'US.NEW1',
                  previous_user_id: 'US.OLD1',
                  type: 'user_changed_user_id',
                },
              },
            ],
          }),
        ],
      ]),
    );
    const links = (await scan('IdentityLinks')).filter((item) =>
      String(item.accountId).startsWith('wa_link_'),
    );
    expect(links.map((item) => item.identity).sort()).toEqual(
      [`whatsapp_bsuid#US.NEW1`, `whatsapp_bsuid#US.OLD1`, `whatsapp_phone#${stranger}`].sort(),
    );

    const bodyNew = envelope([
      [
        change({
          contacts: [{ profile: { name: 'S' }, user_id: 'US.NEW1' }],
          messages: [
            {
              from_user_id: 'US.NEW1',
              id: 'wamid.NEWDEL',
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'text',
              text: { body: 'DELETE MY DATA' },
            },
          ],
        }),
      ],
    ]);
    await post(channel, bodyNew);
    const [request] = await requests();
    await harness.runToEnd(String(request!.requestId), { afterPurge: [channel.completionNotice()] });
    const everything = JSON.stringify(await harness.scanAll());
    for (const raw of [stranger, 'US.OLD1', 'US.NEW1']) expect(everything).not.toContain(raw);
  });
});

describe('opt-out then deletion', () => {
  it('a person who sent STOP and then DELETE MY DATA gets the acknowledgement they asked for', async () => {
    const channel = whatsappChannel(harness);
    await post(channel, inboundText(PHONE, 'wamid.SD1', 'STOP'));
    await post(channel, inboundText(PHONE, 'wamid.SD2', 'DELETE MY DATA'));
    expect(await requests()).toHaveLength(1);
    expect(channel.sent()).toHaveLength(1);
  });
});
