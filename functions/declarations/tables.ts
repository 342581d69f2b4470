// declarations: every DynamoDB table of the service, declared once. The CDK stack creates them from
// this list, the local runner creates the same tables in the stand-in, and the worker reads the
// personal-data rules (the data map) from here.
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
export type DataCategory =
  | 'meta_pages'
  | 'meta_page_roles'
  | 'meta_page_metadata'
  | 'meta_publishing_permissions'
  | 'meta_access_tokens'
  | 'instagram_media'
  | 'meta_insights';

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
  | { readonly type: 'anonymise'; readonly attributes: readonly string[] }
  | {
      readonly type: 'retain';
      readonly reasonCode: string;
      readonly legalBasis: string;
      readonly retentionDays: number;
      /** Identifying attributes removed even from a retained record. */
      readonly anonymiseAttributes: readonly string[];
    };

export interface PersonalDataRule {
  readonly kind: 'mapped';
  readonly categories: readonly DataCategory[];
  readonly lookups: readonly SubjectLookup[];
  readonly action: PurgeAction;
}

export interface PersonalDataExemption {
  readonly kind: 'exempt';
  /** Why this table needs no deletion rule. Required, and shown in reviews. */
  readonly reason: string;
}

export interface TableDeclaration {
  /** Logical id: the CDK construct id and the local table name. */
  readonly id: string;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDeclaration[];
  readonly ttlAttribute?: string;
  readonly personalData: PersonalDataRule | PersonalDataExemption;
}

export const DELETION_REQUESTS_TABLE: TableDeclaration = {
  id: 'DeletionRequests',
  description: 'Deletion requests, their status-page code pointers and their audit trail.',
  partitionKey: { name: 'pk', type: 'S' },
  indexes: [
    // Sparse: only requests persisted but not yet handed to the queue carry `awaitingQueue`.
    {
      name: 'awaitingQueue',
      partitionKey: { name: 'awaitingQueue', type: 'S' },
      sortKey: { name: 'receivedAt', type: 'S' },
    },
  ],
  ttlAttribute: 'expiresAt',
  personalData: {
    kind: 'exempt',
    reason:
      'Holds the deletion requests themselves: the raw identifiers of a subject are kept only while the request is open and removed when it completes; what remains is keyed hashes and counts.',
  },
};

export const META_PLATFORM_DATA_TABLE: TableDeclaration = {
  id: 'MetaPlatformData',
  description:
    'Data received through Meta platform integrations: connected pages, roles, page metadata, publishing permissions, tokens, Instagram media and insights.',
  partitionKey: { name: 'subject', type: 'S' },
  sortKey: { name: 'item', type: 'S' },
  indexes: [],
  personalData: {
    kind: 'mapped',
    categories: [
      'meta_pages',
      'meta_page_roles',
      'meta_page_metadata',
      'meta_publishing_permissions',
      'meta_access_tokens',
      'instagram_media',
      'meta_insights',
    ],
    lookups: [
      { identifier: 'facebook_asid', keyAttribute: 'subject', keyPrefix: 'facebook_asid#' },
      { identifier: 'instagram_scoped_id', keyAttribute: 'subject', keyPrefix: 'instagram_scoped_id#' },
    ],
    action: { type: 'delete' },
  },
};

export const TABLES: readonly TableDeclaration[] = [DELETION_REQUESTS_TABLE, META_PLATFORM_DATA_TABLE];

/** Environment variable through which a function learns a table's physical name. */
export function tableEnvVar(table: Pick<TableDeclaration, 'id'>): string {
  return `TABLE_${table.id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export function mappedTables(): readonly (TableDeclaration & { personalData: PersonalDataRule })[] {
  return TABLES.filter(
    (table): table is TableDeclaration & { personalData: PersonalDataRule } =>
      table.personalData.kind === 'mapped',
  );
}
