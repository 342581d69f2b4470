// Unit tests for what the public status URL shows: the JSON view and the HTML page carry no
// identifier of the person, escape what they render, and the page runs under a strict CSP.
import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  REQUEST_STATUSES,
  toStatusView,
  type DeletionRequest,
  type DeletionStatusView,
} from '../../functions/core/deletion-request.js';
import {
  DEFAULT_CONTACT,
  STATUS_PAGE_CSP,
  renderNotFoundPage,
  renderStatusPage,
} from '../../functions/core/status-page.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { erasedWhereLines } from '../../functions/core/erased-where.js';

const ASID = '10000000000000001';
const SUBJECT_HASH = makeIdentifierHasher('test_pepper')('facebook_asid', ASID);
const REQUEST_ID = 'req_Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM';
const CODE = 'AbCdEfGhIjKlMnOpQrStUvWx';

function deletionRequest(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: REQUEST_ID,
    confirmationCode: CODE,
    status: 'received',
    channel: 'facebook',
    subject: [{ kind: 'facebook_asid', value: ASID }],
    subjectHashes: [SUBJECT_HASH],
    receivedAt: '2025-12-31T23:00:00.000Z',
    updatedAt: '2025-12-31T23:00:05.000Z',
    outcomes: [],
    lastError: `lookup failed for facebook_asid#${ASID}`,
    attempts: 1,
    ...overrides,
  };
}

const COMPLETED = deletionRequest({
  status: 'completed',
  completedAt: '2025-12-31T23:01:00.000Z',
  outcomes: [
    { table: 'MetaPlatformData', deleted: 12, anonymised: 0, retained: 0 },
    { table: 'Other', deleted: 3, anonymised: 1, retained: 0 },
  ],
});

function headlineOf(html: string): string | undefined {
  return /<p class="status" role="status">([^<]+)<\/p>/.exec(html)?.[1];
}

function styleOf(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1] ?? '');
}

function cspDirectives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', ...values]) => [name, values]),
  );
}

