// declarations: every DynamoDB table of the service, declared once. The CDK stack creates them from
// this list, the local runner creates the same tables in the stand-in, and the worker reads the
// personal-data rules (the data map) from here. Synthesis fails for a table that is neither mapped
// nor exempt with a reason.
import type { IdentifierKind } from '../core/deletion-request.js';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** Kinds of personal data, as the privacy policy names them. */
export const DATA_CATEGORIES = [
  'account_profile',
  'meta_profile_fields',
  'meta_identity_link',
  'whatsapp_identity_link',
  'email_identity_link',
  'meta_pages',
  'meta_page_roles',
  'meta_page_metadata',
  'meta_publishing_permissions',
  'meta_access_tokens',
  'instagram_media',
  'meta_insights',
  'whatsapp_message_content',
  'whatsapp_message_metadata',
  'whatsapp_receipts',
  'whatsapp_identifiers',
  'ai_transcripts',
  'support_logs',
  'preferences',
  'analytics_identifiers',
  'integration_tokens',
  'billing_records',
  'fraud_prevention_records',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** How a subject's items are found in a table: by key (or index) and identifier. */
export interface SubjectLookup {
  readonly identifier: IdentifierKind;
  /** Query this index instead of the table's own key. */
  readonly index?: string;
  /** Partition key attribute of the table or index. */
  readonly keyAttribute: string;
  /** The key value is `${prefix}${identifier value}`. */
  readonly keyPrefix?: string;
}

export type PurgeAction =
  | { readonly type: 'delete' }
  | {
      readonly type: 'anonymise';
      /** Attributes removed from the item; the rest of it is kept. */
      readonly remove: readonly string[];
    }
  | {
      readonly type: 'retain';
      /** Shown to the person, in words, on the status page. */
      readonly reasonCode: RetentionReasonCode;
      readonly legalBasis: string;
      readonly retentionDays: number;
      /** Identifying attributes removed even from a retained record. */
      readonly remove: readonly string[];
      /** Attribute set to the expiry time (epoch seconds), the table's TTL attribute. */
      readonly ttlAttribute: string;
    };

export type RetentionReasonCode = 'tax_and_accounting' | 'fraud_prevention';

export interface PurgeRule {
  readonly categories: readonly DataCategory[];
  readonly lookups: readonly SubjectLookup[];
  readonly action: PurgeAction;
  /** Attributes never put in a copy of the data: secrets, and anything about another person. */
  readonly exportOmit?: readonly string[];
}

export interface PersonalDataRules {
  readonly kind: 'mapped';
  readonly rules: readonly PurgeRule[];
}

export interface PersonalDataExemption {
  readonly kind: 'exempt';
  /** Why this table needs no deletion rule. Required, and shown in reviews. */
  readonly reason: string;
}

/**
 * Who a table belongs to. The service's own tables (requests, suppressions, receipts, verifications, rate
 * limits) are created by the stack. Company tables hold the company's personal data and already exist where
 * its platform keeps them: a stage names them in `dataStores` and the stack imports them; only a demo stage
 * (and the local runner) creates them.
 */
export type TableOwner = 'service' | 'company';

export interface TableDeclaration {
  /** Logical id: the CDK construct id, the local table name and the key of `dataStores` in a stage config. */
  readonly id: string;
  readonly owner: TableOwner;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDeclaration[];
  readonly ttlAttribute?: string;
  readonly personalData: PersonalDataRules | PersonalDataExemption;
}

export type MappedTable = TableDeclaration & { readonly personalData: PersonalDataRules };

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const byKey = (identifier: IdentifierKind, keyAttribute: string, prefixed = true): SubjectLookup => ({
  identifier,
  keyAttribute,
  ...(prefixed ? { keyPrefix: `${identifier}#` } : {}),
});
const byIndex = (identifier: IdentifierKind, index: string): SubjectLookup => ({
  identifier,
  index,
  keyAttribute: index,
});
const DELETE = { type: 'delete' } as const;

export const DELETION_REQUESTS_TABLE: TableDeclaration = {
  id: 'DeletionRequests',
  owner: 'service',
  description: 'Deletion requests, their status-page code pointers and their audit trail.',
  partitionKey: S('pk'),
  indexes: [
    // Sparse: only requests persisted but not yet handed to the queue carry `awaitingQueue`.
    { name: 'awaitingQueue', partitionKey: S('awaitingQueue'), sortKey: S('receivedAt') },
    // Sparse: only verified requests that have not ended carry `openDue`; sorted by due date.
    { name: 'openByDue', partitionKey: S('openDue'), sortKey: S('dueAt') },
  ],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'exempt',
    reason:
      'Holds the deletion requests themselves: the raw identifiers of a subject are kept only while the request is open and removed when it completes; what remains is keyed hashes and counts.',
  },
};

