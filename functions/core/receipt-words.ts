// core: a verified receipt in plain words, for the people who check one (the person, an auditor, a
// regulator). Says what the receipt states, never more than it states.
import type { DeletionReceiptClaims, ReceiptRecordGroup } from './deletion-receipt.js';

const CHANNELS: Record<DeletionReceiptClaims['channel'], string> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  whatsapp: 'a WhatsApp message',
  web: 'the website',
  email: 'an email to the support team',
  support: 'the support team',
};

const SCOPES: Record<DeletionReceiptClaims['scope'], string> = {
  meta_platform_data: 'the data received through Facebook and Instagram',
  whatsapp_data: 'the WhatsApp conversations',
  everything: 'everything held about the person',
};

const OUTCOMES: Record<DeletionReceiptClaims['outcome'], string> = {
  completed: 'completed: everything the request covered was deleted',
  completed_with_retention: 'completed, with some records kept for a legal reason (listed below)',
  no_data_held: 'completed: nothing the request covers was held',
};

const REASONS: Record<string, string> = {
  tax_and_accounting: 'tax and accounting law requires keeping them',
  fraud_prevention: 'kept for a limited time to prevent fraud',
  legal_obligation: 'the law requires keeping them',
};

const words = (category: string) => category.replace(/_/g, ' ');
const categoryList = (group: ReceiptRecordGroup) => group.categories.map(words).join(', ');
const records = (count: number) => `${count} record${count === 1 ? '' : 's'}`;

function when(iso: string): string {
  return new Date(iso).toUTCString().replace(/ GMT$/, ' UTC');
}

export function describeReceipt(claims: DeletionReceiptClaims): string[] {
  const lines = [
    `Request ${claims.request_id}, a ${claims.request_type} request made through ${CHANNELS[claims.channel]}, covering ${SCOPES[claims.scope]}.`,
    `Received ${when(claims.received_at)}${claims.due_at ? `, due by ${when(claims.due_at)}` : ''}, completed ${when(claims.completed_at)}.`,
    `Outcome: ${OUTCOMES[claims.outcome]}.`,
  ];
  if (claims.deleted.length > 0) {
    lines.push('Deleted:');
    for (const group of claims.deleted) lines.push(`  ${records(group.records)} (${categoryList(group)})`);
  }
  if (claims.anonymised.length > 0) {
    lines.push('Personal details removed, the rest kept:');
    for (const group of claims.anonymised) lines.push(`  ${records(group.records)} (${categoryList(group)})`);
  }
  if (claims.kept.length > 0) {
    lines.push('Kept:');
    for (const group of claims.kept) {
      const reason = REASONS[group.reason] ?? words(group.reason);
      lines.push(
        `  ${records(group.records)} (${categoryList(group)}): ${reason}${group.until ? `; kept until ${group.until}, then deleted` : ''}`,
      );
    }
  }
  lines.push(
    `Erasure confirmed by other systems: ${claims.erasure_webhooks_acknowledged.length > 0 ? claims.erasure_webhooks_acknowledged.join(', ') : 'none'}.`,
    `Check after deleting: ${claims.read_after_delete_check.result}; ${claims.read_after_delete_check.lookups_checked} lookups queried again found ${claims.read_after_delete_check.records_remaining} records.`,
    `Categories the request covered: ${claims.categories.map(words).join(', ')}.`,
    `Issued by ${claims.iss} on ${when(new Date(claims.iat * 1000).toISOString())}, signed with key ${claims.kid}.`,
  );
  return lines;
}
