// core: numbers and dates as every page and email shows them, so a person reads one format everywhere.
// Written out by hand, in the words en-GB uses: the first call into ICU's locale data
// (`toLocaleString`, `toLocaleDateString`) costs a cold start tens of milliseconds (BENCHMARKS.md).

/** "2 records", "1 record", "12,345 records". */
export function countOf(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** A number people read: thousands separated ("12,345"). */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-GB');
  return `${count < 0 ? '-' : ''}${String(Math.abs(count)).replace(/\B(?=(\d{3})+$)/g, ',')}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A date people read: "15 February 2026" (in UTC). */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999)
    return date.toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${year}`;
}
