// Unit tests for what an inbound WhatsApp message asks for.
import { describe, it, expect } from '@jest/globals';
import { detectCommand, DELETE_REPLY_ID, OPT_OUT_REPLY_ID } from '../../functions/core/whatsapp-command.js';

const text = (value: string) => detectCommand({ text: value });

describe('detectCommand', () => {
  it.each([
    'DELETE MY DATA',
    'delete my data',
    'Delete my data.',
    'delete my data please',
    '  delete   MY\tdata!!! ',
    '🗑 DELETE MY DATA 🗑',
    'Delete-my-data',
    'please delete all my data',
    'Hi, delete my data, thanks',
    'erase my personal data',
  ])('treats %j as a deletion request', (value) => {
    expect(text(value)).toBe('delete');
  });

  it.each([
    ['Arabic', 'احذف بياناتي'],
    ['Arabic, with please', 'من فضلك احذف بياناتي'],
    ['Arabic, alef with hamza', 'إحذف بياناتي'],
    ['French', 'Supprimez mes données'],
    ['French, lower case, no accents', 'supprimer mes donnees svp'],
    ['French, polite', "S'il vous plaît, effacez mes données."],
    ['Spanish', 'Borrar mis datos'],
    ['Spanish, polite', 'Eliminar mis datos, por favor'],
    ['German', 'Lösche meine Daten'],
    ['Portuguese', 'Apagar meus dados'],
  ])('treats the %s request as a deletion request', (_language, value) => {
    expect(text(value)).toBe('delete');
  });

  it.each([
    'how do I delete my data?',
    'Can you delete my data?',
    'I want to know how to remove my information',
    '¿Cómo puedo borrar mis datos?',
    'Comment supprimer mes données ?',
    "Don't delete my data",
  ])('answers %j with instructions instead of acting', (value) => {
    expect(text(value)).toBe('deletion_question');
  });

  it.each(['STOP', 'stop', 'Stop.', 'UNSUBSCRIBE', 'unsubscribe please', 'ARRÊT', 'baja', 'توقف'])(
    'treats %j as an opt-out only',
    (value) => {
      expect(text(value)).toBe('opt_out');
    },
  );

  it.each(['Hi, is the shop open?', 'I will stop by later', 'data', '', '👍', 'delete'])(
    'does nothing for %j',
    (value) => {
      expect(text(value)).toBe('none');
    },
  );

  it('recognises our quick-reply payload and interactive reply ids', () => {
    expect(detectCommand({ replyId: DELETE_REPLY_ID, text: 'Yes please' })).toBe('delete');
    expect(detectCommand({ replyId: OPT_OUT_REPLY_ID })).toBe('opt_out');
    expect(detectCommand({ replyId: 'SOMETHING_ELSE', text: 'Order status' })).toBe('none');
  });
});
