// use-cases: the scheduled deadline check. Marks open requests nearing or past their due date (an
// audit event the first time) and reports how many there are, for the alarms.
import { deadlineState } from '../core/due-date.js';
import type { Clock, DeletionRequestStore, EventRecorder } from './ports.js';

export interface DeadlinePorts {
  readonly store: Pick<DeletionRequestStore, 'listOpen' | 'markDeadlineState'>;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly nearingDays: number;
  readonly limit?: number;
}

export interface DeadlineReport {
  readonly open: number;
  readonly nearing: number;
  readonly overdue: number;
  /** Requests whose state changed in this run. */
  readonly newlyFlagged: number;
}

export function makeCheckDeadlines(ports: DeadlinePorts) {
  return async function checkDeadlines(): Promise<DeadlineReport> {
    const now = ports.clock.now();
    const open = await ports.store.listOpen(ports.limit ?? 10_000);
    let nearing = 0;
    let overdue = 0;
    let newlyFlagged = 0;
    for (const request of open) {
      if (!request.dueAt) continue;
      const state = deadlineState(new Date(request.dueAt), now, ports.nearingDays);
      if (state === 'on_time') continue;
      if (state === 'overdue') overdue += 1;
      else nearing += 1;
      if (
        request.deadlineState !== state &&
        (await ports.store.markDeadlineState(request.requestId, state, now))
      )
        newlyFlagged += 1;
    }
    // Gauges, emitted every run (zero included) so the alarms always have data.
    ports.events.count('RequestsOverdue', overdue);
    ports.events.count('RequestsNearingDue', nearing);
    return { open: open.length, nearing, overdue, newlyFlagged };
  };
}
