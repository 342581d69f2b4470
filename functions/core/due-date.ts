// core: when a request is due. GDPR Art. 12(3): one month from receipt (the same day of the next
// month, or that month's last day when the date does not exist); other jurisdictions count days.
export type Jurisdiction = 'gdpr' | 'ccpa';

export interface DeadlineRule {
  readonly months?: number;
  readonly days?: number;
}

export const DEADLINE_RULES: Readonly<Record<Jurisdiction, DeadlineRule>> = {
  gdpr: { months: 1 },
  ccpa: { days: 45 },
};

export const JURISDICTIONS = Object.keys(DEADLINE_RULES) as Jurisdiction[];

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === 'string' && (JURISDICTIONS as string[]).includes(value);
}

/** Adds calendar months in UTC, clamping to the last day of the target month. */
export function addCalendarMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

export function dueDate(receivedAt: Date, jurisdiction: Jurisdiction = 'gdpr'): Date {
  const rule = DEADLINE_RULES[jurisdiction];
  let due = rule.months ? addCalendarMonths(receivedAt, rule.months) : new Date(receivedAt);
  if (rule.days) due = new Date(due.getTime() + rule.days * 24 * 60 * 60 * 1000);
  return due;
}

export type DeadlineState = 'on_time' | 'nearing' | 'overdue';

/** Where an open request stands against its due date; "nearing" within `nearingDays` of it. */
export function deadlineState(dueAt: Date, now: Date, nearingDays: number): DeadlineState {
  if (now.getTime() >= dueAt.getTime()) return 'overdue';
  if (dueAt.getTime() - now.getTime() <= nearingDays * 24 * 60 * 60 * 1000) return 'nearing';
  return 'on_time';
}

/** GDPR Art. 12(3) allows two further months where necessary, with the reason given to the person. */
export const MAX_EXTENSION_MONTHS = 2;
