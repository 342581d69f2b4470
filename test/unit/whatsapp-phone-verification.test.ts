// Unit tests for verification links sent to phone numbers by WhatsApp, through the real gateway with
// in-memory ports: inside the window as text, outside it by template or not at all, never to a
// suppressed number.
import { describe, expect, it } from '@jest/globals';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import type { SuppressionList } from '../../functions/use-cases/ports.js';
import { makeWhatsAppGateway } from '../../functions/use-cases/whatsapp-gateway.js';
import { makeWhatsAppPhoneVerification } from '../../functions/use-cases/whatsapp-phone-verification.js';
import type { OutboundMessage } from '../../functions/use-cases/whatsapp-ports.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const HOUR = 3600 * 1000;
const PHONE = '15550000002';
const LINK = {
  link: 'https://privacy.example.com/deletion-requests/verify?token=T',
  validUntil: new Date(NOW.getTime() + 24 * HOUR),
};
const hasher = makeIdentifierHasher('unit-pepper');

function setup(options: { lastInboundAt?: Date; template?: boolean; suppressed?: boolean }) {
  const sent: OutboundMessage[] = [];
  const counted: string[] = [];
  const suppressions: SuppressionList = {
    suppress: async () => undefined,
    isSuppressed: async () => options.suppressed ?? false,
    reasonFor: async () => (options.suppressed ? 'opt-out' : undefined),
  };
  const events = {
    count: (metric: string, _v?: number, dims?: Record<string, string>) =>
      void counted.push(`${metric}:${dims?.reason ?? ''}`),
  };
  const sender = makeWhatsAppPhoneVerification({
    gateway: makeWhatsAppGateway({
      sender: { send: async (_to, message) => (sent.push(message), { wamid: 'wamid.OUT' }) },
      suppressions,
      hashIdentifier: async () => hasher,
      clock: { now: () => NOW },
      events,
    }),
    phoneNumberId: '106540352242922',
    lastInboundAt: async () => options.lastInboundAt,
    ...(options.template ? { template: { name: 'verify_deletion', language: 'en_US' } } : {}),
    events,
  });
  return { sender, sent, counted };
}

describe('verification links by WhatsApp', () => {
  it('sends the link as text inside the 24-hour window', async () => {
    const { sender, sent } = setup({ lastInboundAt: new Date(NOW.getTime() - HOUR) });
    await sender.sendVerificationLink(PHONE, LINK);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'text' });
    expect(JSON.stringify(sent[0])).toContain(LINK.link);
  });

  it('names the right asked for: a copy is not called a deletion', async () => {
    const { sender, sent } = setup({ lastInboundAt: new Date(NOW.getTime() - HOUR) });
    await sender.sendVerificationLink(PHONE, { ...LINK, type: 'access' });
    await sender.sendVerificationLink(PHONE, LINK);
    expect(JSON.stringify(sent[0])).toContain('To confirm your request for a copy of your data');
    expect(JSON.stringify(sent[0])).not.toContain('delete');
    expect(JSON.stringify(sent[1])).toContain('To confirm your request to delete your data');
  });

  it('uses the approved template outside the window, with the link as its parameter', async () => {
    const { sender, sent } = setup({ template: true });
    await sender.sendVerificationLink(PHONE, LINK);
    expect(sent).toEqual([
      { type: 'template', name: 'verify_deletion', language: 'en_US', parameters: [LINK.link] },
    ]);
  });

  it('sends nothing outside the window without a template, and counts it', async () => {
    const { sender, sent, counted } = setup({ lastInboundAt: new Date(NOW.getTime() - 48 * HOUR) });
    await sender.sendVerificationLink(PHONE, LINK);
    expect(sent).toEqual([]);
    expect(counted).toContain('VerificationNotDelivered:outside_window');
  });

  it('never sends to a suppressed number', async () => {
    const { sender, sent, counted } = setup({
      lastInboundAt: new Date(NOW.getTime() - HOUR),
      suppressed: true,
    });
    await sender.sendVerificationLink(PHONE, LINK);
    expect(sent).toEqual([]);
    expect(counted).toContain('VerificationNotDelivered:suppressed');
  });
});
