// use-cases: the deadline check. Counts open requests past their deadline, and those within a day of it,
// so an alarm fires before a promise to a person is broken (and again if it is).
import type { Clock, DeletionRequestStore } from './ports.js';

export interface CheckDeadlinesPorts {
  readonly store: Pick<DeletionRequestStore, 'countOpenReceivedBefore'>;
  readonly clock: Clock;
  /** Days within which a request must be completed. */
  readonly deadlineDays: number;
  /** How long before the deadline a request counts as nearing it. */
  readonly warningDays?: number;
}

export interface DeadlineReport {
  readonly overdue: number;
  /** Open requests within `warningDays` of the deadline (not yet overdue). */
  readonly nearingDue: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function makeCheckDeadlines(ports: CheckDeadlinesPorts) {
  return async function checkDeadlines(): Promise<DeadlineReport> {
    const now = ports.clock.now().getTime();
    const warningDays = Math.min(ports.warningDays ?? 1, ports.deadlineDays);
    const overdue = await ports.store.countOpenReceivedBefore(new Date(now - ports.deadlineDays * DAY_MS));
    const nearingOrOverdue = await ports.store.countOpenReceivedBefore(
      new Date(now - (ports.deadlineDays - warningDays) * DAY_MS),
    );
    return { overdue, nearingDue: Math.max(0, nearingOrOverdue - overdue) };
  };
}
