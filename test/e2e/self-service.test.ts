// e2e: self-service deletion over HTTP through the local runner: the form, intake with a verification
// email, the single-use link, duplicates and rate limits, the deadline check, and the support command.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
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

const PUBLIC = 'https://privacy.example.test';
let service: RunningService;

beforeAll(async () => {
  service = await startRunner({
    PUBLIC_BASE_URL: PUBLIC,
    // Requests whose job send fails stay open (the reconciler waits), so duplicates can be shown.
    RECONCILE_GRACE_SECONDS: '3600',
    SELF_SERVICE_LIMIT_PER_SOURCE: '100',
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

/** A link built on the public base URL, opened against the local runner. */
const local = (url: string) => url.replace(PUBLIC, service.baseUrl);

async function ask(identifier: string, as: 'form' | 'json' = 'json') {
  const response = await fetch(`${service.baseUrl}/deletion-requests`, {
    method: 'POST',
    headers:
      as === 'json'
        ? { 'Content-Type': 'application/json', Accept: 'application/json' }
        : { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify({ identifier }) : new URLSearchParams({ identifier }).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as Record<string, unknown>;
}

async function verificationLink(address: string, nth = 0): Promise<string> {
  const email = await eventually(async () => {
    const mails = (await mailTo(service.endpoints.ses, address)).filter((mail) =>
      mail.subject.startsWith('Confirm'),
    );
    return mails[nth];
  });
  const link = linkIn(email, '/deletion-requests/verify?token=');
  if (!link) throw new Error('no link in the verification email');
  return link;
}

/** Opens the link as a mail scanner, a link preview or a browser does: a GET. */
async function open(link: string) {
  const response = await fetch(local(link), { redirect: 'manual' });
  return { status: response.status, text: await response.text() };
}

/** Presses the page's button: the form posts the token it carries. */
const confirm = (link: string) => confirmLink(link, service.baseUrl);

const statusHref = (html: string) => /<a href="([^"]*\/deletion-status\?code=[^"]+)"/.exec(html)?.[1] ?? '';

const codeOf = (location: string) => new URL(location).searchParams.get('code') ?? '';

describe('GET /delete-my-data', () => {
  it('shows a labelled form and every way to ask, under a strict CSP', async () => {
    const response = await fetch(`${service.baseUrl}/delete-my-data`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('<label for="identifier">');
    expect(html).toContain('<form method="post" action="deletion-requests">');
    expect(html).toContain('DELETE MY DATA');
    expect(html).toMatch(/Facebook or Instagram settings/);
    expect(html).not.toMatch(/<script/i);
  });
});

describe('the form says what is wrong, in the browser', () => {
  async function post(fields: Record<string, string>) {
    const response = await fetch(`${service.baseUrl}/deletion-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      html: await response.text(),
    };
  }

  it('asks for the country code instead of messaging a guessed number, and keeps the chosen jurisdiction', async () => {
    await fetch(`${service.endpoints.graph}/__reset`, { method: 'POST' });
    const answer = await post({ identifier: '555 000 1111', jurisdiction: 'ccpa' });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('Add your country code, starting with +');
    expect(answer.html).toContain('<option value="ccpa" selected>');
    expect(answer.html).toContain('value="555 000 1111"');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const calls = (await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as unknown[];
    expect(JSON.stringify(calls)).not.toContain('5550001111');
  });

  it('says an email address is incomplete', async () => {
    const answer = await post({ identifier: 'ana@example' });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('This email address is not complete');
  });

  it('answers an over-long input with the form and a message, never raw JSON', async () => {
    const answer = await post({ identifier: `${'a'.repeat(5_000)}@example.com` });
    expect(answer.status).toBe(413);
    expect(answer.type).toContain('text/html');
    expect(answer.html).toContain('<form method="post"');
    expect(answer.html).toContain('longer than any email address or phone number');
  });

  it('tells a program what is wrong as a problem code', async () => {
    const answer = await ask('5550001111');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      status: 'invalid_identifier',
      problem: 'phone_needs_country_code',
    });
  });
});

describe('POST /deletion-requests', () => {
  it('answers the same whether or not we hold data about the address', async () => {
    const known = await ask('ana@example.com');
    const unknown = await ask('nobody-here@example.com');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
  });

  it('verifies by a single-use link built on the public base URL, then deletes everything', async () => {
    const link = await verificationLink('ana@example.com');
    expect(link.startsWith(`${PUBLIC}/deletion-requests/verify?token=`)).toBe(true);
    const requests = JSON.stringify(await service.scan('DeletionRequests'));
    const verifications = JSON.stringify(await service.scan('Verifications'));
    expect(verifications).not.toContain(new URL(link).searchParams.get('token'));
    expect(requests).toContain('pending_verification');

    const opened = await confirm(link);
    expect(opened.status).toBe(303);
    expect(opened.location.startsWith(`${PUBLIC}/deletion-status?code=`)).toBe(true);
    const code = codeOf(opened.location);
    const done = await eventually(async () => {
      const view = await statusOf(code);
      return view.status === 'completed_with_retention' || view.status === 'completed' ? view : undefined;
    });
    expect(done).toMatchObject({ channel: 'web', scope: 'everything' });
    expect(done.due_at).toEqual(expect.any(String));
    expect(JSON.stringify(await service.scanAll())).not.toContain('ana@example.com');
    // Verification data goes with the request.
    const request = (await service.scan('DeletionRequests')).find((item) => item.confirmationCode === code);
    expect(request?.requestId).toEqual(expect.any(String));
    expect(
      (await service.scan('Verifications')).filter((item) => item.requestId === request?.requestId),
    ).toEqual([]);

    // Used, and its verification data gone with the request: the link never acts again, and a late
    // click still finds the status page.
    const late = await open(link);
    expect(late.status).toBe(200);
    expect(late.text).toContain('Already confirmed');
    expect(statusHref(late.text)).toBe(`${PUBLIC}/deletion-status?code=${code}`);
    expect((await confirm(link)).status).toBe(200);
  });

  it('changes nothing when the link is only opened (mail scanners, previews); the button confirms once', async () => {
    await ask('scanned@example.com');
    const link = await verificationLink('scanned@example.com');
    for (let i = 0; i < 3; i += 1) {
      const page = await open(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<form method="post" action="verify">');
      expect(page.text).toContain(`name="token" value="${new URL(link).searchParams.get('token')}"`);
      expect(page.text.match(/<button/g)).toHaveLength(1);
    }
    const pending = (await service.scan('DeletionRequests')).filter(
      (item) => item.status === 'pending_verification',
    );
    expect(pending.length).toBeGreaterThan(0);
    expect(
      (await service.scan('Verifications')).filter(
        (item) => item.usedAt !== undefined && item.statusCode === undefined,
      ),
    ).toEqual([]);

    const confirmed = await confirm(link);
    expect(confirmed.status).toBe(303);
    const code = codeOf(confirmed.location);
    expect(['received', 'queued', 'in_progress', 'completed']).toContain((await statusOf(code)).status);

    // The person's own second click, or a scanner after it: "already confirmed", with the status link.
    for (const again of [await open(link), await confirm(link)]) {
      expect(again.status).toBe(200);
      expect(again.text).toContain('This request was already confirmed');
      expect(again.text).not.toContain('not valid');
      expect(statusHref(again.text)).toBe(`${PUBLIC}/deletion-status?code=${code}`);
    }
  });

  it('refuses unknown tokens', async () => {
    expect((await open(`${PUBLIC}/deletion-requests/verify?token=${'A'.repeat(43)}`)).status).toBe(404);
    expect((await open(`${PUBLIC}/deletion-requests/verify?token=short`)).status).toBe(404);
    expect((await confirm(`${PUBLIC}/deletion-requests/verify?token=${'A'.repeat(43)}`)).status).toBe(404);
    const json = await fetch(`${service.baseUrl}/deletion-requests/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('sends the verification link for a phone number by WhatsApp, through the gateway', async () => {
    await fetch(`${service.endpoints.graph}/__reset`, { method: 'POST' });
    const answer = await ask('+1 555 000 0002');
    expect(answer.status).toBe(202);
    // Sent by the worker after the answer.
    const sent = await eventually(async () => {
      const calls = (await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as {
        path: string;
        body: { to?: string; text?: { body?: string } };
      }[];
      const to = calls.filter((call) => call.body.to === '15550000002');
      return to.length > 0 ? to : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toMatch(/\/106540352242922\/messages$/);
    expect(sent[0]?.body.text?.body).toMatch(/\/deletion-requests\/verify\?token=/);

    // WhatsApp's link preview opens the link too: that confirms nothing, however often; the page
    // carries the button that would.
    const link = /https?:\/\/\S+\/deletion-requests\/verify\?token=\S+/.exec(
      sent[0]?.body.text?.body ?? '',
    )?.[0];
    const before = JSON.stringify(await service.scan('Verifications'));
    for (let i = 0; i < 2; i += 1) {
      const preview = await open(link ?? '');
      expect(preview.status).toBe(200);
      expect(preview.text).toContain('Confirm: delete my data');
      expect(preview.text).toContain('<form method="post" action="verify">');
    }
    expect(JSON.stringify(await service.scan('Verifications'))).toBe(before);
  });

  it('answers the form with a page, and re-shows the form with an error for nonsense', async () => {
    const sent = await ask('form-user@example.com', 'form');
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Check your messages');
    const wrong = await ask('<<>>', 'form');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('aria-invalid="true"');
    expect(wrong.text).not.toContain('<<>>');
  });

  it('limits requests per identifier, counted in the table so it holds across instances', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await ask('limited@example.com')).status);
    expect(answers).toEqual([202, 202, 202, 429]);
    expect(JSON.stringify(await service.scan('RateLimits'))).not.toContain('limited@example.com');
  });

  it('lets the owner verify even when someone else filed first, and points a repeat to the open request', async () => {
    await ask('cleo@example.com'); // filed by someone else, never verified
    await ask('cleo@example.com'); // the owner
    // One pending request: the owner gets the same link again, not a second one.
    const ownersLink = await verificationLink('cleo@example.com', 1);
    expect(ownersLink).toBe(await verificationLink('cleo@example.com', 0));
    await service.failSqs('SendMessage', 1);
    const opened = await confirm(ownersLink);
    expect(opened.status).toBe(303);
    const code = codeOf(opened.location);
    expect((await statusOf(code)).status).toBe('received');
    expect(statusHref((await confirm(ownersLink)).text)).toBe(`${PUBLIC}/deletion-status?code=${code}`);

    const repeat = await ask('cleo@example.com');
    expect(repeat.status).toBe(202);
    const notice = await eventually(async () =>
      (await mailTo(service.endpoints.ses, 'cleo@example.com')).find((mail) =>
        mail.subject.includes('already in progress'),
      ),
    );
    expect(notice.body.text).toContain(`${PUBLIC}/deletion-status?code=${code}`);

    // The link, used, still leads to the open request.
    expect(statusHref((await open(ownersLink)).text)).toBe(`${PUBLIC}/deletion-status?code=${code}`);
  });
});

describe('deadline check and support command', () => {
  async function openRequestCode(): Promise<string> {
    const open = (await service.scan('DeletionRequests')).find(
      (item) => item.status === 'received' && typeof item.dueAt === 'string',
    );
    if (!open) throw new Error('no open request');
    return String(open.confirmationCode);
  }

  it('flags a request past its due date and lists it as overdue', async () => {
    const code = await openRequestCode();
    const item = (await service.scan('DeletionRequests')).find((i) => i.confirmationCode === code);
    await service.documents.send(
      new UpdateCommand({
        TableName: 'DeletionRequests',
        Key: { pk: item?.pk },
        UpdateExpression: 'SET dueAt = :past',
        ExpressionAttributeValues: { ':past': '2026-01-01T00:00:00.000Z' },
      }),
    );
    await eventually(async () =>
      (await service.scan('DeletionRequests')).find(
        (i) => i.confirmationCode === code && i.deadlineState === 'overdue',
      ),
    );
    expect(service.output()).toContain('Deletion requests past their due date');

    const listed = await runRequestsCli(service.baseUrl, ['list', 'overdue']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(code);
    expect(listed.stdout).toContain('[overdue]');
  });

  it('extends an open request with a reason, tells the person, and shows it on the status page', async () => {
    const code = await openRequestCode();
    const result = await runRequestsCli(service.baseUrl, [
      'extend',
      code,
      '--reason',
      'Your account holds data in an archive we restore first.',
      '--months',
      '1',
      '--by',
      'alice',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The person was told by email.');
    // One extension only (GDPR Art. 12(3)): a second is refused in one line, without the usage text.
    const again = await runRequestsCli(service.baseUrl, [
      'extend',
      code,
      '--reason',
      'More.',
      '--months',
      '1',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      'This request was already extended once; GDPR Art. 12(3) allows one extension (at most 2 further months in total).',
    );
    expect(again.stderr).not.toContain('Usage');
    const view = await statusOf(code);
    expect(view.extension_reason).toBe('Your account holds data in an archive we restore first.');
    expect(
      (await mailTo(service.endpoints.ses, 'cleo@example.com')).some((mail) =>
        mail.subject.includes('new completion date'),
      ),
    ).toBe(true);
  });

  it('cancels an open request with a reason shown on the status page, recorded with who did it', async () => {
    const code = await openRequestCode();
    const cancel = await runRequestsCli(service.baseUrl, [
      'cancel',
      code,
      '--reason',
      'You asked us to stop this request by email.',
      '--by',
      'alice',
    ]);
    expect(cancel.code).toBe(0);
    const view = await statusOf(code);
    expect(view).toMatchObject({
      status: 'canceled',
      cancel_reason: 'You asked us to stop this request by email.',
    });
    const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
    expect(page).toContain('You asked us to stop this request by email.');

    const shown = await runRequestsCli(service.baseUrl, ['show', code]);
    expect(shown.stdout).toMatch(/canceled\s+by support:alice/);
    expect(shown.stdout).not.toContain('cleo@example.com');
  });

  it('files an email request on behalf of a child for immediate deletion, and shows it without identifiers', async () => {
    const filed = await runRequestsCli(service.baseUrl, [
      'file',
      '--email',
      'ben@example.com',
      '--verified-by',
      'replied from the account address; parent confirmed by phone',
      '--priority',
      'immediate',
      '--by',
      'bob',
    ]);
    expect(filed.code).toBe(0);
    const code = /Confirmation code: (\S+)/.exec(filed.stdout)?.[1] ?? '';
    const done = await eventually(async () => {
      const view = await statusOf(code);
      return String(view.status).startsWith('completed') ? view : undefined;
    });
    expect(done.channel).toBe('email');
    expect(JSON.stringify(await service.scanAll())).not.toContain('ben@example.com');

    const shown = await runRequestsCli(service.baseUrl, ['show', code]);
    expect(shown.stdout).toContain('(immediate)');
    expect(shown.stdout).toMatch(
      /received\s+by support:bob\s+— identity verified: replied from the account address/,
    );
    expect(shown.stdout).not.toContain('ben@example.com');
  });

  it('points a second filing for an identifier with an open request to that request', async () => {
    await service.failSqs('SendMessage', 1);
    const first = await runRequestsCli(service.baseUrl, [
      'file',
      '--email',
      'dora@example.com',
      '--verified-by',
      'replied from the address',
    ]);
    const code = /Confirmation code: (\S+)/.exec(first.stdout)?.[1] ?? '';
    const second = await runRequestsCli(service.baseUrl, [
      'file',
      '--email',
      'dora@example.com',
      '--verified-by',
      'replied from the address',
    ]);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`already open`);
    expect(second.stdout).toContain(code);
    expect(second.stdout).not.toContain('dora@example.com');
  });

  it('retries a failed request', async () => {
    const filed = await runRequestsCli(service.baseUrl, [
      'file',
      '--identifier',
      'account_id=acct_nobody',
      '--verified-by',
      'signed-in portal session',
    ]);
    const code = /Confirmation code: (\S+)/.exec(filed.stdout)?.[1] ?? '';
    await eventually(async () =>
      String((await statusOf(code)).status).startsWith('completed') ? true : undefined,
    );
    const item = (await service.scan('DeletionRequests')).find((i) => i.confirmationCode === code);
    // Pretend it failed, as after an outage.
    await service.documents.send(
      new UpdateCommand({
        TableName: 'DeletionRequests',
        Key: { pk: item?.pk },
        UpdateExpression: 'SET #s = :failed, openDue = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':open': 'open' },
      }),
    );
    expect((await runRequestsCli(service.baseUrl, ['list', 'failed'])).stdout).toContain(code);

    const retried = await runRequestsCli(service.baseUrl, ['retry', code, '--by', 'carol']);
    expect(retried.code).toBe(0);
    await eventually(async () =>
      String((await statusOf(code)).status).startsWith('completed') ? true : undefined,
    );
    expect((await runRequestsCli(service.baseUrl, ['show', code])).stdout).toContain(
      'retry_requested  by support:carol',
    );
  });

  it('redrives the dead-letter queue', async () => {
    const { sqs, ...info } = await localQueues(service);
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: info.deadLetterQueueUrl,
          MessageBody: JSON.stringify({ v: 1, requestId: 'req_unknown_request' }),
        }),
      );
      const redriven = await runRequestsCli(service.baseUrl, ['redrive']);
      expect(redriven.stdout).toContain('Redrove 1 job(s)');
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: info.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('0');
    } finally {
      sqs.destroy();
    }
  });

  it('refuses a cancel without a reason', async () => {
    const result = await runRequestsCli(service.baseUrl, ['cancel', 'AAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--reason');
  });
});
