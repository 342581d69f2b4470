// use-cases: the safety net behind "nothing accepted is lost". A request persisted but never handed
// to the queue (the send failed after we answered) is enqueued here.
import type { Clock, DeletionRequestStore, JobQueue } from './ports.js';

export interface ReconcilePorts {
  readonly store: DeletionRequestStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly graceSeconds: number;
  readonly batchLimit?: number;
}

export function makeReconcileUnqueued(ports: ReconcilePorts) {
  return async function reconcileUnqueued(): Promise<{ enqueued: number }> {
    const before = new Date(ports.clock.now().getTime() - ports.graceSeconds * 1000);
    const waiting = await ports.store.listAwaitingQueue(before, ports.batchLimit ?? 100);
    let enqueued = 0;
    for (const requestId of waiting) {
      await ports.queue.sendDeletionJob(requestId);
      await ports.store.transition(requestId, ['received'], 'queued', {
        event: 'queued_by_reconciler',
        at: ports.clock.now(),
      });
      enqueued += 1;
    }
    return { enqueued };
  };
}
