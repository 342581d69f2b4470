// Unit tests for the other rights: what a request of each type needs, how open requests of different
// types are kept apart, what the status view and page show for them (never a corrected value), and the
// page that offers every right.
import { describe, expect, it } from '@jest/globals';
import { toStatusView, type DeletionRequest } from '../../functions/core/deletion-request.js';
import {
  normaliseCorrection,
  openRequestKey,
  parseRightsRequest,
  reachableByPhone,
} from '../../functions/core/privacy-rights.js';
import { renderRightsPage } from '../../functions/core/rights-pages.js';
import { renderConfirmPage } from '../../functions/core/self-service-pages.js';
import { DEFAULT_CONTACT, renderStatusPage } from '../../functions/core/status-page.js';
import { CORRECTABLE_ATTRIBUTES } from '../../functions/declarations/rights.js';
import { mappedTables } from '../../functions/declarations/tables.js';

describe('parseRightsRequest', () => {
  it.each([
    [{ type: 'deletion' }, { type: 'deletion' }],
    [{ type: 'access' }, { type: 'access' }],
    [
      { type: 'withdraw_consent', activity: 'analytics' },
      { type: 'withdraw_consent', activity: 'analytics' },
    ],
    [
      { type: 'correction', attribute: 'name', value: '  Ana   Martins ' },
      { type: 'correction', attribute: 'name', value: 'Ana Martins' },
    ],
    [
      { type: 'correction', attribute: 'email', value: 'Ana.New@Example.COM' },
      { type: 'correction', attribute: 'email', value: 'ana.new@example.com' },
    ],
  ])('accepts %p', (fields, request) => {
    expect(parseRightsRequest(fields)).toEqual({ ok: true, request });
  });

  it.each([
    [{}, 'unknown_type'],
    [{ type: 'Access' }, 'unknown_type'],
    [{ type: ['access'] }, 'unknown_type'],
    [{ type: 'withdraw_consent' }, 'unknown_activity'],
    [{ type: 'withdraw_consent', activity: 'toString' }, 'unknown_activity'],
    [{ type: 'correction', attribute: 'toString', value: 'x' }, 'unknown_attribute'],
    [{ type: 'correction', attribute: 'facebookAsid', value: '1' }, 'unknown_attribute'],
    [{ type: 'correction', attribute: 'name' }, 'invalid_value'],
    [{ type: 'correction', attribute: 'name', value: 'a'.repeat(201) }, 'invalid_value'],
    [{ type: 'correction', attribute: 'name', value: 'Ana\u0000' }, 'invalid_value'],
    [{ type: 'correction', attribute: 'email', value: 'ana@' }, 'invalid_value'],
  ])('refuses %p with %s', (fields, problem) => {
    expect(parseRightsRequest(fields as Parameters<typeof parseRightsRequest>[0])).toEqual({
      ok: false,
      problem,
    });
  });

  it('never lets a platform identifier be corrected', () => {
    const attributes = Object.values(CORRECTABLE_ATTRIBUTES).map((declaration) => declaration.attribute);
    const accounts = mappedTables().find((table) => table.id === 'Accounts');
    const metaFields = accounts?.personalData.rules.flatMap((rule) =>
      rule.action.type === 'anonymise' ? rule.action.remove : [],
    );
    expect(metaFields?.length).toBeGreaterThan(0);
    for (const field of metaFields ?? []) expect(attributes).not.toContain(field);
    expect(normaliseCorrection('name', 42)).toBeUndefined();
  });
});

