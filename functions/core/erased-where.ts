// core: what was erased where, in words a person reads (status page and completion email). One sentence per
// store of the data map that held something, or that was told to erase; never an identifier of the person.
import type { DeletionStatusView } from './deletion-request.js';
import { EXTERNAL_STORES } from '../declarations/external-stores.js';
import { countOf, formatDay } from './plain-words.js';

/** What each table of the data map holds, as the person knows it. */
export const TABLE_WORDS: Readonly<Record<string, string>> = {
  IdentityLinks: 'the links between your account and your Facebook, Instagram, WhatsApp and email identities',
  Accounts: 'your account and profile',
  MetaPlatformData: 'your pages, page roles and details, Instagram posts and insights that came from Meta',
  IntegrationTokens: 'the access tokens of your connected apps',
  WhatsAppMessages: 'your WhatsApp conversations with us',
  WhatsAppContacts: 'your WhatsApp contact details',
  AgentTranscripts: 'conversations with our AI assistant',
  SupportTickets: 'your support history',
  Preferences: 'your saved preferences',
  AnalyticsIdentifiers: 'the analytics identifiers linked to your account',
  BillingRecords: 'your name and contact details on invoices',
  FraudSignals: 'your name and contact details on fraud-prevention records',
};

export function erasedWhereLines(view: Pick<DeletionStatusView, 'erased_where'>): string[] {
  return (view.erased_where ?? []).map((entry) => {
    const store = EXTERNAL_STORES.find((candidate) => candidate.id === entry.store);
    const records = countOf(entry.records, 'record');
    if (store?.kind === 'erasure_webhook') {
      // What it erased is what this request covers there (the categories it was sent), not all it holds.
      const confirmed = entry.acknowledged_at
        ? `, as it confirmed on ${formatDay(entry.acknowledged_at)}`
        : '';
      return `${capitalise(store.recipientInWords)} erased ${records} of yours that this request covers${confirmed}.`;
    }
    const what =
      store?.kind === 'object_prefix' ? store.inWords : (TABLE_WORDS[entry.store] ?? 'other records');
    // An anonymised record is not erased: its personal details are, and the rest is kept (said as such).
    const removed = entry.details_removed
      ? `personal details removed from ${countOf(entry.details_removed, 'record')}, the rest kept`
      : '';
    const parts = [entry.records > 0 ? `${records} erased` : '', removed].filter(Boolean);
    return `${capitalise(what)}: ${parts.join('; ')}.`;
  });
}

/** The backups note: how long deleted records stay restorable, and the day they are gone. */
export function backupsNote(view: Pick<DeletionStatusView, 'backups'>): string {
  return view.backups
    ? `Our backups (point-in-time recovery) keep deleted records restorable for up to ${view.backups.retention_days} ` +
        `days; the copies of yours are gone by ${formatDay(view.backups.gone_by)}.`
    : '';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
