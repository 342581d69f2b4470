// Unit tests for the WhatsApp completion notice on a stage that leaves WhatsApp out: nothing is sent, and a request
// that came by WhatsApp records in its audit trail why it got no notice.
import { describe, expect, it } from '@jest/globals';
import type { AuditEvent, DeletionRequest } from '../../functions/core/deletion-request.js';
import {
  NOTICE_NOT_SERVED_NOTE,
  WHATSAPP_COMPLETION_STEP,
  skippedWhatsAppCompletionNotice,
} from '../../functions/use-cases/whatsapp-completion-notice.js';

const AT = new Date('2026-11-30T12:00:00.000Z');

function requestBy(channel: DeletionRequest['channel']): DeletionRequest {
  return {
    requestId: 'req_1',
    confirmationCode: 'A'.repeat(24),
    status: 'in_progress',
    channel,
    subject: [{ kind: 'whatsapp_phone', value: '15550000001' }],
    subjectHashes: [],
    receivedAt: AT.toISOString(),
    updatedAt: AT.toISOString(),
    outcomes: [],
    attempts: 1,
  };
}

function step() {
  const appended: { requestId: string; event: AuditEvent }[] = [];
  const counted: { metric: string; dimensions?: Readonly<Record<string, string>> }[] = [];
  const notice = skippedWhatsAppCompletionNotice({
    store: { appendEvent: async (requestId, event) => void appended.push({ requestId, event }) },
    clock: { now: () => AT },
    events: { count: (metric, _value, dimensions) => void counted.push({ metric, dimensions }) },
  });
  return { notice, appended, counted };
}

describe('the completion notice on a stage without WhatsApp', () => {
  it('records why a WhatsApp request got no notice, without any identifier', async () => {
    const { notice, appended, counted } = step();
    expect(notice.name).toBe(WHATSAPP_COMPLETION_STEP);
    await notice.run(requestBy('whatsapp'));
    expect(appended).toEqual([
      {
        requestId: 'req_1',
        event: {
          at: AT.toISOString(),
          event: 'notice_skipped',
          by: 'deletion-worker',
          note: NOTICE_NOT_SERVED_NOTE,
        },
      },
    ]);
    expect(JSON.stringify(appended)).not.toContain('15550000001');
    expect(counted).toEqual([
      { metric: 'WhatsAppNoticeNotSent', dimensions: { outcome: 'channel_not_served' } },
    ]);
  });

  it('does nothing for a request that did not come by WhatsApp', async () => {
    const { notice, appended, counted } = step();
    await notice.run(requestBy('web'));
    expect(appended).toEqual([]);
    expect(counted).toEqual([]);
  });
});
