// Unit tests for self-service intake: identifier recognition, what is answered for each kind, rate
// limits per source and per identifier, and that only verified requests count as duplicates.
import { describe, expect, it } from '@jest/globals';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { hashToken, parseIdentifier } from '../../functions/core/self-service-identifier.js';
import {
  DEFAULT_SELF_SERVICE_LIMITS,
  makeRequestSelfServiceDeletion,
  type SelfServicePorts,
} from '../../functions/use-cases/request-self-service-deletion.js';
import type {
  DeletionRequestStore,
  PhoneVerificationSender,
  RateLimiter,
  Verification,
} from '../../functions/use-cases/ports.js';

describe('parseIdentifier', () => {
  it.each([
    ['  Ana@Example.COM ', { kind: 'email', value: 'ana@example.com' }],
    ['+1 (555) 000-0001', { kind: 'phone', value: '15550000001' }],
    ['@Ana.Insta', { kind: 'social', value: 'ana.insta' }],
    ['<script>', undefined],
    ['', undefined],
    [42, undefined],
  ])('reads %p', (raw, expected) => {
    expect(parseIdentifier(raw)).toEqual(expected);
  });
});

function setup(overrides: Partial<SelfServicePorts> = {}) {
  const created: DeletionRequest[] = [];
  const saved: Verification[] = [];
  const mail: { to: string; kind: string; text: string }[] = [];
  const counters = new Map<string, number>();
  const rateLimiter: RateLimiter = {
    async hit(key, rule) {
      const count = (counters.get(key) ?? 0) + 1;
      counters.set(key, count);
      return count <= rule.limit;
    },
  };
  const open = new Map<string, DeletionRequest>();
  const store = {
    async create(request: DeletionRequest) {
      created.push(request);
      return { created: true as const };
    },
    async openRequestFor(hash: string) {
      return open.get(hash);
    },
  } as unknown as DeletionRequestStore;
  const ports: SelfServicePorts = {
    store,
    verifications: {
      async save(verification) {
        saved.push(verification);
      },
      inspect: async () => ({ state: 'unknown' }),
      consume: async () => ({ ok: false, reason: 'unknown' }),
      forgetRequest: async () => 0,
    },
    rateLimiter,
    notifier: {
      async sendVerificationLink(to, message) {
        mail.push({ to, kind: 'verify', text: message.link });
      },
      async sendExistingRequest(to, url) {
        mail.push({ to, kind: 'existing', text: url });
      },
      sendExtension: async () => undefined,
    },
    clock: { now: () => new Date('2026-03-01T12:00:00.000Z') },
    hashIdentifier: async () => makeIdentifierHasher('pepper'),
    events: { count: () => undefined },
    publicBaseUrl: 'https://privacy.example.test',
    limits: DEFAULT_SELF_SERVICE_LIMITS,
    ...overrides,
  };
  return { run: makeRequestSelfServiceDeletion(ports), created, saved, mail, open };
}

describe('requestSelfServiceDeletion', () => {
  it('creates a pending request and sends a single-use link whose token is stored only as a hash', async () => {
    const { run, created, saved, mail } = setup();
    expect(await run({ identifier: 'ana@example.com', sourceIp: '192.0.2.1' })).toEqual({
      outcome: 'link_sent',
      via: 'email',
    });
    expect(created[0]).toMatchObject({ status: 'pending_verification', channel: 'web' });
    const token = new URL(mail[0]?.text ?? '').searchParams.get('token') ?? '';
    expect(mail[0]?.text.startsWith('https://privacy.example.test/deletion-requests/verify?token=')).toBe(
      true,
    );
    expect(saved[0]?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(saved)).not.toContain(token);
    expect(saved[0]?.validUntil.toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });

  it('answers that WhatsApp verification is not available when no phone sender is configured', async () => {
    const { run, created } = setup();
    expect(await run({ identifier: '+15550000001', sourceIp: '192.0.2.1' })).toEqual({
      outcome: 'whatsapp_unavailable',
    });
    expect(created).toEqual([]);
  });

  it('sends the link by WhatsApp when a phone sender is configured', async () => {
    const sent: string[] = [];
    const phoneSender: PhoneVerificationSender = {
      async sendVerificationLink(phone) {
        sent.push(phone);
      },
    };
    const { run, created } = setup({ phoneSender });
    expect(await run({ identifier: '+1 555 000 0001', sourceIp: '192.0.2.1' })).toEqual({
      outcome: 'link_sent',
      via: 'whatsapp',
    });
    expect(sent).toEqual(['15550000001']);
    expect(created[0]?.subject).toEqual([{ kind: 'whatsapp_phone', value: '15550000001' }]);
  });

  it('points a social account to the platform settings, creating nothing', async () => {
    const { run, created } = setup();
    expect(await run({ identifier: 'ana.insta', sourceIp: '192.0.2.1' })).toEqual({
      outcome: 'use_platform_settings',
    });
    expect(created).toEqual([]);
  });

  it('limits requests per source address', async () => {
    const { run } = setup();
    const outcomes = [];
    for (let i = 0; i < 21; i += 1)
      outcomes.push((await run({ identifier: `p${i}@example.com`, sourceIp: '198.51.100.7' })).outcome);
    expect(outcomes.slice(0, 20).every((outcome) => outcome === 'link_sent')).toBe(true);
    expect(outcomes[20]).toBe('rate_limited');
    expect((await run({ identifier: 'x@example.com', sourceIp: '198.51.100.8' })).outcome).toBe('link_sent');
  });

  it('tells the owner about an open verified request instead of starting a second one', async () => {
    const { run, created, mail, open } = setup();
    const hash = makeIdentifierHasher('pepper')('email', 'ana@example.com');
    open.set(hash, { confirmationCode: 'AbCdEfGhIjKlMnOpQrStUvWx' } as DeletionRequest);
    expect((await run({ identifier: 'ana@example.com', sourceIp: '192.0.2.1' })).outcome).toBe('link_sent');
    expect(created).toEqual([]);
    expect(mail[0]).toEqual({
      to: 'ana@example.com',
      kind: 'existing',
      text: 'https://privacy.example.test/deletion-status?code=AbCdEfGhIjKlMnOpQrStUvWx',
    });
  });
});
