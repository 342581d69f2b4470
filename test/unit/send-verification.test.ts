// Unit tests for sending a self-service verification link in the worker: the same link every time
// (only its hash stored), the open request's status link instead when one is open, and a refused send
// counted and dropped while a transient one is retried.
import { describe, expect, it } from '@jest/globals';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { hashToken } from '../../functions/core/self-service-identifier.js';
import type { Verification } from '../../functions/use-cases/ports.js';
import {
  isTransientSendError,
  makeSendVerification,
  type SendVerificationPorts,
} from '../../functions/use-cases/send-verification.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const pendingRequest: DeletionRequest = {
  requestId: 'req_pending_0001',
  confirmationCode: 'AbCdEfGhIjKlMnOpQrStUvWx',
  status: 'pending_verification',
  channel: 'web',
  subject: [{ kind: 'email', value: 'ana@example.com' }],
  subjectHashes: ['hash-ana'],
  receivedAt: '2026-03-01T11:00:00.000Z',
  updatedAt: '2026-03-01T11:00:00.000Z',
  outcomes: [],
  attempts: 0,
};

function setup(options: { open?: DeletionRequest; failWith?: unknown; request?: DeletionRequest } = {}) {
  const stored = options.request ?? pendingRequest;
  const saved: Verification[] = [];
  const mail: { kind: string; to: string; link: string }[] = [];
  const counted: string[] = [];
  const ports: SendVerificationPorts = {
    store: {
      get: async (id) => [stored, options.open].find((request) => request?.requestId === id),
    },
    openRequests: { pointsTo: async () => options.open?.requestId },
    verifications: {
      async save(verification) {
        saved.push(verification);
      },
    },
    notifier: {
      async sendVerificationLink(to, message) {
        if (options.failWith) throw options.failWith;
        mail.push({ kind: message.newAddress ? 'new-address' : 'verify', to, link: message.link });
      },
      async sendExistingRequest(to, link) {
        mail.push({ kind: 'existing', to, link });
      },
    },
    tokenKey: async () => 'secret-key',
    clock: { now: () => NOW },
    events: { count: (metric) => void counted.push(metric) },
    warn: () => undefined,
    publicBaseUrl: 'https://privacy.example.test',
    tokenTtlSeconds: 24 * 3600,
  };
  return { send: makeSendVerification(ports), saved, mail, counted };
}

describe('sendVerification', () => {
  it('sends the same link each time, storing only its hash, valid a day from the ask', async () => {
    const { send, saved, mail } = setup();
    expect(await send(pendingRequest.requestId)).toBe('sent');
    expect(await send(pendingRequest.requestId)).toBe('sent');
    expect(mail[0]?.link).toBe(mail[1]?.link);
    const token = new URL(mail[0]?.link ?? '').searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(saved[0]?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(saved)).not.toContain(token);
    expect(saved[0]?.validUntil.toISOString()).toBe('2026-03-02T11:00:00.000Z');
  });

  it('sends the status link of an open verified request instead', async () => {
    const { send, mail, saved } = setup({
      open: {
        ...pendingRequest,
        requestId: 'req_open',
        status: 'received',
        confirmationCode: 'OpenOpenOpenOpenOpenOpen',
      },
    });
    expect(await send(pendingRequest.requestId)).toBe('open_request_notice');
    expect(mail).toEqual([
      {
        kind: 'existing',
        to: 'ana@example.com',
        link: 'https://privacy.example.test/deletion-status?code=OpenOpenOpenOpenOpenOpen',
      },
    ]);
    expect(saved).toEqual([]);
  });

  it('counts and drops an address the provider refuses, so it is never retried', async () => {
    const refusal = Object.assign(new Error('Illegal address'), {
      name: 'MessageRejected',
      $metadata: { httpStatusCode: 400 },
    });
    const { send, counted } = setup({ failWith: refusal });
    expect(await send(pendingRequest.requestId)).toBe('not_delivered');
    expect(counted).toContain('VerificationNotDelivered');
  });

  it('lets a transient failure through, so the queue retries it', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'Throttling', $retryable: {} });
    const { send } = setup({ failWith: throttled });
    await expect(send(pendingRequest.requestId)).rejects.toThrow('slow down');
    expect(isTransientSendError({ errorClass: 'invalid_token' })).toBe(false);
    expect(isTransientSendError({ errorClass: 'server_error' })).toBe(true);
  });

  it('does nothing for a request that is gone or no longer waiting', async () => {
    const { send, mail } = setup();
    expect(await send('req_unknown_000001')).toBe('not_pending');
    expect(mail).toEqual([]);
  });
});

describe('sendVerification of an email correction', () => {
  const correction: DeletionRequest = {
    ...pendingRequest,
    requestId: 'req_pending_0002',
    type: 'correction',
    correction: { attribute: 'email', value: 'ana.new@example.com' },
  };

  it('sends the first link to the address on file, and the second (its own token) only to the new address', async () => {
    const first = setup({ request: correction });
    expect(await first.send(correction.requestId)).toBe('sent');
    expect(first.mail).toEqual([expect.objectContaining({ kind: 'verify', to: 'ana@example.com' })]);
    expect(first.saved[0]?.purpose).toBeUndefined();

    const confirmed = { ...correction, stepsDone: ['identity-verified'] };
    const second = setup({ request: confirmed });
    expect(await second.send(confirmed.requestId)).toBe('sent');
    expect(second.mail).toEqual([
      expect.objectContaining({ kind: 'new-address', to: 'ana.new@example.com' }),
    ]);
    expect(second.saved[0]?.purpose).toBe('new_address');
    // A different token: the first link can never stand for the new address.
    expect(second.saved[0]?.tokenHash).not.toBe(first.saved[0]?.tokenHash);
  });

  it('never sends the new address a second link once it is confirmed', async () => {
    const done = { ...correction, stepsDone: ['identity-verified', 'new-address-verified'] };
    const { send, mail } = setup({ request: done });
    expect(await send(done.requestId)).toBe('sent');
    expect(mail.map((message) => message.to)).toEqual(['ana@example.com']);
  });
});