describe('openRequestKey', () => {
  it('keeps deletion on the bare hash and counts every other type apart', () => {
    expect(openRequestKey({}, 'h')).toBe('h');
    expect(openRequestKey({ type: 'deletion' }, 'h')).toBe('h');
    const keys = new Set(
      [
        { type: 'access' as const },
        { type: 'correction' as const, attribute: 'name' as const },
        { type: 'withdraw_consent' as const, activity: 'analytics' as const },
      ].map((kind) => openRequestKey(kind, 'h')),
    );
    expect(keys.size).toBe(3);
    expect(keys.has('h')).toBe(false);
  });

  it('keeps a correction of one attribute and a withdrawal of one activity apart from the others', () => {
    // A request as stored (correction.attribute) and as asked (attribute) give the same key.
    expect(openRequestKey({ type: 'correction', correction: { attribute: 'name' } }, 'h')).toBe(
      openRequestKey({ type: 'correction', attribute: 'name' }, 'h'),
    );
    expect(openRequestKey({ type: 'correction', attribute: 'name' }, 'h')).not.toBe(
      openRequestKey({ type: 'correction', attribute: 'company' }, 'h'),
    );
    expect(openRequestKey({ type: 'withdraw_consent', activity: 'analytics' }, 'h')).not.toBe(
      openRequestKey({ type: 'withdraw_consent', activity: 'ai_transcripts' }, 'h'),
    );
  });
});

describe('reachableByPhone', () => {
  it('lets a phone number delete or copy its WhatsApp data and stop WhatsApp marketing, nothing of an account', () => {
    expect(reachableByPhone({ type: 'deletion' })).toBe(true);
    expect(reachableByPhone({ type: 'access' })).toBe(true);
    expect(reachableByPhone({ type: 'withdraw_consent', activity: 'marketing_messages' })).toBe(true);
    expect(reachableByPhone({ type: 'withdraw_consent', activity: 'analytics' })).toBe(false);
    expect(reachableByPhone({ type: 'withdraw_consent', activity: 'ai_transcripts' })).toBe(false);
    expect(reachableByPhone({ type: 'correction', attribute: 'name' })).toBe(false);
  });
});

const CODE = 'AbCdEfGhIjKlMnOpQrStUvWx';
function request(overrides: Partial<DeletionRequest>): DeletionRequest {
  return {
    requestId: 'req_Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM',
    confirmationCode: CODE,
    status: 'completed',
    channel: 'web',
    subject: [{ kind: 'email', value: 'ana@example.com' }],
    subjectHashes: ['hash'],
    receivedAt: '2026-03-01T12:00:00.000Z',
    updatedAt: '2026-03-01T12:05:00.000Z',
    completedAt: '2026-03-01T12:05:00.000Z',
    outcomes: [],
    attempts: 1,
    ...overrides,
  };
}

describe('status view and page of the other rights', () => {
  it('says deletion for a request without a type (requests filed before the other rights)', () => {
    expect(toStatusView(request({})).type).toBe('deletion');
  });

  it('shows the attribute of a correction, never its value', () => {
    const corrected = request({
      type: 'correction',
      correction: { attribute: 'name', value: 'Ana Martins' },
      stepsDone: ['corrected:0'],
    });
    const view = toStatusView(corrected);
    expect(view).toMatchObject({ type: 'correction', attribute: 'name', records_corrected: 1 });
    const page = renderStatusPage(view);
    for (const text of [JSON.stringify(view), page]) {
      expect(text).not.toContain('Ana Martins');
      expect(text).not.toContain('ana@example.com');
    }
    expect(page).toContain('Your correction request');
    expect(page).toContain('We made the correction you asked for');
    expect(page).not.toContain('deleting');
  });

  it('shows a withdrawal with what was deleted and whether the choice was recorded', () => {
    const view = toStatusView(
      request({
        type: 'withdraw_consent',
        activity: 'analytics',
        outcomes: [{ table: 'AnalyticsIdentifiers', deleted: 1, anonymised: 0, retained: 0 }],
        stepsDone: ['preference:0', 'withdrawn:0'],
      }),
    );
    expect(view).toMatchObject({ activity: 'analytics', items_deleted: 1, preference_recorded: true });
    const page = renderStatusPage(view);
    expect(page).toContain('Analytics');
    expect(page).toMatch(/Your choice recorded<\/dt><dd>Yes/);
  });

  it('offers a finished copy on the status page, and never counts it as deleting anything', () => {
    const view = toStatusView(
      request({ type: 'access', exportExpiresAt: '2026-03-08T12:05:00.000Z', outcomes: [] }),
    );
    expect(view).not.toHaveProperty('no_data_held');
    expect(view).not.toHaveProperty('items_deleted');
    const page = renderStatusPage(view);
    expect(page).toContain(`<a href="privacy-export?code=${CODE}">Open your copy</a>`);
    expect(page).toContain(`href="privacy-export?code=${CODE}&amp;format=json"`);
    expect(page).toContain('A copy of everything we hold about you');
  });

  it('says a copy asked for with a phone number holds that number’s WhatsApp data only', () => {
    const page = renderStatusPage(
      toStatusView(
        request({ type: 'access', scope: 'whatsapp_data', status: 'in_progress', completedAt: undefined }),
      ),
    );
    expect(page).toContain('A copy of the WhatsApp data we hold for this phone number');
    expect(page).not.toContain('Open your copy');
  });

  it('tells a person with an email correction to open the link sent to the new address', () => {
    const view = toStatusView(
      request({
        status: 'pending_verification',
        completedAt: undefined,
        type: 'correction',
        correction: { attribute: 'email', value: 'new@example.com' },
        stepsDone: ['identity-verified'],
      }),
    );
    expect(view.awaiting_new_address).toBe(true);
    expect(renderStatusPage(view)).toContain('confirm your new email address');
  });
});

