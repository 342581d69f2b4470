// unit: the deadline check's arithmetic, with a store that answers from a list of receipt times.
import { describe, expect, it } from '@jest/globals';
import { makeCheckDeadlines } from '../../functions/use-cases/check-deadlines.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));

function check(receivedDaysAgo: readonly number[], deadlineDays: number, warningDays?: number) {
  const received = receivedDaysAgo.map((days) => new Date(NOW.getTime() - days * DAY_MS));
  return makeCheckDeadlines({
    store: {
      countOpenReceivedBefore: async (before) => received.filter((at) => at < before).length,
    },
    clock: { now: () => NOW },
    deadlineDays,
    ...(warningDays === undefined ? {} : { warningDays }),
  })();
}

describe('deadline check', () => {
  it('counts requests received more than the deadline ago as overdue, and those a day from it as nearing', async () => {
    expect(await check([31, 30.5, 29.5, 28.5, 1], 30)).toEqual({ overdue: 2, nearingDue: 1 });
  });

  it('reports nothing when no request is open', async () => {
    expect(await check([], 30)).toEqual({ overdue: 0, nearingDue: 0 });
  });

  it('never warns earlier than receipt when the warning period exceeds the deadline', async () => {
    expect(await check([0.5, 2], 1, 5)).toEqual({ overdue: 1, nearingDue: 1 });
  });
});
