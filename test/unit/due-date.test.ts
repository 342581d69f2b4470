// Unit tests for due dates: calendar months with month ends, leap years, and day counts.
import { describe, expect, it } from '@jest/globals';
import { addCalendarMonths, deadlineState, dueDate } from '../../functions/core/due-date.js';

const at = (iso: string) => new Date(iso);

describe('dueDate', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', '2026-02-15T10:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    ['2026-03-31T23:59:00.000Z', '2026-04-30T23:59:00.000Z'],
    ['2026-12-31T00:00:00.000Z', '2027-01-31T00:00:00.000Z'],
    ['2028-02-29T08:00:00.000Z', '2028-03-29T08:00:00.000Z'],
  ])('gives one calendar month by default: %s is due %s', (received, due) => {
    expect(dueDate(at(received)).toISOString()).toBe(due);
  });

  it('counts 45 days for CCPA', () => {
    expect(dueDate(at('2026-01-01T00:00:00.000Z'), 'ccpa').toISOString()).toBe('2026-02-15T00:00:00.000Z');
  });

  it('adds two months for an extension, clamped to the month end', () => {
    expect(addCalendarMonths(at('2026-12-31T00:00:00.000Z'), 2).toISOString()).toBe(
      '2027-02-28T00:00:00.000Z',
    );
  });
});

describe('deadlineState', () => {
  const due = at('2026-02-15T00:00:00.000Z');
  it.each([
    ['2026-02-01T00:00:00.000Z', 'on_time'],
    ['2026-02-10T00:00:00.000Z', 'nearing'],
    ['2026-02-15T00:00:00.000Z', 'overdue'],
    ['2026-03-01T00:00:00.000Z', 'overdue'],
  ])('at %s a request due on Feb 15 is %s', (now, state) => {
    expect(deadlineState(due, at(now), 7)).toBe(state);
  });
});