export const IDENTITY_LINKS_TABLE: TableDeclaration = {
  id: 'IdentityLinks',
  owner: 'company',
  description:
    'Which identities belong to one account: Facebook and Instagram scoped ids, page-scoped ids, WhatsApp phone and BSUID, email. The only source of identity resolution.',
  partitionKey: S('identity'),
  indexes: [{ name: 'accountId', partitionKey: S('accountId'), sortKey: S('identity') }],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['meta_identity_link'],
        lookups: [
          byKey('facebook_asid', 'identity'),
          byKey('instagram_scoped_id', 'identity'),
          byKey('facebook_page_scoped_id', 'identity'),
        ],
        action: DELETE,
      },
      {
        categories: ['whatsapp_identity_link'],
        lookups: [byKey('whatsapp_phone', 'identity'), byKey('whatsapp_bsuid', 'identity')],
        action: DELETE,
      },
      { categories: ['email_identity_link'], lookups: [byKey('email', 'identity')], action: DELETE },
    ],
  },
};

export const ACCOUNTS_TABLE: TableDeclaration = {
  id: 'Accounts',
  owner: 'company',
  description:
    'Customer accounts and profiles: name, email, company, and profile fields that came from Meta.',
  partitionKey: S('accountId'),
  indexes: [],
  personalData: {
    kind: 'mapped',
    rules: [
      { categories: ['account_profile'], lookups: [byKey('account_id', 'accountId', false)], action: DELETE },
      {
        categories: ['meta_profile_fields'],
        lookups: [byKey('account_id', 'accountId', false)],
        action: {
          type: 'anonymise',
          remove: ['facebookAsid', 'instagramScopedId', 'metaName', 'metaPictureUrl', 'instagramUsername'],
        },
      },
    ],
  },
};

export const META_PLATFORM_DATA_TABLE: TableDeclaration = {
  id: 'MetaPlatformData',
  owner: 'company',
  description:
    'Data received through Meta platform integrations: connected pages, roles, page metadata, publishing permissions, Instagram media and captions, insights.',
  partitionKey: S('subject'),
  sortKey: S('item'),
  indexes: [{ name: 'pageScopedId', partitionKey: S('pageScopedId'), sortKey: S('item') }],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: [
          'meta_pages',
          'meta_page_roles',
          'meta_page_metadata',
          'meta_publishing_permissions',
          'instagram_media',
          'meta_insights',
        ],
        lookups: [
          byKey('facebook_asid', 'subject'),
          byKey('instagram_scoped_id', 'subject'),
          byIndex('facebook_page_scoped_id', 'pageScopedId'),
        ],
        action: DELETE,
      },
    ],
  },
};

export const INTEGRATION_TOKENS_TABLE: TableDeclaration = {
  id: 'IntegrationTokens',
  owner: 'company',
  description:
    'Access tokens: Meta user and page tokens (with the pages their webhooks are subscribed for) and other integration tokens of an account.',
  partitionKey: S('owner'),
  sortKey: S('tokenId'),
  indexes: [],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['meta_access_tokens'],
        lookups: [byKey('facebook_asid', 'owner'), byKey('instagram_scoped_id', 'owner')],
        action: DELETE,
        // A token is a secret: a copy of the data says it exists, never what it is.
        exportOmit: ['accessToken'],
      },
      {
        categories: ['integration_tokens'],
        lookups: [byKey('account_id', 'owner')],
        action: DELETE,
        exportOmit: ['accessToken'],
      },
    ],
  },
};

export const WHATSAPP_MESSAGES_TABLE: TableDeclaration = {
  id: 'WhatsAppMessages',
  owner: 'company',
  description:
    'WhatsApp conversations: inbound and outbound message content, metadata and delivery/read receipts. Content expires by TTL.',
  partitionKey: S('contact'),
  sortKey: S('messageKey'),
  indexes: [
    { name: 'bsuid', partitionKey: S('bsuid'), sortKey: S('messageKey') },
    // Sparse: only inbound messages not yet handled carry `pendingProcessing` (the sweeper's list).
    { name: 'pendingProcessing', partitionKey: S('pendingProcessing'), sortKey: S('receivedAt') },
  ],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['whatsapp_message_content', 'whatsapp_message_metadata', 'whatsapp_receipts'],
        lookups: [
          byKey('whatsapp_phone', 'contact'),
          byKey('whatsapp_bsuid', 'contact'),
          byIndex('whatsapp_bsuid', 'bsuid'),
        ],
        action: DELETE,
      },
    ],
  },
};

