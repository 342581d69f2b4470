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

/**
 * How far the answer may be put off, once, with the reason given to the person. GDPR Art. 12(3): by
 * at most two further months, counted from the original due date. CCPA (Cal. Civ. Code
 * § 1798.130(a)(2)(A)): once by at most 45 further days.
 */
export const EXTENSION_RULES: Readonly<
  Record<Jurisdiction, { readonly unit: 'months' | 'days'; readonly max: number; readonly law: string }>
> = {
  gdpr: { unit: 'months', max: 2, law: 'GDPR Art. 12(3)' },
  ccpa: { unit: 'days', max: 45, law: 'the CCPA (Cal. Civ. Code § 1798.130(a)(2)(A))' },
};

export interface ExtensionAsk {
  readonly months?: number;
  readonly days?: number;
}

export type ExtensionDecision =
  { readonly ok: true; readonly dueAt: Date } | { readonly ok: false; readonly why: string };

/**
 * The new due date of a request extended by `ask`, or why the law does not allow it: a second
 * extension, more than the cap, no amount, or the wrong unit for the jurisdiction. The amount is
 * always given: as much as the work needs, never the cap by default.
 */
export function extendDueDate(
  request: { readonly dueAt: Date; readonly jurisdiction?: Jurisdiction; readonly alreadyExtended: boolean },
  ask: ExtensionAsk,
): ExtensionDecision {
  const jurisdiction = request.jurisdiction ?? 'gdpr';
  const rule = EXTENSION_RULES[jurisdiction];
  const cap = `at most ${rule.max} further ${rule.unit}`;
  if (request.alreadyExtended)
    return {
      ok: false,
      why: `This request was already extended once; ${rule.law} allows one extension (${cap} in total).`,
    };
  const other = rule.unit === 'months' ? ask.days : ask.months;
  if (other !== undefined)
    return {
      ok: false,
      why: `A ${jurisdiction.toUpperCase()} extension is counted in ${rule.unit} (${cap}).`,
    };
  const amount = rule.unit === 'months' ? ask.months : ask.days;
  if (amount === undefined)
    return { ok: false, why: `Say how long: --${rule.unit} 1 to ${rule.max} (${rule.law}).` };
  if (!Number.isInteger(amount) || amount < 1)
    return { ok: false, why: `The extension must be a whole number of ${rule.unit}, 1 to ${rule.max}.` };
  if (amount > rule.max)
    return { ok: false, why: `${rule.law} allows ${cap}; ${amount} ${rule.unit} is beyond that.` };
  return {
    ok: true,
    dueAt:
      rule.unit === 'months'
        ? addCalendarMonths(request.dueAt, amount)
        : new Date(request.dueAt.getTime() + amount * 24 * 60 * 60 * 1000),
  };
}
