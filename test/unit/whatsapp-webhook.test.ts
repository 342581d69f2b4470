// Unit tests for reading the WhatsApp webhook envelope: every entry, change, message and status;
// unknown objects, fields and types ignored without throwing.
import { describe, it, expect } from '@jest/globals';
import { parseWebhook } from '../../functions/core/whatsapp-webhook.js';
import {
  BUSINESS_NUMBER,
  change,
  envelope,
  status,
  textMessage,
  type RawMessage,
} from '../support/whatsapp-payloads.js';

const parse = (body: string) => parseWebhook(JSON.parse(body));

describe('parseWebhook', () => {
  it('visits every message of 2 entries × 2 changes × several messages', () => {
    const entries = [0, 1].map((e) =>
      [0, 1].map((c) =>
        change({
          messages: [0, 1, 2].map((m) => textMessage(`1555000${e}${c}${m}`, `wamid.${e}.${c}.${m}`, 'hi')),
        }),
      ),
    );
    const parsed = parse(envelope(entries));
    expect(parsed.messages).toHaveLength(12);
    expect(new Set(parsed.messages.map((message) => message.wamid)).size).toBe(12);
    expect(parsed.messages.every((message) => message.phoneNumberId === BUSINESS_NUMBER)).toBe(true);
  });

  it('ignores another object or an unknown field', () => {
    expect(parse(envelope([[change({ messages: [textMessage('1', 'w', 'x')] })]], 'page'))).toMatchObject({
      messages: [],
      ignored: 1,
    });
    const unknownField = parse(
      envelope([[change({ field: 'account_update', messages: [textMessage('15550001', 'w', 'x')] })]]),
    );
    expect(unknownField).toMatchObject({ messages: [], ignored: 1 });
  });

  it('never throws on odd shapes', () => {
    for (const payload of [
      null,
      1,
      'x',
      [],
      {},
      { object: 'whatsapp_business_account', entry: 'x' },
      { object: 'whatsapp_business_account', entry: [null, { changes: [null, { field: 'messages' }] }] },
      {
        object: 'whatsapp_business_account',
        entry: [{ changes: [change({ messages: [null as unknown as RawMessage, { id: 1 }] })] }],
      },
    ]) {
      expect(() => parseWebhook(payload)).not.toThrow();
    }
  });

  it('reads the message types: button, interactive replies, image caption, reaction, unsupported, system', () => {
    const from = '16505551234';
    const base = (id: string, type: string, extra: Record<string, unknown>) => ({
      from,
      id,
      timestamp: '1749416383',
      type,
      ...extra,
    });
    const parsed = parse(
      envelope([
        [
          change({
            contacts: [{ profile: { name: 'Sheena' }, wa_id: from, user_id: 'US.13491208655302741918' }],
            messages: [
              base('w1', 'button', { button: { text: 'Delete my data', payload: 'DELETE_MY_DATA' } }),
              base('w2', 'interactive', {
                interactive: {
                  type: 'button_reply',
                  button_reply: { id: 'DELETE_MY_DATA', title: 'Delete' },
                },
              }),
              base('w3', 'interactive', {
                interactive: { type: 'list_reply', list_reply: { id: 'opt_2', title: 'Opening hours' } },
              }),
              base('w4', 'image', {
                image: { id: 'media1', mime_type: 'image/jpeg', caption: 'delete my data' },
              }),
              base('w5', 'reaction', { reaction: { message_id: 'wamid.OUT', emoji: '👍' } }),
              base('w6', 'unsupported', { errors: [{ code: 131051 }] }),
              base('w7', 'system', {
                system: { body: 'changed', new_wa_id: '16505559999', type: 'user_changed_number' },
              }),
              base('w8', 'sticker_v9', { sticker_v9: {} }),
            ],
          }),
        ],
      ]),
    );
    const byId = new Map(parsed.messages.map((message) => [message.wamid, message]));
    expect(byId.get('w1')).toMatchObject({
      type: 'button',
      replyId: 'DELETE_MY_DATA',
      text: 'Delete my data',
    });
    expect(byId.get('w2')).toMatchObject({ type: 'interactive', replyId: 'DELETE_MY_DATA' });
    expect(byId.get('w3')).toMatchObject({ replyId: 'opt_2', text: 'Opening hours' });
    expect(byId.get('w4')).toMatchObject({ type: 'image', text: 'delete my data' });
    expect(byId.get('w5')).toMatchObject({ type: 'reaction' });
    expect(byId.get('w6')).toMatchObject({ type: 'unsupported' });
    expect(byId.get('w7')).toMatchObject({
      type: 'system',
      system: { type: 'user_changed_number', newPhone: '16505559999' },
    });
    expect(byId.get('w8')).toMatchObject({ type: 'unknown' });
    expect(byId.get('w1')).toMatchObject({
      phone: from,
      bsuid: 'US.13491208655302741918',
      profileName: 'Sheena',
    });
  });

  it('reads a sender known only by BSUID (phone withheld)', () => {
    const parsed = parse(
      envelope([
        [
          change({
            contacts: [{ profile: { name: 'U' }, user_id: 'US.200000000000000000009' }],
            messages: [
              {
                from_user_id: 'US.200000000000000000009',
                id: 'wb',
                timestamp: '1',
                type: 'text',
                text: { body: 'x' },
              },
            ],
          }),
        ],
      ]),
    );
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]).not.toHaveProperty('phone');
    expect(parsed.messages[0]).toMatchObject({ bsuid: 'US.200000000000000000009' });
  });

  it('reads statuses with their error codes, and counts value-level errors', () => {
    const parsed = parse(
      envelope([
        [
          change({
            statuses: [
              status('out1', 'sent'),
              status('out1', 'failed', 1, [{ code: 131047 }]),
              status('x', 'bogus'),
            ],
          }),
          change({ errors: [{ code: 131000, title: 'Something went wrong' }] }),
        ],
      ]),
    );
    expect(parsed.statuses).toEqual([
      expect.objectContaining({ wamid: 'out1', status: 'sent', errorCodes: [] }),
      expect.objectContaining({ wamid: 'out1', status: 'failed', errorCodes: [131047] }),
    ]);
    expect(parsed.errorsReported).toBe(1);
    expect(parsed.ignored).toBe(1);
  });
});