export const WHATSAPP_CONTACTS_TABLE: TableDeclaration = {
  id: 'WhatsAppContacts',
  owner: 'company',
  description:
    'WhatsApp contacts per business number: wa_id, BSUID, profile name, last inbound time (24-hour window). Expire by TTL a retention period after the last message.',
  partitionKey: S('contact'),
  sortKey: S('phoneNumberId'),
  indexes: [{ name: 'bsuid', partitionKey: S('bsuid'), sortKey: S('phoneNumberId') }],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['whatsapp_identifiers'],
        lookups: [
          byKey('whatsapp_phone', 'contact'),
          byKey('whatsapp_bsuid', 'contact'),
          byIndex('whatsapp_bsuid', 'bsuid'),
        ],
        action: DELETE,
      },
    ],
  },
};

export const AGENT_TRANSCRIPTS_TABLE: TableDeclaration = {
  id: 'AgentTranscripts',
  owner: 'company',
  description: 'Conversation transcripts of the AI agents, per account or per visitor email.',
  partitionKey: S('accountId'),
  sortKey: S('turn'),
  indexes: [{ name: 'visitorEmail', partitionKey: S('visitorEmail'), sortKey: S('turn') }],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['ai_transcripts'],
        lookups: [byKey('account_id', 'accountId', false), byIndex('email', 'visitorEmail')],
        action: DELETE,
      },
    ],
  },
};

export const SUPPORT_TICKETS_TABLE: TableDeclaration = {
  id: 'SupportTickets',
  owner: 'company',
  description: 'Support logs: tickets and messages exchanged with support staff.',
  partitionKey: S('ticketId'),
  indexes: [
    { name: 'requesterEmail', partitionKey: S('requesterEmail') },
    { name: 'accountId', partitionKey: S('accountId') },
  ],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['support_logs'],
        lookups: [byIndex('email', 'requesterEmail'), byIndex('account_id', 'accountId')],
        action: DELETE,
      },
    ],
  },
};

export const PREFERENCES_TABLE: TableDeclaration = {
  id: 'Preferences',
  owner: 'company',
  description: 'Stored preferences of an account (language, notifications, saved settings).',
  partitionKey: S('accountId'),
  sortKey: S('preference'),
  indexes: [],
  personalData: {
    kind: 'mapped',
    rules: [
      { categories: ['preferences'], lookups: [byKey('account_id', 'accountId', false)], action: DELETE },
    ],
  },
};

export const ANALYTICS_IDENTIFIERS_TABLE: TableDeclaration = {
  id: 'AnalyticsIdentifiers',
  owner: 'company',
  description: 'Analytics identifiers (device and cookie ids) linked to an account.',
  partitionKey: S('accountId'),
  sortKey: S('analyticsId'),
  indexes: [],
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['analytics_identifiers'],
        lookups: [byKey('account_id', 'accountId', false)],
        action: DELETE,
      },
    ],
  },
};

export const BILLING_RECORDS_TABLE: TableDeclaration = {
  id: 'BillingRecords',
  owner: 'company',
  description: 'Invoices and payments. Kept for the statutory period, with the identifying fields removed.',
  partitionKey: S('accountId'),
  sortKey: S('invoiceId'),
  indexes: [],
  ttlAttribute: 'retainUntil',
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['billing_records'],
        lookups: [byKey('account_id', 'accountId', false)],
        action: {
          type: 'retain',
          reasonCode: 'tax_and_accounting',
          legalBasis:
            'GDPR Art. 17(3)(b) and 6(1)(c): statutory bookkeeping and tax retention (e.g. 10 years, HGB §257, AO §147)',
          retentionDays: 3653,
          remove: ['customerName', 'customerEmail', 'billingAddress', 'phone'],
          ttlAttribute: 'retainUntil',
        },
      },
    ],
  },
};

