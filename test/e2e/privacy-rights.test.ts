// e2e: the rights besides deletion, over HTTP through the local runner, as a person and support staff
// would use them: the page for every right, POST /privacy-requests (form and JSON), verification by
// email, the worker, the status page and the support command.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXTERNAL_STORES } from '../../functions/declarations/external-stores.js';
import { DATA_CATEGORIES, mappedTables } from '../../functions/declarations/tables.js';
import { BEN, rawIdentifiers } from '../../local/seed-data.js';
import { eventually, START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { linkIn, mailTo } from '../support/mailbox.js';
import { runRequestsCli, runScript } from '../support/requests-cli.js';
import { confirmLink } from '../support/verification-link.js';

const PUBLIC = 'https://privacy.example.test';
/** A request goes through intake, verification, the queue and the worker: seconds on a busy machine. */
const FLOW_TIMEOUT = 60_000;
/** Each run of the support command starts a process. */
const CLI_TIMEOUT = 150_000;
let service: RunningService;

beforeAll(async () => {
  service = await startRunner({
    PUBLIC_BASE_URL: PUBLIC,
    SELF_SERVICE_LIMIT_PER_SOURCE: '100',
    SELF_SERVICE_LIMIT_PER_IDENTIFIER: '20',
    // A request whose job send fails stays open (the reconciler waits), so it can be canceled.
    RECONCILE_GRACE_SECONDS: '3600',
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

const local = (url: string) => url.replace(PUBLIC, service.baseUrl);

async function ask(fields: Record<string, string>, as: 'form' | 'json' = 'json') {
  const response = await fetch(`${service.baseUrl}/privacy-requests`, {
    method: 'POST',
    headers:
      as === 'json'
        ? { 'Content-Type': 'application/json', Accept: 'application/json' }
        : { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
  return { status: response.status, text: await response.text() };
}

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The newest mail to `address` whose subject starts with `subject`, once there are `count` of them. */
async function mail(address: string, subject: string, count = 1) {
  return eventually(async () => {
    const found = (await mailTo(service.endpoints.ses, address)).filter((m) => m.subject.startsWith(subject));
    return found.length >= count ? found[count - 1] : undefined;
  });
}

async function openLink(address: string, subject: string, count = 1) {
  const link = linkIn(await mail(address, subject, count), '/deletion-requests/verify?token=');
  if (!link) throw new Error('no link');
  // As a person does: open the page, press its button.
  const confirmed = await confirmLink(link, service.baseUrl);
  return {
    status: confirmed.status,
    text: confirmed.text,
    code: new URL(confirmed.location || `${PUBLIC}/`).searchParams.get('code') ?? '',
  };
}

async function done(code: string) {
  return eventually(async () => {
    const view = await statusOf(code);
    return String(view.status).startsWith('completed') ? view : undefined;
  });
}

type Items = Record<string, Record<string, unknown>[]>;
const DATA_TABLES = [
  'IdentityLinks',
  'Accounts',
  'MetaPlatformData',
  'IntegrationTokens',
  'WhatsAppMessages',
  'WhatsAppContacts',
  'AgentTranscripts',
  'SupportTickets',
  'Preferences',
  'AnalyticsIdentifiers',
  'BillingRecords',
  'FraudSignals',
];

async function snapshot(): Promise<Items> {
  const result: Items = {};
  for (const table of DATA_TABLES) result[table] = await service.scan(table);
  return result;
}

const sorted = (items: Record<string, unknown>[]) => items.map((item) => JSON.stringify(item)).sort();

describe('the page for every right', () => {
  it.each(['/delete-my-data', '/privacy'])(
    '%s offers deletion, a copy, a correction and a withdrawal',
    async (path) => {
      const response = await fetch(`${service.baseUrl}${path}`);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('<form method="post" action="deletion-requests">');
      for (const type of ['access', 'correction', 'withdraw_consent'])
        expect(html).toContain(`<button type="submit" name="type" value="${type}">`);
      for (const id of ['copy-identifier', 'correct-attribute', 'correct-value', 'stop-activity'])
        expect(html).toContain(`<label for="${id}">`);
    },
  );
});

describe('POST /privacy-requests refuses what it cannot do, and stores nothing', () => {
  it.each([
    [{ identifier: 'ana@example.com' }, 'unknown_type'],
    [{ identifier: 'ana@example.com', type: 'portability' }, 'unknown_type'],
    [
      { identifier: 'ana@example.com', type: 'correction', attribute: 'facebookAsid', value: '1' },
      'unknown_attribute',
    ],
    [
      { identifier: 'ana@example.com', type: 'correction', attribute: 'email', value: 'not-an-address' },
      'invalid_value',
    ],
    [{ identifier: 'ana@example.com', type: 'correction', attribute: 'name', value: ' ' }, 'invalid_value'],
    [{ identifier: 'ana@example.com', type: 'withdraw_consent', activity: 'everything' }, 'unknown_activity'],
  ])('%p → %s', async (fields, problem) => {
    const before = (await service.scan('DeletionRequests')).length;
    const answer = await ask(fields as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 'invalid_request', problem });
    expect((await service.scan('DeletionRequests')).length).toBe(before);
  });

  it('re-shows the form it came from with the error', async () => {
    const answer = await ask(
      { identifier: 'ana@example.com', type: 'correction', attribute: 'name', value: '' },
      'form',
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('id="correct-error" role="alert"');
  });
});

describe('a copy of Ana’s data (form, verified by email)', () => {
  it(
    'ends with an email whose link returns every category of hers from every store, nothing of Ben’s, nothing deleted',
    async () => {
      const before = await snapshot();
      const sent = await ask({ identifier: 'ana@example.com', type: 'access' }, 'form');
      expect(sent.status).toBe(200);
      const opened = await openLink('ana@example.com', 'Confirm your request for a copy of your data');
      expect(opened.status).toBe(303);
      const view = await done(opened.code);
      expect(view).toMatchObject({ type: 'access', status: 'completed' });
      const expires = new Date(String(view.export_expires_at)).getTime();
      expect(expires - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      expect(expires - Date.now()).toBeLessThan(7.1 * 86_400_000);

      const ready = await mail('ana@example.com', 'Your copy of your data is ready');
      const link = linkIn(ready, '/privacy-export?code=');
      expect(link).toBe(`${PUBLIC}/privacy-export?code=${opened.code}`);

      const page = await fetch(local(link ?? ''));
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('A copy of your data');
      expect(html).toContain('Where it came from');

      // The page offers the file for programs as a link a person can follow.
      const href = /<a href="([^"]+)" download="my-data.json">/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(href).toBe(`privacy-export?code=${opened.code}&format=json`);
      const file = await fetch(new URL(href ?? '', local(link ?? '')));
      expect(file.headers.get('content-disposition')).toContain('attachment');
      const copy = (await file.json()) as {
        categories: { category: string; stores: string[]; records: Record<string, unknown>[]; why: string }[];
      };
      expect(copy.categories.map((c) => c.category).sort()).toEqual([...DATA_CATEGORIES].sort());
      const stores = new Set(copy.categories.flatMap((c) => c.stores));
      // Every table, and the S3 prefixes of the data map (her files listed); other systems are named apart.
      const prefixes = EXTERNAL_STORES.filter((store) => store.kind === 'object_prefix').map(
        (store) => store.id,
      );
      expect([...stores].sort()).toEqual([...mappedTables().map((t) => t.id), ...prefixes].sort());
      expect(
        (copy as { held_elsewhere?: { store: string }[] }).held_elsewhere?.map((held) => held.store),
      ).toEqual(EXTERNAL_STORES.filter((store) => store.kind === 'erasure_webhook').map((store) => store.id));
      for (const category of copy.categories) expect(category.why.length).toBeGreaterThan(0);
      const text = JSON.stringify(copy);
      expect(text).toContain('ana@example.com');
      expect(text).toContain("Ana's Bakery");
      for (const value of [...rawIdentifiers(BEN), 'acct_ben', 'Ben Example', "Ben's Bakery"])
        expect(text).not.toContain(value);
      // Tokens are secrets: a copy says they exist, never what they are.
      expect(text).not.toContain('EAAB-local');
      expect(text).not.toContain('shpat_local');

      // Nothing was deleted or changed by asking for a copy.
      expect(await snapshot()).toEqual(before);

      // Without the code, or a wrong one, nothing.
      expect((await fetch(`${service.baseUrl}/privacy-export`)).status).toBe(404);
      expect((await fetch(`${service.baseUrl}/privacy-export?code=${'A'.repeat(24)}`)).status).toBe(404);

      // When the link expires the copy is gone.
      const request = (await service.scan('DeletionRequests')).find(
        (item) => item.confirmationCode === opened.code,
      );
      const listed = async () => (await fetch(`${service.endpoints.s3}/privacy-exports?list-type=2`)).text();
      expect(await listed()).toContain(`exports/${String(request?.requestId)}/export.json`);
      await service.documents.send(
        new UpdateCommand({
          TableName: 'DeletionRequests',
          Key: { pk: request?.pk },
          UpdateExpression: 'SET exportExpiresAt = :past',
          ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
        }),
      );
      expect((await fetch(local(link ?? ''))).status).toBe(410);
      expect(await listed()).not.toContain(String(request?.requestId));

      // A copy is not a deletion: it gets no signed receipt, and the receipt command says so.
      expect(view).not.toHaveProperty('receipt');
      const receipt = await runScript('scripts/receipt.ts', [
        'verify',
        opened.code,
        '--service',
        service.baseUrl,
      ]);
      expect(receipt.code).not.toBe(0);
      expect(receipt.stderr).toContain('not a deletion: only a deletion gets a signed receipt');
    },
    CLI_TIMEOUT,
  );
});

describe('withdrawing consent for analytics (form, verified by email)', () => {
  it(
    'deletes only Ana’s analytics identifiers, records the preference, and shows it',
    async () => {
      const before = await snapshot();
      const sent = await ask(
        { identifier: 'ana@example.com', type: 'withdraw_consent', activity: 'analytics' },
        'form',
      );
      expect(sent.status).toBe(200);
      expect(sent.text).toContain('Nothing happens until you do.');
      const opened = await openLink('ana@example.com', 'Confirm your request to stop a use of your data');
      expect(opened.status).toBe(303);
      const view = await done(opened.code);
      expect(view).toMatchObject({
        type: 'withdraw_consent',
        activity: 'analytics',
        status: 'completed',
        items_deleted: 1,
        preference_recorded: true,
      });
      // Due within one month of the verification, as a deletion is.
      const due = new Date(String(view.due_at)).getTime() - new Date(String(view.received_at)).getTime();
      expect(due).toBeGreaterThan(27 * 86_400_000);
      expect(due).toBeLessThan(32 * 86_400_000);

      const after = await snapshot();
      expect(after.AnalyticsIdentifiers?.filter((item) => item.accountId === 'acct_ana')).toEqual([]);
      expect(after.AnalyticsIdentifiers).toHaveLength((before.AnalyticsIdentifiers?.length ?? 0) - 1);
      expect(after.Preferences).toContainEqual(
        expect.objectContaining({
          accountId: 'acct_ana',
          preference: 'consent#analytics',
          value: 'withdrawn',
        }),
      );
      // Every other table is exactly as it was; Preferences only gained the one item.
      for (const table of DATA_TABLES.filter(
        (name) => !['AnalyticsIdentifiers', 'Preferences'].includes(name),
      ))
        expect(sorted(after[table] ?? [])).toEqual(sorted(before[table] ?? []));
      expect(after.Preferences).toHaveLength((before.Preferences?.length ?? 0) + 1);

      const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${opened.code}`)).text();
      expect(page).toContain('Your request to stop a use of your data');
      expect(page).toContain('Analytics');
      expect(page).not.toContain('ana@example.com');
      expect((await mail('ana@example.com', 'We have stopped that use of your data')).body.text).toContain(
        'analytics identifiers',
      );
    },
    FLOW_TIMEOUT,
  );
});

describe('correcting Ana’s name (JSON)', () => {
  it(
    'changes exactly that attribute of exactly that item, and keeps only hashes in the trail',
    async () => {
      const before = await snapshot();
      const sent = await ask({
        identifier: 'ana@example.com',
        type: 'correction',
        attribute: 'name',
        value: 'Ana Martins',
      });
      expect(sent.status).toBe(202);
      expect(JSON.parse(sent.text)).toMatchObject({ status: 'link_sent', type: 'correction' });
      const opened = await openLink('ana@example.com', 'Confirm your correction request');
      const view = await done(opened.code);
      expect(view).toMatchObject({ type: 'correction', attribute: 'name', records_corrected: 1 });
      expect(JSON.stringify(view)).not.toContain('Ana Martins');

      const after = await snapshot();
      const ana = (items: Items) => items.Accounts?.find((item) => item.accountId === 'acct_ana');
      expect(ana(after)).toEqual({ ...ana(before), name: 'Ana Martins' });
      for (const table of DATA_TABLES.filter((name) => name !== 'Accounts'))
        expect(sorted(after[table] ?? [])).toEqual(sorted(before[table] ?? []));
      expect(sorted(after.Accounts?.filter((item) => item.accountId !== 'acct_ana') ?? [])).toEqual(
        sorted(before.Accounts?.filter((item) => item.accountId !== 'acct_ana') ?? []),
      );

      const request = (await service.scan('DeletionRequests')).find(
        (item) => item.confirmationCode === opened.code,
      );
      const trail = JSON.stringify(request?.events);
      expect(trail).toContain('"event":"corrected"');
      expect(trail).toMatch(/Accounts\.name: old [\w-]{22}, new [\w-]{22}/);
      expect(JSON.stringify(request)).not.toContain('Ana Martins');
      expect(JSON.stringify(request)).not.toContain('Ana Example');
      expect((await mail('ana@example.com', 'Your data has been corrected')).body.text).toContain(
        'your name',
      );
    },
    FLOW_TIMEOUT,
  );
});

describe('correcting Ana’s email address', () => {
  it(
    'writes the new address only once a link sent to it is opened',
    async () => {
      const sent = await ask({
        identifier: 'ana@example.com',
        type: 'correction',
        attribute: 'email',
        value: 'Ana.New@Example.com',
      });
      expect(sent.status).toBe(202);
      const first = await openLink('ana@example.com', 'Confirm your correction request', 2);
      // The first link ends on the status page, which says what is left to do.
      expect(first.status).toBe(303);
      const code = first.code;
      expect(code).toBe(
        String(
          (await service.scan('DeletionRequests')).find(
            (item) => item.correctionAttribute === 'email' && item.status === 'pending_verification',
          )?.confirmationCode,
        ),
      );
      const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
      expect(page).toContain('confirm your new email address from the link we sent to it');
      expect(await statusOf(code)).toMatchObject({
        status: 'pending_verification',
        awaiting_new_address: true,
      });
      const account = async () =>
        (await service.scan('Accounts')).find((item) => item.accountId === 'acct_ana');
      expect((await account())?.email).toBe('ana@example.com');

      const second = await openLink('ana.new@example.com', 'Confirm your new email address');
      expect(second.status).toBe(303);
      expect(second.code).toBe(code);
      await done(code);
      expect((await account())?.email).toBe('ana.new@example.com');
      const links = await service.scan('IdentityLinks');
      expect(links).toContainEqual({ identity: 'email#ana.new@example.com', accountId: 'acct_ana' });
      expect(links.find((item) => item.identity === 'email#ana@example.com')).toBeUndefined();
      expect((await mail('ana.new@example.com', 'Your data has been corrected')).body.text).toContain(
        'your email address',
      );
    },
    FLOW_TIMEOUT,
  );
});

describe('the support command, for every type', () => {
  it(
    'files a withdrawal that runs, shows it by type, and refuses what cannot be corrected',
    async () => {
      const filed = await runRequestsCli(service.baseUrl, [
        'file',
        '--email',
        'ben@example.com',
        '--type',
        'withdraw_consent',
        '--activity',
        'ai_transcripts',
        '--verified-by',
        'replied from the address on file',
      ]);
      expect(filed.code).toBe(0);
      const code = /Confirmation code: (\w+)/.exec(filed.stdout)?.[1] ?? '';
      const view = await done(code);
      expect(view).toMatchObject({ type: 'withdraw_consent', activity: 'ai_transcripts', channel: 'email' });
      const transcripts = await service.scan('AgentTranscripts');
      expect(transcripts.filter((item) => item.accountId === 'acct_ben')).toEqual([]);
      expect(transcripts.filter((item) => item.accountId === 'acct_cleo').length).toBeGreaterThan(0);

      const shown = await runRequestsCli(service.baseUrl, ['show', code]);
      expect(shown.stdout).toContain('withdraw_consent(ai_transcripts)');
      expect(shown.stdout).not.toContain('ben@example.com');

      const refused = await runRequestsCli(service.baseUrl, [
        'file',
        '--email',
        'ben@example.com',
        '--type',
        'correction',
        '--attribute',
        'whatsappPhone',
        '--value',
        '1',
        '--verified-by',
        'x',
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--attribute name, email or company');
    },
    CLI_TIMEOUT,
  );

  it(
    'files a correction that runs, and lists and cancels a withdrawal by type',
    async () => {
      const correction = await runRequestsCli(service.baseUrl, [
        'file',
        '--email',
        'cleo@example.com',
        '--type',
        'correction',
        '--attribute',
        'company',
        '--value',
        'Cleo Cakes Ltd',
        '--verified-by',
        'video call',
      ]);
      expect(correction.code).toBe(0);
      const corrected = await done(/Confirmation code: (\w+)/.exec(correction.stdout)?.[1] ?? '');
      expect(corrected).toMatchObject({ type: 'correction', attribute: 'company', records_corrected: 1 });
      expect((await service.scan('Accounts')).find((item) => item.accountId === 'acct_cleo')?.company).toBe(
        'Cleo Cakes Ltd',
      );

      // The job send fails, so the withdrawal stays open: listed by type, then canceled.
      await service.failSqs('SendMessage', 1);
      const waiting = await runRequestsCli(service.baseUrl, [
        'file',
        '--email',
        'cleo@example.com',
        '--type',
        'withdraw_consent',
        '--activity',
        'marketing_messages',
        '--verified-by',
        'video call',
      ]);
      const open = /Confirmation code: (\w+)/.exec(waiting.stdout)?.[1] ?? '';
      const listed = await runRequestsCli(service.baseUrl, ['list', 'open', '--type', 'withdraw_consent']);
      expect(listed.stdout).toContain(`${open}  withdraw_consent(marketing_messages)  received`);
      expect(
        (await runRequestsCli(service.baseUrl, ['list', 'open', '--type', 'correction'])).stdout,
      ).not.toContain(open);
      const dueBefore = String((await statusOf(open)).due_at);
      const extended = await runRequestsCli(service.baseUrl, [
        'extend',
        open,
        '--reason',
        'We need to check which numbers are yours',
        '--months',
        '1',
      ]);
      expect(extended.code).toBe(0);
      const later = await statusOf(open);
      expect(later).toMatchObject({
        type: 'withdraw_consent',
        extension_reason: 'We need to check which numbers are yours',
      });
      expect(Date.parse(String(later.due_at))).toBeGreaterThan(Date.parse(dueBefore));
      const canceled = await runRequestsCli(service.baseUrl, [
        'cancel',
        open,
        '--reason',
        'Asked by mistake',
      ]);
      expect(canceled.code).toBe(0);
      expect(await statusOf(open)).toMatchObject({
        type: 'withdraw_consent',
        status: 'canceled',
        cancel_reason: 'Asked by mistake',
      });
    },
    CLI_TIMEOUT,
  );
});
