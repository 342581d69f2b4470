// Unit tests for the WhatsApp gateway: the suppression list before every send, the 24-hour window,
// the template fallback and Meta's error codes, with in-memory ports.
import { describe, it, expect } from '@jest/globals';
import { GraphApiError } from '../../functions/use-cases/ports.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import type { SuppressionList } from '../../functions/use-cases/ports.js';
import { makeWhatsAppGateway, suppressionReasonFor } from '../../functions/use-cases/whatsapp-gateway.js';
import type { OutboundMessage, WhatsAppRecipient } from '../../functions/use-cases/whatsapp-ports.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const HOUR = 3600 * 1000;
const hasher = makeIdentifierHasher('unit-pepper');
const TO: WhatsAppRecipient = { phoneNumberId: '106540352242922', phone: '15550000001', bsuid: 'US.1' };
const TEMPLATE = {
  type: 'template',
  name: 'deletion_completed',
  language: 'en_US',
  parameters: ['CODE'],
} as const;

function setup(failures: GraphApiError[] = []) {
  const reasons = new Map<string, string>();
  const sent: OutboundMessage[] = [];
  const suppressions: SuppressionList = {
    async suppress(hashes, reason) {
      for (const hash of hashes) reasons.set(hash, reason);
    },
    isSuppressed: async (hash) => reasons.has(hash),
    reasonFor: async (hash) => reasons.get(hash),
  };
  const gateway = makeWhatsAppGateway({
    sender: {
      async send(_to, message) {
        sent.push(message);
        const failure = failures.shift();
        if (failure) throw failure;
        return { wamid: 'wamid.OUT' };
      },
    },
    suppressions,
    hashIdentifier: async () => hasher,
    clock: { now: () => NOW },
    events: { count: () => undefined },
  });
  return { gateway, sent, suppressions };
}

const graphError = (errorClass: GraphApiError['errorClass'], code: number) =>
  new GraphApiError(errorClass, 400, code, undefined, undefined);

const request = (status: DeletionRequest['status'], requestId = 'req_1'): DeletionRequest => ({
  requestId,
  confirmationCode: 'CODE',
  status,
  channel: 'whatsapp',
  subject: [],
  subjectHashes: [],
  receivedAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  outcomes: [],
  attempts: 0,
});

describe('WhatsApp gateway', () => {
  it('sends free-form text inside the 24-hour window', async () => {
    const { gateway, sent } = setup();
    expect(await gateway(TO, { text: 'hi' }, { lastInboundAt: new Date(NOW.getTime() - 23 * HOUR) })).toBe(
      'sent',
    );
    expect(sent).toEqual([{ type: 'text', body: 'hi' }]);
  });

  it('sends nothing to a suppressed phone number or BSUID', async () => {
    for (const kind of ['whatsapp_phone', 'whatsapp_bsuid'] as const) {
      const { gateway, sent, suppressions } = setup();
      await suppressions.suppress(
        [hasher(kind, kind === 'whatsapp_phone' ? TO.phone! : TO.bsuid!)],
        'opt-out:whatsapp',
        NOW,
      );
      expect(await gateway(TO, { text: 'hi', template: TEMPLATE }, { lastInboundAt: NOW })).toBe(
        'suppressed',
      );
      expect(sent).toEqual([]);
    }
  });

  it("lets through only the messages of the person's own open deletion request", async () => {
    const { gateway, sent, suppressions } = setup();
    await suppressions.suppress([hasher('whatsapp_phone', TO.phone!)], suppressionReasonFor('req_1'), NOW);
    const options = { lastInboundAt: NOW };
    expect(await gateway(TO, { text: 'ack' }, { ...options, request: request('received') })).toBe('sent');
    expect(await gateway(TO, { text: 'x' }, { ...options, request: request('received', 'req_2') })).toBe(
      'suppressed',
    );
    expect(await gateway(TO, { text: 'x' }, { ...options, request: request('completed') })).toBe(
      'suppressed',
    );
    expect(await gateway(TO, { text: 'x' }, options)).toBe('suppressed');
    expect(sent).toHaveLength(1);
  });

  it('outside the window uses the template, or sends nothing without one', async () => {
    const old = { lastInboundAt: new Date(NOW.getTime() - 25 * HOUR) };
    const withTemplate = setup();
    expect(await withTemplate.gateway(TO, { text: 'x', template: TEMPLATE }, old)).toBe('sent_template');
    expect(withTemplate.sent).toEqual([TEMPLATE]);
    const without = setup();
    expect(await without.gateway(TO, { text: 'x' }, old)).toBe('outside_window');
    expect(await without.gateway(TO, { text: 'x' }, { lastInboundAt: undefined })).toBe('outside_window');
    expect(without.sent).toEqual([]);
  });

  it('falls back to the template on 131047, and gives up on 131026', async () => {
    const outside = setup([graphError('outside_window', 131047)]);
    expect(await outside.gateway(TO, { text: 'x', template: TEMPLATE }, { lastInboundAt: NOW })).toBe(
      'sent_template',
    );
    expect(outside.sent.map((message) => message.type)).toEqual(['text', 'template']);
    const undeliverable = setup([graphError('undeliverable', 131026)]);
    expect(await undeliverable.gateway(TO, { text: 'x', template: TEMPLATE }, { lastInboundAt: NOW })).toBe(
      'undeliverable',
    );
    expect(undeliverable.sent).toHaveLength(1);
  });

  it('surfaces throttling that outlasted the client backoff, so the caller retries later', async () => {
    const { gateway } = setup([graphError('rate_limited', 130429)]);
    await expect(gateway(TO, { text: 'x' }, { lastInboundAt: NOW })).rejects.toThrow(GraphApiError);
  });
});