export const FRAUD_SIGNALS_TABLE: TableDeclaration = {
  id: 'FraudSignals',
  owner: 'company',
  description:
    'Fraud-prevention records (chargebacks, abuse reports). Kept for a limited period without identifying fields.',
  partitionKey: S('accountId'),
  sortKey: S('signalId'),
  indexes: [],
  ttlAttribute: 'retainUntil',
  personalData: {
    kind: 'mapped',
    rules: [
      {
        categories: ['fraud_prevention_records'],
        lookups: [byKey('account_id', 'accountId', false)],
        action: {
          type: 'retain',
          reasonCode: 'fraud_prevention',
          legalBasis: 'GDPR Art. 6(1)(f): legitimate interest in preventing fraud, kept 2 years',
          retentionDays: 730,
          remove: ['email', 'phone', 'ipAddress', 'name'],
          ttlAttribute: 'retainUntil',
        },
      },
    ],
  },
};

export const SUPPRESSIONS_TABLE: TableDeclaration = {
  id: 'Suppressions',
  owner: 'service',
  description:
    'Keyed hashes of identifiers that must receive no further messages (after deletion or opt-out).',
  partitionKey: S('identifierHash'),
  indexes: [],
  personalData: {
    kind: 'exempt',
    reason:
      'Holds only keyed (peppered HMAC) hashes of identifiers, kept so that a person who asked us to stop is never messaged again; no raw identifier is stored.',
  },
};

export const WHATSAPP_WEBHOOK_RECEIPTS_TABLE: TableDeclaration = {
  id: 'WhatsAppWebhookReceipts',
  owner: 'service',
  description:
    'WhatsApp webhook bookkeeping: which inbound wamids were already stored (deduplication beyond the 7-day retry window) and the furthest delivery status per outbound wamid.',
  partitionKey: S('receiptKey'),
  indexes: [],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'exempt',
    reason:
      'Holds only keyed (peppered HMAC) hashes of message ids, a status word, an error code and timestamps, expiring after 10 days; no identifier or content. It must survive a purge so that a late retry of a deleted message is not stored again.',
  },
};

export const VERIFICATIONS_TABLE: TableDeclaration = {
  id: 'Verifications',
  owner: 'service',
  description:
    'Single-use verification links of self-service requests: a hash of the token, the request id, expiry and attempts.',
  partitionKey: S('tokenHash'),
  indexes: [{ name: 'requestId', partitionKey: S('requestId') }],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'exempt',
    reason:
      'Holds only SHA-256 hashes of random tokens, request ids, times and attempt counts: no identifier of a person. When the request ends the worker reduces each record to a spent marker (token hash and the confirmation code of its status page), and TTL removes it a week after the link expired.',
  },
};

export const RATE_LIMITS_TABLE: TableDeclaration = {
  id: 'RateLimits',
  owner: 'service',
  description: 'Counters of self-service requests per identifier and per source address, per time window.',
  partitionKey: S('bucket'),
  indexes: [],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'exempt',
    reason:
      'Holds only keyed (peppered HMAC) hashes of identifiers and source addresses with a counter per window, expired by TTL within a day.',
  },
};

export const TABLES: readonly TableDeclaration[] = [
  DELETION_REQUESTS_TABLE,
  IDENTITY_LINKS_TABLE,
  ACCOUNTS_TABLE,
  META_PLATFORM_DATA_TABLE,
  INTEGRATION_TOKENS_TABLE,
  WHATSAPP_MESSAGES_TABLE,
  WHATSAPP_CONTACTS_TABLE,
  AGENT_TRANSCRIPTS_TABLE,
  SUPPORT_TICKETS_TABLE,
  PREFERENCES_TABLE,
  ANALYTICS_IDENTIFIERS_TABLE,
  BILLING_RECORDS_TABLE,
  FRAUD_SIGNALS_TABLE,
  SUPPRESSIONS_TABLE,
  WHATSAPP_WEBHOOK_RECEIPTS_TABLE,
  VERIFICATIONS_TABLE,
  RATE_LIMITS_TABLE,
];

/** Environment variable through which a function learns a table's physical name. */
export function tableEnvVar(table: Pick<TableDeclaration, 'id'>): string {
  return `TABLE_${table.id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** Environment variable of the role a function assumes to reach a table in another account. */
export function tableRoleArnEnvVar(table: Pick<TableDeclaration, 'id'>): string {
  return `${tableEnvVar(table)}_ROLE_ARN`;
}

export function isMapped(table: TableDeclaration): table is MappedTable {
  return table.personalData.kind === 'mapped';
}

export function mappedTables(): readonly MappedTable[] {
  return TABLES.filter(isMapped);
}

/** The tables that hold the company's personal data: imported from `dataStores` outside a demo stage. */
export function companyTables(): readonly TableDeclaration[] {
  return TABLES.filter((table) => table.owner === 'company');
}
