// unit: the erasure webhook signature (docs/data-stores.md): HMAC-SHA256 over "<timestamp>.<body>", hex, v1=.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signErasureRequest, verifyErasureSignature } from '../../functions/core/erasure-signature.js';
import { isSafePathSegment, planExternalSteps } from '../../functions/core/purge-plan.js';
import { wiredExternalStores } from '../../functions/runtime/config.js';
import { EXTERNAL_STORES } from '../../functions/declarations/external-stores.js';

const body = '{"version":1,"requestId":"req_1"}';
const now = 1_790_000_000;

describe('erasure request signature', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" with the system secret', () => {
    const expected = createHmac('sha256', 'secret').update(`${now}.${body}`).digest('hex');
    expect(signErasureRequest('secret', now, body)).toBe(`v1=${expected}`);
  });

  it('verifies with the current or previous secret, and refuses a changed body, timestamp or secret', () => {
    const signature = signErasureRequest('old', now, body);
    const verify = (overrides: Partial<Parameters<typeof verifyErasureSignature>[0]>) =>
      verifyErasureSignature({
        secrets: ['new', 'old'],
        signature,
        timestamp: String(now),
        body,
        nowSeconds: now,
        ...overrides,
      });
    expect(verify({})).toBe(true);
    expect(verify({ secrets: ['new'] })).toBe(false);
    expect(verify({ body: body.replace('req_1', 'req_2') })).toBe(false);
    expect(verify({ timestamp: String(now + 1), nowSeconds: now + 1 })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ timestamp: 'soon' })).toBe(false);
  });

  it('refuses a timestamp more than five minutes away (a replay)', () => {
    const signature = signErasureRequest('s', now, body);
    const at = (nowSeconds: number) =>
      verifyErasureSignature({ secrets: ['s'], signature, timestamp: String(now), body, nowSeconds });
    expect(at(now + 300)).toBe(true);
    expect(at(now + 301)).toBe(false);
    expect(at(now - 301)).toBe(false);
  });
});

describe('external steps of the purge plan', () => {
  it('reach an object prefix and a webhook in scope, webhooks last, with the identifiers they may know', () => {
    const steps = planExternalSteps(
      'facebook',
      [
        { kind: 'facebook_asid', value: '1001' },
        { kind: 'whatsapp_phone', value: '15550000001' },
      ],
      EXTERNAL_STORES,
    );
    expect(steps.map((step) => step.kind)).toEqual(['object_prefix', 'erasure_webhook']);
    expect(steps[0]).toMatchObject({ prefix: 'media/1001/' });
    expect(steps[1]).toMatchObject({
      identifiers: [{ kind: 'facebook_asid', value: '1001' }],
      categories: ['meta_insights'],
    });
    expect(
      planExternalSteps('whatsapp', [{ kind: 'whatsapp_phone', value: '1555' }], EXTERNAL_STORES),
    ).toEqual([]);
  });

  it("follow the request's own scope: a web request verified by a phone number reaches no other system", () => {
    const subject = [
      { kind: 'whatsapp_phone' as const, value: '15550000001' },
      { kind: 'facebook_asid' as const, value: '1001' },
      { kind: 'email' as const, value: 'ana@example.com' },
    ];
    expect(planExternalSteps({ channel: 'web', scope: 'whatsapp_data' }, subject, EXTERNAL_STORES)).toEqual(
      [],
    );
    expect(
      planExternalSteps({ channel: 'web' }, subject, EXTERNAL_STORES).map((step) => step.store.id),
    ).toEqual(['MediaCopies', 'AnalyticsProvider']);
  });

  it("give another system only the identifiers of the request's scope", () => {
    const subject = [
      { kind: 'facebook_asid' as const, value: '1001' },
      { kind: 'account_id' as const, value: 'acct_1' },
      { kind: 'email' as const, value: 'ana@example.com' },
    ];
    const webhookOf = (channel: 'facebook' | 'email') =>
      planExternalSteps(channel, subject, EXTERNAL_STORES).find((step) => step.kind === 'erasure_webhook');
    expect(webhookOf('facebook')?.identifiers.map((identifier) => identifier.kind)).toEqual([
      'facebook_asid',
    ]);
    expect(webhookOf('email')?.identifiers.map((identifier) => identifier.kind)).toEqual([
      'facebook_asid',
      'account_id',
      'email',
    ]);
  });

  it('refuses an identifier that would widen a prefix beyond one subject', () => {
    for (const value of ['', '..', 'a/b', '.']) expect(isSafePathSegment(value)).toBe(false);
    expect(() =>
      planExternalSteps('facebook', [{ kind: 'facebook_asid', value: '1/..' }], EXTERNAL_STORES),
    ).toThrow(/cannot name a folder of MediaCopies/);
  });
});

describe('the stores a deployed stage wired', () => {
  const locations = {
    OBJECT_PREFIX_MEDIA_COPIES_BUCKET: 'acme-media',
    ERASURE_WEBHOOK_ANALYTICS_PROVIDER_URL: 'https://analytics.acme.example/erasure',
  };

  it('are every declared store locally (no list), exactly the listed ones in a stage, none for an empty list', () => {
    expect(wiredExternalStores(locations, EXTERNAL_STORES)).toEqual(EXTERNAL_STORES);
    expect(
      wiredExternalStores({ ...locations, EXTERNAL_STORES: 'MediaCopies' }, EXTERNAL_STORES).map(
        (store) => store.id,
      ),
    ).toEqual(['MediaCopies']);
    expect(wiredExternalStores({ EXTERNAL_STORES: '' }, EXTERNAL_STORES)).toEqual([]);
  });

  it('fail loudly, never skip: a listed store without its location, or an undeclared one', () => {
    expect(() =>
      wiredExternalStores(
        { EXTERNAL_STORES: 'MediaCopies,AnalyticsProvider', ...{ OBJECT_PREFIX_MEDIA_COPIES_BUCKET: 'b' } },
        EXTERNAL_STORES,
      ),
    ).toThrow(/ERASURE_WEBHOOK_ANALYTICS_PROVIDER_URL/);
    expect(() => wiredExternalStores({ ...locations, EXTERNAL_STORES: 'Crm' }, EXTERNAL_STORES)).toThrow(
      /undeclared stores: Crm/,
    );
  });
});
