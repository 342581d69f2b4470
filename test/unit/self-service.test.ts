// Unit tests for self-service intake: identifier recognition, what is answered for each kind, rate
// limits per source and per mailbox with a true Retry-After, one pending link per identifier, and
// strict email addresses.
import { describe, expect, it } from '@jest/globals';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { parseIdentifier, readIdentifier } from '../../functions/core/self-service-identifier.js';
import {
  DEFAULT_SELF_SERVICE_LIMITS,
  makeRequestSelfServiceDeletion,
  type SelfServicePorts,
} from '../../functions/use-cases/request-self-service-deletion.js';
import type { DeletionRequestStore, RateLimiter } from '../../functions/use-cases/ports.js';

describe('parseIdentifier', () => {
  it.each([
    ['  Ana@Example.COM ', { kind: 'email', value: 'ana@example.com' }],
    ['+1 (555) 000-0001', { kind: 'phone', value: '15550000001' }],
    ['0044 7700 900123', { kind: 'phone', value: '447700900123' }],
    ['15550000001', undefined],
    ['@Ana.Insta', { kind: 'social', value: 'ana.insta' }],
    ['<script>', undefined],
    ['', undefined],
    [42, undefined],
  ])('reads %p', (raw, expected) => {
    expect(parseIdentifier(raw)).toEqual(expected);
  });
});

describe('readIdentifier', () => {
  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    [undefined, 'missing'],
    [`${'a'.repeat(250)}@example.com`, 'too_long'],
    ['bad@@example.com', 'email_invalid'],
    ['ana@example', 'email_invalid'],
    ['5550001111', 'phone_needs_country_code'],
    ['(555) 000-1111', 'phone_needs_country_code'],
    ['+12', 'phone_invalid'],
    ['<script>', 'unrecognised'],
  ])('says what is wrong with %p: %s', (raw, problem) => {
    expect(readIdentifier(raw)).toEqual({ ok: false, problem });
  });
});

function setup(overrides: Partial<SelfServicePorts> = {}) {
  const created: DeletionRequest[] = [];
  const queued: string[] = [];
  const counters = new Map<string, number>();
  const rateLimiter: RateLimiter = {
    async hit(key, rule) {
      const count = (counters.get(key) ?? 0) + 1;
      counters.set(key, count);
      return count <= rule.limit;
    },
  };
  const pending = new Map<string, { requestId: string; validUntil: Date }>();
  const store = {
    async create(request: DeletionRequest) {
      created.push(request);
      return { created: true as const };
    },
    async claimPendingRequest(hash: string, requestId: string, now: Date, validUntil: Date) {
      const current = pending.get(hash);
      if (current && current.validUntil > now) return current.requestId;
      pending.set(hash, { requestId, validUntil });
      return requestId;
    },
  } as unknown as DeletionRequestStore;
  const ports: SelfServicePorts = {
    store,
    rateLimiter,
    verificationQueue: {
      async sendVerification(requestId) {
        queued.push(requestId);
      },
    },
    phoneVerification: false,
    clock: { now: () => new Date('2026-03-01T12:00:00.000Z') },
    hashIdentifier: async () => makeIdentifierHasher('pepper'),
    events: { count: () => undefined },
    limits: DEFAULT_SELF_SERVICE_LIMITS,
    ...overrides,
  };
  return { run: makeRequestSelfServiceDeletion(ports), created, queued };
}

const ask = (identifier: unknown, sourceIp = '192.0.2.1') => ({ identifier, sourceIp });

