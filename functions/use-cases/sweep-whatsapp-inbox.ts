// use-cases: the WhatsApp sweeper. Processes stored inbound messages still marked for processing
// (an inline run failed, timed out or ran out of budget), oldest first.
import type { Clock, EventRecorder } from './ports.js';
import type { MessageOutcome } from './handle-whatsapp-message.js';
import type { StoredInbound, WhatsAppInbox } from './whatsapp-ports.js';

export interface SweepPorts {
  readonly inbox: WhatsAppInbox;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly handleMessage: (message: StoredInbound, lastInboundAt: Date) => Promise<MessageOutcome>;
  /** Messages younger than this are left to the webhook's own inline run. */
  readonly graceSeconds: number;
  readonly batchSize: number;
}

export function makeSweepWhatsAppInbox(ports: SweepPorts) {
  return async function sweepWhatsAppInbox(): Promise<{ processed: number; failed: number }> {
    const before = new Date(ports.clock.now().getTime() - ports.graceSeconds * 1000);
    const pending = await ports.inbox.listPending(before, ports.batchSize);
    let processed = 0;
    let failed = 0;
    for (const message of pending) {
      const outcome = await ports
        .handleMessage(message, new Date(message.timestamp * 1000))
        .catch(() => 'failed' as const);
      if (outcome === 'processed') processed += 1;
      else if (outcome === 'failed') failed += 1;
    }
    if (processed > 0) ports.events.count('WhatsAppMessagesSwept', processed);
    return { processed, failed };
  };
}
