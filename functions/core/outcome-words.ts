// core: the sentences that tell a person what their request did and did not do. The completion
// email, the WhatsApp notice and the status page all use these, so they never disagree: a request
// from Facebook, Instagram or WhatsApp deletes only that channel's data, and says so.
import type { TableOutcome } from './deletion-request.js';
import type { ScopeName } from './scope.js';

/** The data a scope deletes, as the subject of "… has been deleted". */
export const SCOPE_DATA_WORDS: Readonly<Record<ScopeName, string>> = {
  meta_platform_data: 'Facebook and Instagram data',
  whatsapp_data: 'WhatsApp data',
  everything: 'data',
};

/** What a request of each scope leaves untouched; a request for everything leaves nothing out. */
export const NOT_COVERED_WORDS: Readonly<Partial<Record<ScopeName, string>>> = {
  meta_platform_data:
    'Your account with us (name, email address, profile details you gave us), your WhatsApp conversations with us, AI assistant conversations, support history, preferences and analytics identifiers.',
  whatsapp_data:
    'Your account with us (name, email address, profile details), data we received through Facebook and Instagram, AI assistant conversations, support history, preferences and analytics identifiers.',
};

/** Where a person asks for the rest to be deleted too. */
export const DELETE_THE_REST_PATH = '/delete-my-data';

/** Why records were kept, grouped the way a person reads it: law, or fraud prevention. */
export type KeptBecause = 'law' | 'fraud';

export function keptBecause(reasonCode: string): KeptBecause {
  return reasonCode === 'fraud_prevention' ? 'fraud' : 'law';
}

export interface CompletionFacts {
  readonly scope: ScopeName;
  /** Nothing the request covers was held: nothing deleted, anonymised or kept. */
  readonly noDataHeld: boolean;
  /** Reason codes of records kept (see the data map's retention rules). */
  readonly keptReasons: readonly string[];
}

function keptClause(reasons: readonly string[]): string {
  const groups = new Set(reasons.map(keptBecause));
  const parts = [
    groups.has('law') ? 'records kept because the law requires it' : '',
    groups.has('fraud') ? 'records kept to prevent fraud' : '',
  ].filter(Boolean);
  return parts.length ? `, except ${parts.join(' and ')}` : '';
}

/** The headline of a finished request: what was deleted, or that we held nothing. */
export function completionHeadline(facts: CompletionFacts): string {
  const data = SCOPE_DATA_WORDS[facts.scope];
  if (facts.noDataHeld) return `Done. We held no ${data} about you, so there was nothing to delete.`;
  const kept = keptClause(facts.keptReasons);
  return `Done. Your ${data} has been deleted${kept}${kept ? ' (listed below)' : ''}.`;
}

/** The subject line of the completion email. */
export function completionSubject(facts: CompletionFacts): string {
  const data = SCOPE_DATA_WORDS[facts.scope];
  if (facts.noDataHeld) return `Your deletion request is complete: we held no ${data} about you`;
  return `Your ${data} has been deleted`;
}

/** One line for the completion email's body, the same facts as the headline. */
export function completionSentence(facts: CompletionFacts): string {
  const data = SCOPE_DATA_WORDS[facts.scope];
  if (facts.noDataHeld) return `We held no ${data} about you, so there was nothing to delete.`;
  return `Your ${data} has been deleted${keptClause(facts.keptReasons)}.`;
}

/** The facts of a purge's outcomes: what the headline, the email and the notice are built from. */
export function completionFacts(scope: ScopeName, outcomes: readonly TableOutcome[]): CompletionFacts {
  const touched = outcomes.reduce((total, o) => total + o.deleted + o.anonymised + o.retained, 0);
  return {
    scope,
    noDataHeld: touched === 0,
    keptReasons: outcomes
      .filter((outcome) => outcome.retained > 0)
      .map((outcome) => outcome.retentionReason ?? 'legal_obligation'),
  };
}