describe('the page for every right', () => {
  it('offers every offered right, each form labelled, with no script, and escapes what it re-shows', () => {
    const html = renderRightsPage(
      { correction: { identifier: '<b>', value: '"><script>', error: 'Enter it' } },
      { email: 'privacy@example.com' },
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
    expect(html.match(/<form method="post"/g)).toHaveLength(4);
    for (const id of [
      'identifier',
      'copy-identifier',
      'correct-identifier',
      'stop-identifier',
      'correct-value',
    ])
      expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain('id="correct-error" role="alert"');
    expect(html).toContain('aria-describedby="correct-hint correct-error" aria-invalid="true"');
  });

  it('says before anyone asks what a phone number can reach: a correction needs the account email', () => {
    const html = renderRightsPage({}, { email: 'privacy@example.com' });
    expect(html).toContain('<label for="correct-identifier">Email address of your account</label>');
    expect(html).toMatch(
      /id="copy-hint">[^<]*A phone number gets a copy of the WhatsApp data we hold for it/,
    );
    expect(html).toMatch(/id="stop-hint">[^<]*A phone number can stop WhatsApp messages only/);
  });
});

describe('the confirm page a verification link opens', () => {
  it('names the right it confirms, never a deletion for a copy, a correction or a withdrawal', () => {
    expect(renderConfirmPage('t', DEFAULT_CONTACT)).toContain(
      '<button type="submit">Confirm: delete my data</button>',
    );
    for (const [confirms, button] of [
      ['access', 'Confirm: send me a copy'],
      ['correction', 'Confirm: correct my data'],
      ['withdraw_consent', 'Confirm: stop that use'],
      ['new_address', 'Confirm: this is my address'],
    ] as const) {
      const page = renderConfirmPage('t', DEFAULT_CONTACT, confirms);
      expect(page).toContain(`<button type="submit">${button}</button>`);
      expect(page).not.toMatch(/delete my data|to delete/i);
    }
  });

  it('posts relative to itself, so the button works under the stage URL (/<stage>/…) as on a domain', () => {
    const page = renderConfirmPage('t', DEFAULT_CONTACT);
    const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
    expect(action).toBe('verify');
    // The page is served at …/deletion-requests/verify?token=…: a relative action lands on the same route.
    expect(new URL(action ?? '', 'https://x.example/prod/deletion-requests/verify?token=t').pathname).toBe(
      '/prod/deletion-requests/verify',
    );
  });

  it('promises, for a deletion, only what the request covers', () => {
    const page = renderConfirmPage('t', DEFAULT_CONTACT);
    expect(page).toContain('we delete the data this request covers');
    expect(page).not.toContain('we delete everything we hold about you');
  });
});
