// unit: scope and the purge plan — what each channel's request deletes, anonymises and keeps.
import { describe, expect, it } from '@jest/globals';
import type { SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { planPurge } from '../../functions/core/purge-plan.js';
import { scopeOf } from '../../functions/core/scope.js';
import {
  DATA_CATEGORIES,
  DELETION_REQUESTS_TABLE,
  SUPPRESSIONS_TABLE,
  mappedTables,
} from '../../functions/declarations/tables.js';

const ANA: SubjectIdentifier[] = [
  { kind: 'facebook_asid', value: '10000000000000001' },
  { kind: 'instagram_scoped_id', value: '17841400000000001' },
  { kind: 'whatsapp_phone', value: '15550000001' },
  { kind: 'whatsapp_bsuid', value: 'US.1' },
  { kind: 'email', value: 'ana@example.com' },
  { kind: 'account_id', value: 'acct_ana' },
];

const tablesTouched = (channel: Parameters<typeof planPurge>[0], subject = ANA) =>
  [...new Set(planPurge(channel, subject, mappedTables()).map((step) => step.table.id))].sort();

describe('planPurge', () => {
  it("covers a Facebook user's Meta platform data, profile fields from Meta and identity links, and nothing else", () => {
    expect(tablesTouched('facebook')).toEqual([
      'Accounts',
      'IdentityLinks',
      'IntegrationTokens',
      'MetaPlatformData',
    ]);
    const accounts = planPurge('facebook', ANA, mappedTables()).filter(
      (step) => step.table.id === 'Accounts',
    );
    expect(accounts.map((step) => step.action.type)).toEqual(['anonymise']);
    const links = planPurge('facebook', ANA, mappedTables()).filter(
      (step) => step.table.id === 'IdentityLinks',
    );
    expect(links.map((step) => step.lookup.identifier).sort()).toEqual([
      'facebook_asid',
      'instagram_scoped_id',
    ]);
  });

  it('treats an Instagram request like a Facebook one: Meta platform data only', () => {
    expect(tablesTouched('instagram')).toEqual(tablesTouched('facebook'));
  });

  it('covers only WhatsApp data for a WhatsApp request', () => {
    expect(tablesTouched('whatsapp')).toEqual(['IdentityLinks', 'WhatsAppContacts', 'WhatsAppMessages']);
    const links = planPurge('whatsapp', ANA, mappedTables()).filter(
      (step) => step.table.id === 'IdentityLinks',
    );
    expect(links.map((step) => step.lookup.identifier).sort()).toEqual(['whatsapp_bsuid', 'whatsapp_phone']);
  });

  it('covers every mapped table for a verified email or web request', () => {
    const everyMapped = mappedTables()
      .map((table) => table.id)
      .sort();
    expect(tablesTouched('email')).toEqual(everyMapped);
    expect(tablesTouched('web')).toEqual(everyMapped);
  });

  it('deletes before it anonymises, so an item both deleted and anonymised is counted once', () => {
    const accounts = planPurge('email', ANA, mappedTables()).filter((step) => step.table.id === 'Accounts');
    expect(accounts.map((step) => step.action.type)).toEqual(['delete', 'anonymise']);
  });

  it('keeps billing and fraud records with a reason and a period, removing the identifying fields', () => {
    const retained = planPurge('email', ANA, mappedTables()).filter((step) => step.action.type === 'retain');
    expect(retained.map((step) => step.table.id).sort()).toEqual(['BillingRecords', 'FraudSignals']);
    for (const step of retained) {
      if (step.action.type !== 'retain') continue;
      expect(step.action.reasonCode).toMatch(/\w+/);
      expect(step.action.legalBasis).toMatch(/GDPR/);
      expect(step.action.retentionDays).toBeGreaterThan(0);
      expect(step.action.remove.length).toBeGreaterThan(0);
    }
  });

  it('plans nothing for identifiers the data map has no lookup for', () => {
    expect(planPurge('facebook', [{ kind: 'email', value: 'x@example.com' }], mappedTables())).toEqual([]);
  });

  it('plans the same steps in the same order every time (a resumed job continues where it stopped)', () => {
    const describe = (channel: 'email' | 'facebook') =>
      planPurge(channel, ANA, mappedTables()).map(
        (step) => `${step.table.id}:${step.lookup.identifier}:${step.action.type}`,
      );
    expect(describe('email')).toEqual(describe('email'));
    expect(describe('facebook')).toEqual(describe('facebook'));
  });
});

describe('data map', () => {
  it('uses every category of personal data in some rule, and every category is in the full scope', () => {
    const used = new Set(
      mappedTables().flatMap((table) => table.personalData.rules.flatMap((rule) => rule.categories)),
    );
    expect([...used].sort()).toEqual([...DATA_CATEGORIES].sort());
    expect([...scopeOf('email').categories].sort()).toEqual([...DATA_CATEGORIES].sort());
  });

  it('exempts only the request and suppression tables, each with a reason', () => {
    const exempt = [DELETION_REQUESTS_TABLE, SUPPRESSIONS_TABLE];
    for (const table of exempt) {
      expect(table.personalData.kind).toBe('exempt');
      if (table.personalData.kind === 'exempt') expect(table.personalData.reason.length).toBeGreaterThan(40);
    }
    expect(mappedTables().map((table) => table.id)).not.toContain(DELETION_REQUESTS_TABLE.id);
  });

  it('suppresses only identifiers within the scope of the channel', () => {
    expect(scopeOf('whatsapp').suppressedIdentifiers).toEqual(['whatsapp_phone', 'whatsapp_bsuid']);
    expect(scopeOf('facebook').suppressedIdentifiers).not.toContain('email');
    expect(scopeOf('email').suppressedIdentifiers).toContain('email');
  });
});
