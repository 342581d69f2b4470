// Unit tests for due dates: calendar months with month ends, leap years, and day counts.
import { describe, expect, it } from '@jest/globals';
import { addCalendarMonths, deadlineState, dueDate, extendDueDate } from '../../functions/core/due-date.js';

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

describe('extendDueDate', () => {
  const due = at('2026-03-31T10:00:00.000Z');

  it('extends a GDPR request once by one or two further months from the original due date', () => {
    expect(
      extendDueDate({ dueAt: due, jurisdiction: 'gdpr', alreadyExtended: false }, { months: 2 }),
    ).toEqual({
      ok: true,
      dueAt: at('2026-05-31T10:00:00.000Z'),
    });
    expect(extendDueDate({ dueAt: due, alreadyExtended: false }, { months: 1 })).toEqual({
      ok: true,
      dueAt: at('2026-04-30T10:00:00.000Z'),
    });
  });

  it('extends a CCPA request once by at most 45 further days', () => {
    expect(extendDueDate({ dueAt: due, jurisdiction: 'ccpa', alreadyExtended: false }, { days: 45 })).toEqual(
      {
        ok: true,
        dueAt: at('2026-05-15T10:00:00.000Z'),
      },
    );
  });

  it.each([
    ['gdpr', { months: 3 }, /GDPR Art\. 12\(3\) allows at most 2 further months; 3 months is beyond that/],
    ['ccpa', { days: 46 }, /CCPA .* allows at most 45 further days; 46 days is beyond that/],
    ['ccpa', { months: 1 }, /CCPA extension is counted in days/],
    ['gdpr', { days: 10 }, /GDPR extension is counted in months/],
    ['gdpr', { months: 1.5 }, /whole number of months, 1 to 2/],
    ['gdpr', {}, /Say how long: --months 1 to 2/],
  ] as const)('refuses a %s extension of %p, saying why', (jurisdiction, ask, why) => {
    const decision = extendDueDate({ dueAt: due, jurisdiction, alreadyExtended: false }, ask);
    expect(decision.ok).toBe(false);
    expect(decision.ok ? '' : decision.why).toMatch(why);
  });

  it.each(['gdpr', 'ccpa'] as const)('refuses a second %s extension, whatever its length', (jurisdiction) => {
    const decision = extendDueDate(
      { dueAt: due, jurisdiction, alreadyExtended: true },
      jurisdiction === 'gdpr' ? { months: 1 } : { days: 1 },
    );
    expect(decision.ok ? '' : decision.why).toMatch(/already extended once; .* allows one extension/);
  });
});
