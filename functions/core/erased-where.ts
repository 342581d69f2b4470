// core: what was erased where, in words a person reads (status page and completion email). One sentence per
// store of the data map that held something, or that was told to erase; never an identifier of the person.
import type { DeletionStatusView } from './deletion-request.js';
import { EXTERNAL_STORES } from '../declarations/external-stores.js';

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

/** A date people read: "30 Nov 2026". */
export function shortDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function erasedWhereLines(view: Pick<DeletionStatusView, 'erased_where'>): string[] {
  return (view.erased_where ?? []).map((entry) => {
    const store = EXTERNAL_STORES.find((candidate) => candidate.id === entry.store);
    const records = `${entry.records} record${entry.records === 1 ? '' : 's'}`;
    if (store?.kind === 'erasure_webhook') {
      const on = entry.acknowledged_at ? ` on ${shortDay(entry.acknowledged_at)}` : '';
      return `${capitalise(store.recipientInWords)} was asked to erase your identifiers${on}, and confirmed it erased ${records}.`;
    }
    const what =
      store?.kind === 'object_prefix' ? store.inWords : (TABLE_WORDS[entry.store] ?? 'other records');
    // An anonymised record is not erased: its personal details are, and the rest is kept (said as such).
    const removed = entry.details_removed
      ? `personal details removed from ${entry.details_removed} record${entry.details_removed === 1 ? '' : 's'}, the rest kept`
      : '';
    const parts = [entry.records > 0 ? `${records} erased` : '', removed].filter(Boolean);
    return `${capitalise(what)}: ${parts.join('; ')}.`;
  });
}

/** The backups note: how long deleted records stay restorable, and the day they are gone. */
export function backupsNote(view: Pick<DeletionStatusView, 'backups'>): string {
  return view.backups
    ? `Our backups (point-in-time recovery) keep deleted records restorable for up to ${view.backups.retention_days} ` +
        `days; the copies of yours are gone by ${shortDay(view.backups.gone_by)}.`
    : '';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
