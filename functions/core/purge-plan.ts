// core: the purge plan. From the request's scope, the subject's identifiers and the data map, the
// ordered list of steps the worker carries out. Pure and deterministic, so a resumed job computes
// the same plan and continues at the step it had reached.
import type { Channel, SubjectIdentifier } from './deletion-request.js';
import { scopeOfRequest, sharedIdentifiersOf, type ScopeName } from './scope.js';
import type { DataCategory, MappedTable, PurgeAction, SubjectLookup } from '../declarations/tables.js';
import type {
  ErasureWebhookDeclaration,
  ExternalStoreDeclaration,
  ObjectPrefixDeclaration,
} from '../declarations/external-stores.js';

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

/** Every object (all versions, all delete markers) under one subject's prefix of a bucket. */
export interface ObjectPrefixStep {
  readonly kind: 'object_prefix';
  readonly store: ObjectPrefixDeclaration;
  /** `${keyPrefix}${identifier value}/`: ends with a slash, so no other subject's folder shares it. */
  readonly prefix: string;
  readonly categories: readonly DataCategory[];
}

/** One signed erasure request to another system, with the subject's identifiers it may know. */
export interface ErasureWebhookStep {
  readonly kind: 'erasure_webhook';
  readonly store: ErasureWebhookDeclaration;
  readonly identifiers: readonly SubjectIdentifier[];
  readonly categories: readonly DataCategory[];
}

export type ExternalStep = ObjectPrefixStep | ErasureWebhookStep;
export type PlanStep = PurgeStep | ExternalStep;

export function isExternalStep(step: PlanStep): step is ExternalStep {
  return 'kind' in step;
}

/** A value that can name a folder: not empty, no slash, no dot segment (it would reach another prefix). */
export function isSafePathSegment(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..' && !/[/\\]/.test(value);
}

/**
 * The steps outside DynamoDB, after the table steps: object prefixes, then erasure webhooks (other systems are
 * told once our own copies are gone). Appended at the end, so a plan position saved earlier stays valid.
 */
export function planExternalSteps(
  request: Channel | { readonly channel: Channel; readonly scope?: ScopeName },
  subject: readonly SubjectIdentifier[],
  stores: readonly ExternalStoreDeclaration[],
): ExternalStep[] {
  const scope = scopeOfRequest(typeof request === 'string' ? { channel: request } : request);
  const inScope = new Set(scope.categories);
  const shared = sharedIdentifiersOf(scope);
  const objects: ExternalStep[] = [];
  const webhooks: ExternalStep[] = [];
  for (const store of stores) {
    const categories = store.categories.filter((category) => inScope.has(category));
    if (categories.length === 0) continue;
    if (store.kind === 'object_prefix') {
      for (const identifier of subject.filter((candidate) => candidate.kind === store.identifier)) {
        // Never a prefix wider than one subject's folder: refuse rather than delete someone else's objects.
        if (!isSafePathSegment(identifier.value)) throw new UnsafeObjectPrefixError(store.id);
        objects.push({
          kind: 'object_prefix',
          store,
          prefix: `${store.keyPrefix}${identifier.value}/`,
          categories,
        });
      }
    } else {
      // Another system learns only the identifiers of the request's scope (a Facebook callback gives no email).
      const identifiers = subject.filter(
        (candidate) => store.identifiers.includes(candidate.kind) && shared.includes(candidate.kind),
      );
      if (identifiers.length > 0) webhooks.push({ kind: 'erasure_webhook', store, identifiers, categories });
    }
  }
  return [...objects, ...webhooks];
}

export class UnsafeObjectPrefixError extends Error {
  override readonly name = 'UnsafeObjectPrefixError';
  constructor(storeId: string) {
    super(`An identifier cannot name a folder of ${storeId}`);
  }
}
