// Dates and counts people read on pages and in emails are written out by hand (ICU's locale data costs a
// cold start tens of milliseconds); they must read exactly as the en-GB locale writes them.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { countOf, formatCount, formatDay } from '../../functions/core/plain-words.js';

const enGbDay = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

describe('dates and counts people read', () => {
  it('writes a day as en-GB does, in UTC', () => {
    expect(formatDay('2026-02-15T23:59:59.999Z')).toBe('15 February 2026');
    expect(formatDay('2026-11-30T00:00:00+05:00')).toBe('29 November 2026');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }),
        (date) => {
          expect(formatDay(date.toISOString())).toBe(enGbDay(date.toISOString()));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('says what en-GB says of a date it cannot read', () => {
    expect(formatDay('not a date')).toBe(enGbDay('not a date'));
  });

  it('separates thousands as en-GB does', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(countOf(1, 'record')).toBe('1 record');
    expect(countOf(1000000, 'record')).toBe('1,000,000 records');
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (count) => {
        expect(formatCount(count)).toBe(count.toLocaleString('en-GB'));
      }),
      { numRuns: 2000 },
    );
  });
});