describe('toStatusView', () => {
  it.each(REQUEST_STATUSES)('shows no identifier of the person while %s', (status) => {
    const json = JSON.stringify(toStatusView(deletionRequest({ status })));
    expect(json).not.toContain(ASID);
    expect(json).not.toContain(SUBJECT_HASH);
    expect(json).not.toContain(REQUEST_ID);
  });

  it('exposes only the published fields', () => {
    expect(Object.keys(toStatusView(COMPLETED)).sort()).toStrictEqual(
      [
        'v',
        'type',
        'confirmation_code',
        'status',
        'channel',
        'received_at',
        'updated_at',
        'completed_at',
        'scope',
        'tables_purged',
        'items_deleted',
        'items_anonymised',
        'no_data_held',
        'kept',
        'erased_where',
        'backups',
      ].sort(),
    );
  });

  it('says what was erased where, and the day backups no longer hold it', () => {
    const view = toStatusView(
      deletionRequest({
        status: 'completed',
        completedAt: '2026-11-30T10:00:00.000Z',
        outcomes: [
          { table: 'Accounts', deleted: 1, anonymised: 0, retained: 0 },
          { table: 'Preferences', deleted: 0, anonymised: 0, retained: 0 },
          { table: 'BillingRecords', deleted: 0, anonymised: 2, retained: 0 },
          {
            table: 'AnalyticsProvider',
            deleted: 4,
            anonymised: 0,
            retained: 0,
            acknowledgedAt: '2026-11-30T09:59:00.000Z',
          },
        ],
      }),
      { backupRetentionDays: 35 },
    );
    expect(view.erased_where).toEqual([
      { store: 'Accounts', records: 1 },
      { store: 'BillingRecords', records: 0, details_removed: 2 },
      { store: 'AnalyticsProvider', records: 4, acknowledged_at: '2026-11-30T09:59:00.000Z' },
    ]);
    expect(view.backups).toEqual({ retention_days: 35, gone_by: '2027-01-04' });
    const html = renderStatusPage(view);
    expect(html).toContain('<h2>What was erased where</h2>');
    expect(html).toContain('<li>Your account and profile: 1 record erased.</li>');
    // Anonymised records are not called erased.
    expect(html).toContain(
      '<li>Your name and contact details on invoices: personal details removed from 2 records, the rest kept.</li>',
    );
    expect(html).toContain(
      '<li>Our analytics provider erased 4 records of yours that this request covers, as it confirmed on 30 November 2026.</li>',
    );
    expect(html).toContain(
      'keep deleted records restorable for up to 35 days; the copies of yours are gone by 4 January 2027.',
    );
  });

  it("writes what was erased where with the page's numbers and dates: thousands separated, one record, days in words", () => {
    expect(
      erasedWhereLines({
        erased_where: [
          { store: 'MetaPlatformData', records: 12345 },
          { store: 'MediaCopies', records: 1 },
        ],
      }),
    ).toEqual([
      'Your pages, page roles and details, Instagram posts and insights that came from Meta: 12,345 records erased.',
      'Copies of your Instagram and Facebook media: 1 record erased.',
    ]);
  });

  it('shows the confirmation code, status, channel and times', () => {
    expect(toStatusView(deletionRequest())).toStrictEqual({
      v: 1,
      type: 'deletion',
      confirmation_code: CODE,
      status: 'received',
      channel: 'facebook',
      scope: 'meta_platform_data',
      received_at: '2025-12-31T23:00:00.000Z',
      updated_at: '2025-12-31T23:00:05.000Z',
    });
  });

  it('counts tables and deleted items once the request is done', () => {
    expect(toStatusView(COMPLETED)).toMatchObject({
      completed_at: '2025-12-31T23:01:00.000Z',
      tables_purged: 2,
      items_deleted: 15,
    });
  });

  it.each(['received', 'queued', 'in_progress', 'failed'] as const)(
    'shows no counts while the request is %s',
    (status) => {
      const view = toStatusView(deletionRequest({ status, outcomes: COMPLETED.outcomes }));
      expect(view).not.toHaveProperty('tables_purged');
      expect(view).not.toHaveProperty('items_deleted');
    },
  );
});

