// e2e: an outsider's attempts against the local service over HTTP: deleting someone else's data
// through a recycled phone number, another sender's contact entry, a business number that is not
// ours, or the other Meta platform's secret and login tokens. Each must change nothing of the victim.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { LOCAL_DEFAULTS } from '../../local/local-service.js';
import { ANA, BEN, CLEO } from '../../local/seed-data.js';
import {
  eventually,
  localQueues,
  START_TIMEOUT_MS,
  startRunner,
  type RunningService,
} from '../support/local-runner.js';
import { linkIn, mailTo } from '../support/mailbox.js';
import { runRequestsCli } from '../support/requests-cli.js';
import { confirmLink } from '../support/verification-link.js';
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
}, START_TIMEOUT_MS);

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
    const opened = await confirmLink(link, service.baseUrl);
    expect(opened.status).toBe(303);
    const code = new URL(opened.location).searchParams.get('code') ?? '';
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

describe('the support command files what it is given correctly (point 5)', () => {
  it('files a formatted phone number as its digits: the data is deleted and the suppression is under the right hash', async () => {
    expect((await itemsWith('WhatsAppMessages', ANA.whatsappPhone)).length).toBeGreaterThan(0);
    const filed = await runRequestsCli(service.baseUrl, [
      'file',
      '--identifier',
      'whatsapp_phone=+1 555 000 0001',
      '--verified-by',
      'called back on the number',
    ]);
    expect(filed.code).toBe(0);
    const code = /Confirmation code: (\S+)/.exec(filed.stdout)?.[1] ?? '';
    const done = await finished(code);
    expect(done.no_data_held).toBe(false);
    expect(await itemsWith('WhatsAppMessages', ANA.whatsappPhone)).toEqual([]);
    const hash = makeIdentifierHasher(LOCAL_DEFAULTS.IDENTIFIER_PEPPER);
    const suppressed = (await service.scan('Suppressions')).map((item) => JSON.stringify(item));
    expect(suppressed.some((item) => item.includes(hash('whatsapp_phone', ANA.whatsappPhone)))).toBe(true);
  }, 40_000);

  it('refuses an identifier that does not fit its kind with a one-line reason, filing nothing', async () => {
    const before = (await service.scan('DeletionRequests')).length;
    const refusals = await Promise.all(
      [
        ['whatsapp_phone=call me', 'whatsapp_phone'],
        ['facebook_asid=10 000 000', 'facebook_asid'],
        ['instagram_scoped_id=@ana.bakes', 'instagram_scoped_id'],
        ['whatsapp_bsuid=15550000001', 'whatsapp_bsuid'],
        ['email=ben@example.com(x)', 'email'],
      ].map(async ([identifier, kind]) => ({
        kind,
        result: await runRequestsCli(service.baseUrl, [
          'file',
          '--identifier',
          identifier!,
          '--verified-by',
          'replied from the address',
        ]),
      })),
    );
    for (const { kind, result } of refusals) {
      // A refusal, not a usage error: one line, exit 1.
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Refused ${kind}: [^\n]+\n$`));
    }
    expect((await service.scan('DeletionRequests')).length).toBe(before);
  }, 60_000);
});

describe('redrive (point 6)', () => {
  it('moves every well-formed job and leaves (and reports) the malformed ones', async () => {
    const { sqs, ...info } = await localQueues(service);
    try {
      for (const body of [
        'not json',
        JSON.stringify({ v: 1, requestId: 'not a request id' }),
        JSON.stringify({ v: 1, requestId: 'req_redrive_well_formed_1' }),
        JSON.stringify({ v: 1, requestId: 'req_redrive_well_formed_2' }),
      ])
        await sqs.send(new SendMessageCommand({ QueueUrl: info.deadLetterQueueUrl, MessageBody: body }));

      const redriven = await runRequestsCli(service.baseUrl, ['redrive']);
      expect(redriven.stdout).toContain('Redrove 2 job(s)');
      expect(redriven.stdout).toMatch(/Left 2 message\(s\) that are not deletion jobs/);
      expect(redriven.stdout).not.toContain('not json');
      expect(redriven.code).toBe(1);
      const left = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: info.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      expect(
        Number(left.Attributes?.ApproximateNumberOfMessages) +
          Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible),
      ).toBe(2);
      // Visible again at once, for support to look at (not hidden for the run's five-minute lease).
      expect(left.Attributes?.ApproximateNumberOfMessages).toBe('2');
    } finally {
      sqs.destroy();
    }
  }, 30_000);
});

async function askForm(identifier: string) {
  const response = await fetch(`${service.baseUrl}/deletion-requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('learning who is a customer through the form (point 7)', () => {
  it('answers a number that wrote to us exactly like one that never did, even when WhatsApp sends fail', async () => {
    // Every Graph call fails with an error no rule classifies (a send that once answered the form 500).
    await fetch(`${service.endpoints.graph}/__faults`, {
      method: 'POST',
      body: JSON.stringify({
        status: 400,
        body: { error: { code: 100, message: 'Invalid parameter' } },
        count: 50,
      }),
    });
    try {
      const known = await askForm(`+${CLEO.whatsappPhone}`); // wrote to the business within 24 hours
      const unknown = await askForm('+15557770000');
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(known.status);
      expect(unknown.text).toBe(known.text);
    } finally {
      await fetch(`${service.endpoints.graph}/__reset`, { method: 'POST' });
    }
  });
});

describe('rate limits and addresses (points 8 and 12)', () => {
  it('counts plus-tags against one mailbox and tells the truth about when to retry', async () => {
    const statuses = [];
    let last: Awaited<ReturnType<typeof askForm>> | undefined;
    for (const address of [
      'ben+1@example.com',
      'ben+2@example.com',
      'ben@example.com',
      'ben+3@example.com',
    ]) {
      last = await askForm(address);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    const untilMidnight = Math.ceil(
      (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) -
        Date.now()) /
        1000,
    );
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(Math.abs(retryAfter - untilMidnight)).toBeLessThan(30);
  });

  it('sends the one pending link again instead of issuing new ones', async () => {
    await askForm('dora.pending@example.com');
    await askForm('dora.pending@example.com');
    const links = await eventually(async () => {
      const mails = (await mailTo(service.endpoints.ses, 'dora.pending@example.com')).filter((mail) =>
        mail.subject.startsWith('Confirm'),
      );
      return mails.length >= 2
        ? mails.map((mail) => linkIn(mail, '/deletion-requests/verify?token='))
        : undefined;
    });
    expect(links[0]).toBeDefined();
    expect(links[1]).toBe(links[0]);
    const pending = (await service.scan('DeletionRequests')).filter(
      (item) =>
        item.status === 'pending_verification' && JSON.stringify(item).includes('dora.pending@example.com'),
    );
    expect(pending).toHaveLength(1);
  });

  it.each(['ben@example.com(x)', 'a@b..cc', 'ana@bäckerei.de', 'Ben <ben@example.com>'])(
    'refuses %p with 400, never a 500, and queues nothing',
    async (identifier) => {
      const answer = await askForm(identifier);
      expect(answer.status).toBe(400);
    },
  );
});
