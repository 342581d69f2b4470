// Unit tests for the deletion request lifecycle tables.
import { describe, it, expect } from '@jest/globals';
import {
  ALLOWED_PREDECESSORS,
  REQUEST_STATUSES,
  TERMINAL_STATUSES,
  isTerminal,
  type RequestStatus,
} from '../../functions/core/deletion-request.js';

/** Statuses a request can be created in: web/email start unverified, callbacks start received. */
const INITIAL: readonly RequestStatus[] = ['pending_verification', 'received'];

function successors(status: RequestStatus): RequestStatus[] {
  return REQUEST_STATUSES.filter((next) => ALLOWED_PREDECESSORS[next].includes(status));
}

function reachableFrom(starts: readonly RequestStatus[]): Set<RequestStatus> {
  const seen = new Set<RequestStatus>(starts);
  const queue = [...starts];
  for (let status = queue.shift(); status !== undefined; status = queue.shift()) {
    for (const next of successors(status)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('request lifecycle', () => {
  it('treats completed, completed_with_retention and canceled as terminal, and failed as retryable', () => {
    expect(REQUEST_STATUSES.filter(isTerminal)).toStrictEqual([
      'completed',
      'completed_with_retention',
      'canceled',
    ]);
    expect(isTerminal('failed')).toBe(false);
  });

  it.each(TERMINAL_STATUSES)('never moves a %s request anywhere', (terminal) => {
    expect(successors(terminal)).toStrictEqual([]);
  });

  it('declares predecessors only from known statuses', () => {
    for (const status of REQUEST_STATUSES) {
      for (const predecessor of ALLOWED_PREDECESSORS[status]) expect(REQUEST_STATUSES).toContain(predecessor);
    }
  });

  it('lets nothing move back to pending_verification', () => {
    expect(ALLOWED_PREDECESSORS.pending_verification).toStrictEqual([]);
  });

  it('reaches every status from a status a request is created in', () => {
    expect([...reachableFrom(INITIAL)].sort()).toStrictEqual([...REQUEST_STATUSES].sort());
  });

  it.each(REQUEST_STATUSES.filter((status) => !isTerminal(status)))(
    'can always finish: a %s request can reach a terminal status',
    (status) => {
      expect([...reachableFrom([status])].some(isTerminal)).toBe(true);
    },
  );

  it('completes only from in_progress (work must have been done)', () => {
    expect(ALLOWED_PREDECESSORS.completed).toStrictEqual(['in_progress']);
    expect(ALLOWED_PREDECESSORS.completed_with_retention).toStrictEqual(['in_progress']);
  });

  it('retries a failed request by moving it back to in_progress, and tolerates a redelivered job', () => {
    expect(ALLOWED_PREDECESSORS.in_progress).toContain('failed');
    expect(ALLOWED_PREDECESSORS.in_progress).toContain('in_progress');
  });
});