describe('renderStatusPage', () => {
  it.each(REQUEST_STATUSES)('renders no identifier of the person while %s', (status) => {
    const html = renderStatusPage(toStatusView(deletionRequest({ status, outcomes: COMPLETED.outcomes })));
    expect(html).not.toContain(ASID);
    expect(html).not.toContain(SUBJECT_HASH);
    expect(html).not.toContain(REQUEST_ID);
  });

  it('shows the confirmation code and the count of deleted records', () => {
    const html = renderStatusPage(toStatusView(COMPLETED));
    expect(html).toContain(CODE);
    expect(html).toMatch(/Records deleted<\/dt><dd>15</);
  });

  it('words every status differently, in full sentences', () => {
    const words = REQUEST_STATUSES.map((status) => {
      const outcomes =
        status === 'completed_with_retention'
          ? [
              {
                table: 'BillingRecords',
                deleted: 0,
                anonymised: 0,
                retained: 1,
                retentionReason: 'tax_and_accounting',
              },
            ]
          : COMPLETED.outcomes;
      const html = renderStatusPage(toStatusView(deletionRequest({ status, outcomes })));
      expect(html).not.toContain('undefined');
      return /<p class="status" role="status">([^<]+)<\/p>/.exec(html)?.[1];
    });
    for (const sentence of words) expect(sentence).toMatch(/\.$/);
    expect(new Set(words).size).toBe(REQUEST_STATUSES.length);
  });

  it.each(['facebook', 'instagram', 'whatsapp', 'web', 'email'] as const)(
    'names the %s channel in words',
    (channel) => {
      const html = renderStatusPage(toStatusView(deletionRequest({ channel })));
      expect(html).toMatch(/<dt>Asked through<\/dt><dd>[^<]{3,}<\/dd>/);
      expect(html).not.toContain('undefined');
    },
  );

  it('HTML-escapes what it renders', () => {
    const view: DeletionStatusView = {
      ...toStatusView(deletionRequest()),
      confirmation_code: `<script>alert("x")</script>&'`,
    };
    const html = renderStatusPage(view);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
  });

  it('contains no script and no inline style attributes', () => {
    for (const html of [renderStatusPage(toStatusView(COMPLETED)), renderNotFoundPage()]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('asks search engines not to index the page', () => {
    expect(renderStatusPage(toStatusView(COMPLETED))).toMatch(/<meta name="robots" content="[^"]*noindex/);
    expect(renderNotFoundPage()).toMatch(/<meta name="robots" content="[^"]*noindex/);
  });

  it('lists the records kept, why and until when, when a request completed with retention', () => {
    const request = deletionRequest({
      status: 'completed_with_retention',
      completedAt: '2025-12-31T23:01:00.000Z',
      outcomes: [
        { table: 'MetaPlatformData', deleted: 12, anonymised: 0, retained: 0 },
        {
          table: 'BillingRecords',
          deleted: 0,
          anonymised: 0,
          retained: 2,
          retentionReason: 'tax_and_accounting',
          retainedUntil: '2035-12-31',
        },
      ],
    });
    const html = renderStatusPage(toStatusView(request));
    expect(html).toContain('What we keep, and why');
    // Meta requires a legitimate justification for any refusal to delete (docs/protocols.md, data deletion request callback).
    expect(html).toContain('tax and accounting law requires us to keep them');
    expect(html).toContain('Kept until 31 December 2035, then deleted.');
    expect(html).toContain('<li>2 records. Invoices');
    expect(html).not.toContain('record(s)');
    expect(html).not.toContain('We held no');
    expect(headlineOf(html)).toBe(
      'Done. Your Facebook and Instagram data has been deleted, except records kept because the law requires it (listed below).',
    );
  });

  it('says "kept to prevent fraud" for fraud records, never that the law requires them', () => {
    const request = deletionRequest({
      status: 'completed_with_retention',
      channel: 'web',
      completedAt: '2025-12-31T23:01:00.000Z',
      outcomes: [
        { table: 'Accounts', deleted: 1, anonymised: 0, retained: 0 },
        {
          table: 'FraudSignals',
          deleted: 0,
          anonymised: 0,
          retained: 1,
          retentionReason: 'fraud_prevention',
        },
      ],
    });
    const html = renderStatusPage(toStatusView(request));
    expect(headlineOf(html)).toBe(
      'Done. Your data has been deleted, except records kept to prevent fraud (listed below).',
    );
    expect(html).not.toContain('law requires');
    expect(html).toContain('<li>1 record. Fraud-prevention records');
  });

  it('says that we held nothing, with no row of zeros under it', () => {
    const view = toStatusView(
      deletionRequest({ status: 'completed', completedAt: '2025-12-31T23:01:00.000Z', outcomes: [] }),
    );
    expect(view.no_data_held).toBe(true);
    const html = renderStatusPage(view);
    expect(headlineOf(html)).toBe(
      'Done. We held no Facebook and Instagram data about you, so there was nothing to delete.',
    );
    expect(html).not.toContain('has been deleted');
    expect(html).not.toContain('Records deleted');
    expect(html).toContain('What this request covers');
  });

  it.each([
    ['facebook', 'Facebook and Instagram data', /your WhatsApp conversations with us/],
    ['instagram', 'Facebook and Instagram data', /your WhatsApp conversations with us/],
    ['whatsapp', 'WhatsApp data', /data we received through Facebook and Instagram/],
  ] as const)('names the scope of a %s request and what it did not cover', (channel, data, rest) => {
    const html = renderStatusPage(toStatusView({ ...COMPLETED, channel }));
    expect(headlineOf(html)).toBe(`Done. Your ${data} has been deleted.`);
    expect(html).toContain('<h2>What this request did not cover</h2>');
    expect(html).toMatch(rest);
    expect(html).toContain('<a href="/delete-my-data">Ask us to delete the rest too</a>');
  });

  it('leaves out "did not cover" for a request that covered everything', () => {
    const html = renderStatusPage(toStatusView({ ...COMPLETED, channel: 'web' }));
    expect(headlineOf(html)).toBe('Done. Your data has been deleted.');
    expect(html).not.toContain('did not cover');
  });

  it('writes dates one way, in words, and counts with thousands separators', () => {
    const html = renderStatusPage(
      toStatusView({
        ...COMPLETED,
        outcomes: [{ table: 'MetaPlatformData', deleted: 12345, anonymised: 1, retained: 0 }],
      }),
    );
    expect(html).toContain('<dt>Received</dt><dd>31 December 2025</dd>');
    expect(html).toContain('<dt>Completed</dt><dd>31 December 2025</dd>');
    expect(html).toContain('<dt>Records deleted</dt><dd>12,345</dd>');
    expect(html).not.toMatch(/GMT/);
  });
});

describe('a failed request', () => {
  it('says it retries while automatic attempts remain', () => {
    const html = renderStatusPage(toStatusView(deletionRequest({ status: 'failed' })));
    expect(headlineOf(html)).toContain('retrying automatically');
  });

  it('after the last attempt, says a person is looking at it and by when we answer, and promises no retry', () => {
    const view = toStatusView(
      deletionRequest({
        status: 'failed',
        dueAt: '2026-01-31T23:00:00.000Z',
        retriesExhaustedAt: '2026-01-02T10:00:00.000Z',
      }),
    );
    expect(view.with_our_team).toBe(true);
    const html = renderStatusPage(view);
    expect(headlineOf(html)).toBe(
      'We could not finish this request automatically. A person on our team is looking at it. You do not need to do anything.',
    );
    expect(html).toContain('by 31 January 2026');
    expect(html).not.toMatch(/retry|try again automatically/i);
  });

  it('shows nothing of it once the request is no longer failed', () => {
    const view = toStatusView(
      deletionRequest({ status: 'in_progress', retriesExhaustedAt: '2026-01-02T10:00:00.000Z' }),
    );
    expect(view).not.toHaveProperty('with_our_team');
  });
});

describe('renderNotFoundPage', () => {
  it('says the request was not found, points to the form and the contact address', () => {
    const html = renderNotFoundPage({ email: 'dpo@example.org' });
    expect(html).toContain('Deletion request not found');
    expect(html).not.toMatch(/<dl>/);
    expect(html).toContain('<a href="/delete-my-data">');
    expect(html).toContain('href="mailto:dpo@example.org"');
  });
});

describe('STATUS_PAGE_CSP', () => {
  const directives = cspDirectives(STATUS_PAGE_CSP);

  it("allows no 'unsafe-inline' or 'unsafe-eval' anywhere", () => {
    expect(STATUS_PAGE_CSP).not.toContain('unsafe-inline');
    expect(STATUS_PAGE_CSP).not.toContain('unsafe-eval');
  });

  it('denies everything by default and allows no script', () => {
    expect(directives.get('default-src')).toStrictEqual(["'none'"]);
    expect(directives.has('script-src')).toBe(false);
  });

  it('forbids framing and base-uri changes', () => {
    expect(directives.get('frame-ancestors')).toStrictEqual(["'none'"]);
    expect(directives.get('base-uri')).toStrictEqual(["'none'"]);
  });

  it.each([
    ['status page', () => renderStatusPage(toStatusView(COMPLETED))],
    ['not-found page', () => renderNotFoundPage()],
  ])("allows exactly the %s's one <style> element by its sha256", (_name, render) => {
    const styles = styleOf(render());
    expect(styles).toHaveLength(1);
    const digest = createHash('sha256')
      .update(styles[0] ?? '', 'utf8')
      .digest('base64');
    expect(directives.get('style-src')).toStrictEqual([`'sha256-${digest}'`]);
  });
});

describe('due dates, extensions and cancellations on the status page', () => {
  it('shows the due date while open, with the reason of an extension', () => {
    const view = toStatusView(
      deletionRequest({
        status: 'queued',
        dueAt: '2026-01-31T23:00:00.000Z',
        extensionReason: 'We restore an archive first.',
      }),
    );
    expect(view).toMatchObject({
      due_at: '2026-01-31T23:00:00.000Z',
      extension_reason: 'We restore an archive first.',
    });
    const html = renderStatusPage(view);
    expect(html).toContain('<dt>We will finish by</dt><dd>31 January 2026</dd>');
    expect(html).toContain('We restore an archive first.');
  });

  it('shows why a request was canceled, and no due date', () => {
    const html = renderStatusPage(
      toStatusView(
        deletionRequest({
          status: 'canceled',
          dueAt: '2026-01-31T23:00:00.000Z',
          cancelReason: 'Asked to stop.',
        }),
      ),
    );
    expect(html).toContain('<dt>Why it was canceled</dt><dd>Asked to stop.</dd>');
    expect(html).not.toContain('We will finish by');
  });

  it('says how to contact the company', () => {
    expect(renderStatusPage(toStatusView(COMPLETED), { email: 'dpo@example.org' })).toContain(
      'href="mailto:dpo@example.org"',
    );
  });
});

describe('the receipt on the status page', () => {
  const RECEIPT = 'eyJhbGciOiJFUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJl';

  it('is in the JSON of a completed request, and of no other', () => {
    expect(toStatusView({ ...COMPLETED, receipt: RECEIPT }).receipt).toBe(RECEIPT);
    expect(toStatusView({ ...COMPLETED, status: 'completed_with_retention', receipt: RECEIPT }).receipt).toBe(
      RECEIPT,
    );
    for (const status of ['in_progress', 'failed', 'canceled'] as const) {
      expect(toStatusView({ ...COMPLETED, status, receipt: RECEIPT }).receipt).toBeUndefined();
    }
  });

  it('is offered as a download, with what it proves in one sentence', () => {
    const html = renderStatusPage(toStatusView({ ...COMPLETED, receipt: RECEIPT }));
    expect(html).toContain(`<a href="data:application/jose,${RECEIPT}" download="deletion-receipt.jws">`);
    expect(html).toContain('Your deletion receipt');
    expect(html).toContain('check that we deleted what it lists');
    expect(renderStatusPage(toStatusView(COMPLETED))).not.toContain('deletion receipt');
  });

  it('is left out rather than rendered when it is not a compact JWS', () => {
    const html = renderStatusPage(toStatusView({ ...COMPLETED, receipt: 'a"><script>alert(1)</script>' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('Download your receipt');
  });
});

describe('the status page on a stage that leaves platform channels out', () => {
  it('tells what the served platforms may still hold, and nothing of the others', () => {
    const everything = toStatusView({ ...COMPLETED, channel: 'web' });
    expect(renderStatusPage(everything)).toContain('Facebook, Instagram and WhatsApp keep their own copies');
    const facebookOnly = renderStatusPage(everything, DEFAULT_CONTACT, ['facebook']);
    expect(facebookOnly).toContain('<h2>What Meta may still hold</h2>');
    expect(facebookOnly).toContain('Facebook keeps its own copies of your activity on its side');
    expect(facebookOnly).not.toMatch(/may still hold[\s\S]*(WhatsApp|Instagram)/);
    const none = renderStatusPage(everything, DEFAULT_CONTACT, []);
    expect(none).not.toContain('may still hold');
  });
});