describe('requestSelfServiceDeletion', () => {
  it('creates a pending request and queues its link for the worker, sending nothing itself', async () => {
    const { run, created, queued } = setup();
    expect(await run(ask('ana@example.com'))).toEqual({ outcome: 'link_sent', via: 'email' });
    expect(created[0]).toMatchObject({ status: 'pending_verification', channel: 'web' });
    expect(created[0]?.scope).toBeUndefined();
    expect(queued).toEqual([created[0]?.requestId]);
  });

  it('answers that WhatsApp verification is not available when no business number is configured', async () => {
    const { run, created } = setup();
    expect(await run(ask('+15550000001'))).toEqual({ outcome: 'whatsapp_unavailable' });
    expect(created).toEqual([]);
  });

  it('queues a WhatsApp link for a phone number; the request covers WhatsApp data only', async () => {
    const { run, created, queued } = setup({ phoneVerification: true });
    expect(await run(ask('+1 555 000 0001'))).toEqual({ outcome: 'link_sent', via: 'whatsapp' });
    expect(created[0]?.subject).toEqual([{ kind: 'whatsapp_phone', value: '15550000001' }]);
    expect(created[0]?.scope).toBe('whatsapp_data');
    expect(queued).toHaveLength(1);
  });

  it('points a social account to the platform settings, creating nothing', async () => {
    const { run, created } = setup();
    expect(await run(ask('ana.insta'))).toEqual({ outcome: 'use_platform_settings' });
    expect(created).toEqual([]);
  });

  it('limits requests per source address, and says truly when to retry', async () => {
    const { run } = setup();
    const outcomes = [];
    for (let i = 0; i < 21; i += 1) outcomes.push(await run(ask(`p${i}@example.com`, '198.51.100.7')));
    expect(outcomes.slice(0, 20).every((result) => result.outcome === 'link_sent')).toBe(true);
    // 12:00 exactly: the hourly window ends in an hour.
    expect(outcomes[20]).toEqual({ outcome: 'rate_limited', retryAfterSeconds: 3600 });
    expect((await run(ask('x@example.com', '198.51.100.8'))).outcome).toBe('link_sent');
  });

  it('sends the one pending link again instead of creating a new request', async () => {
    const { run, created, queued } = setup();
    await run(ask('ben@example.com'));
    await run(ask('ben@example.com', '203.0.113.9'));
    expect(created).toHaveLength(1);
    expect(queued).toEqual([created[0]?.requestId, created[0]?.requestId]);
  });

  it('counts plus-tags and (for Gmail) dots against the same mailbox; the limit resets when the day does', async () => {
    const { run } = setup();
    const gmail = ['ben@gmail.com', 'b.en+1@gmail.com', 'BEN+x@googlemail.com', 'b.e.n@gmail.com'];
    const results = [];
    for (const [index, address] of gmail.entries()) results.push(await run(ask(address, `192.0.2.${index}`)));
    expect(results.slice(0, 3).map((result) => result.outcome)).toEqual([
      'link_sent',
      'link_sent',
      'link_sent',
    ]);
    // The per-identifier window is a day, aligned to UTC midnight: at 12:00, 12 hours remain.
    expect(results[3]).toEqual({ outcome: 'rate_limited', retryAfterSeconds: 12 * 3600 });
    const other = [];
    for (const [index, address] of [
      'ben+1@example.com',
      'ben+2@example.com',
      'ben@example.com',
      'ben+3@example.com',
    ].entries())
      other.push((await run(ask(address, `198.51.100.${index}`))).outcome);
    expect(other).toEqual(['link_sent', 'link_sent', 'link_sent', 'rate_limited']);
    // Elsewhere dots are part of the address: b.en@example.com is another mailbox.
    expect((await run(ask('b.en@example.com', '203.0.113.1'))).outcome).toBe('link_sent');
  });

  it.each([
    'ben@example.com(x)',
    '(x)ben@example.com',
    'Ben <ben@example.com>',
    'group: ben@example.com;',
    '"ben"@example.com',
    'a@b..cc',
    'ana@bäckerei.de',
    'änä@example.com',
    'ben@example',
    'ben@-example.com',
    '.ben@example.com',
    'be..n@example.com',
  ])('refuses %p as an invalid identifier (never sent to SES)', async (identifier) => {
    const { run, created, queued } = setup();
    expect(await run(ask(identifier))).toEqual({ outcome: 'invalid_identifier', problem: 'email_invalid' });
    expect(created).toEqual([]);
    expect(queued).toEqual([]);
  });
});

describe('requestSelfServiceDeletion for the other rights', () => {
  const right = (
    identifier: unknown,
    request: Parameters<ReturnType<typeof setup>['run']>[0]['request'],
  ) => ({
    ...ask(identifier),
    request,
  });

  it('records the right asked for and queues its link like a deletion', async () => {
    const { run, created, queued } = setup();
    expect(
      await run(right('ana@example.com', { type: 'correction', attribute: 'name', value: 'Ana B' })),
    ).toEqual({
      outcome: 'link_sent',
      via: 'email',
    });
    expect(created[0]).toMatchObject({
      status: 'pending_verification',
      type: 'correction',
      correction: { attribute: 'name', value: 'Ana B' },
    });
    expect(queued).toEqual([created[0]?.requestId]);
  });

  it('keeps one pending link per right: asking for a copy after a deletion does not resend the deletion link', async () => {
    const { run, created, queued } = setup();
    await run(ask('ben@example.com'));
    await run(right('ben@example.com', { type: 'access' }));
    await run(right('ben@example.com', { type: 'withdraw_consent', activity: 'analytics' }));
    expect(created.map((request) => request.type ?? 'deletion')).toEqual([
      'deletion',
      'access',
      'withdraw_consent',
    ]);
    expect(queued).toEqual(created.map((request) => request.requestId));
  });

  it('counts every right against the same mailbox limit', async () => {
    const { run } = setup();
    const outcomes = [];
    for (const [index, request] of [
      { type: 'access' as const },
      { type: 'withdraw_consent' as const, activity: 'analytics' as const },
      { type: 'correction' as const, attribute: 'company' as const, value: 'X' },
      { type: 'access' as const },
    ].entries())
      outcomes.push(
        (await run({ ...right(`ben+${index}@example.com`, request), sourceIp: `192.0.2.${index}` })).outcome,
      );
    expect(outcomes).toEqual(['link_sent', 'link_sent', 'link_sent', 'rate_limited']);
  });

  it('gives a phone-verified copy or WhatsApp opt-out the WhatsApp scope only', async () => {
    const { run, created } = setup({ phoneVerification: true });
    await run(right('+15550000001', { type: 'access' }));
    await run(right('+15550000002', { type: 'withdraw_consent', activity: 'marketing_messages' }));
    expect(created.map((request) => request.scope)).toEqual(['whatsapp_data', 'whatsapp_data']);
  });

  it.each([
    { type: 'correction' as const, attribute: 'name' as const, value: 'Mallory' },
    { type: 'correction' as const, attribute: 'email' as const, value: 'mallory@example.com' },
    { type: 'withdraw_consent' as const, activity: 'analytics' as const },
    { type: 'withdraw_consent' as const, activity: 'ai_transcripts' as const },
  ])(
    'refuses a phone number for what only an account holds (%p), creating and queuing nothing',
    async (request) => {
      const { run, created, queued } = setup({ phoneVerification: true });
      expect(await run(right('+15550000001', request))).toEqual({ outcome: 'needs_email' });
      expect(created).toEqual([]);
      expect(queued).toEqual([]);
    },
  );
});
