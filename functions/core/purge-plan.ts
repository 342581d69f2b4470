// core: the purge plan. From the request's scope, the subject's identifiers and the data map, the
// ordered list of steps the worker carries out. Pure and deterministic, so a resumed job computes
// the same plan and continues at the step it had reached.
import type { Channel, SubjectIdentifier } from './deletion-request.js';
import { scopeOfRequest, type ScopeName } from './scope.js';
import type { DataCategory, MappedTable, PurgeAction, SubjectLookup } from '../declarations/tables.js';

export interface PurgeStep {
  readonly table: MappedTable;
  readonly lookup: SubjectLookup;
  /** The identifier value the lookup queries by. */
  readonly value: string;
  readonly action: PurgeAction;
  readonly categories: readonly DataCategory[];
}

/** Deletes run before anonymise and retain steps, so an item both deleted and anonymised counts once. */
const ACTION_ORDER: Record<PurgeAction['type'], number> = { delete: 0, anonymise: 1, retain: 2 };

export function planPurge(
  request: Channel | { readonly channel: Channel; readonly scope?: ScopeName },
  subject: readonly SubjectIdentifier[],
  tables: readonly MappedTable[],
): PurgeStep[] {
  return planForCategories(
    scopeOfRequest(typeof request === 'string' ? { channel: request } : request).categories,
    subject,
    tables,
  );
}

/** The steps that reach `categories` of the subject (a whole scope, or what a withdrawal deletes). */
export function planForCategories(
  categories: readonly DataCategory[],
  subject: readonly SubjectIdentifier[],
  tables: readonly MappedTable[],
): PurgeStep[] {
  const inScope = new Set(categories);
  const steps: PurgeStep[] = [];
  for (const table of tables) {
    const rules = table.personalData.rules
      .filter((rule) => rule.categories.some((category) => inScope.has(category)))
      .sort((a, b) => ACTION_ORDER[a.action.type] - ACTION_ORDER[b.action.type]);
    for (const rule of rules) {
      for (const lookup of rule.lookups) {
        for (const identifier of subject.filter((candidate) => candidate.kind === lookup.identifier)) {
          steps.push({
            table,
            lookup,
            value: identifier.value,
            action: rule.action,
            categories: rule.categories.filter((category) => inScope.has(category)),
          });
        }
      }
    }
  }
  return steps;
}
