// use-cases: the ports of the rights other than deletion (a copy, a correction, a withdrawal of
// consent). The adapters implement them; the jobs in process-rights-job.ts and build-export.ts use them.
import type { DeletionRequest } from '../core/deletion-request.js';
import type { ObjectPrefixStep, PurgeStep } from '../core/purge-plan.js';
import type { RequestType } from '../core/privacy-rights.js';
import type { ConsentActivity, CorrectableAttributeDeclaration } from '../declarations/rights.js';

/** Where the platform reads what a person allowed (the data map's preferences store). */
export interface ConsentPreferenceStore {
  /** Idempotent: records that the account withdrew consent for the activity. */
  recordWithdrawal(accountId: string, activity: ConsentActivity, at: Date): Promise<void>;
}

export type CorrectionOutcome =
  | { readonly outcome: 'changed'; readonly previous: string | undefined }
  | { readonly outcome: 'unchanged' }
  | { readonly outcome: 'not_found' };

export interface AttributeCorrector {
  /**
   * Sets the attribute of the account's item to `value` with a conditional update (only if the item
   * exists and still holds what was read), and returns what it held before.
   */
  correct(
    declaration: CorrectableAttributeDeclaration,
    accountId: string,
    value: string,
  ): Promise<CorrectionOutcome>;
  /** Moves the account's email identity link from the old address to the new one. */
  relinkEmail(accountId: string, from: string | undefined, to: string): Promise<void>;
}

export interface RightsCompletedMessage {
  readonly type: Exclude<RequestType, 'deletion'>;
  readonly confirmationCode: string;
  readonly statusUrl: string;
  /** What was done, in plain words, without any value of the person. */
  readonly summary: string;
  /** Access: the link to the export and until when it works. */
  readonly exportLink?: { readonly url: string; readonly expiresAt: Date };
}

export interface RightsNotifier {
  sendRightsCompleted(to: string, message: RightsCompletedMessage): Promise<void>;
}

/** Builds the export of a subject and gives the link that reaches it (see build-export.ts). */
export interface AccessExporter {
  /** Writes the export (resumable: false when the budget ran out and a continuation job is needed). */
  build(request: DeletionRequest): Promise<boolean>;
  link(request: DeletionRequest): { readonly url: string; readonly expiresAt: Date };
}

/** Reads a subject's records of one step of the plan, a page at a time (for a copy). */
export interface SubjectReader {
  readPage(
    step: PurgeStep,
    startKey: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<{ records: Record<string, unknown>[]; next?: Record<string, unknown> }>;
}

/** A subject's objects under one S3 prefix, a page at a time (names relative to the prefix). */
export interface ObjectLister {
  listPage(
    step: ObjectPrefixStep,
    token: string | undefined,
    limit: number,
  ): Promise<{
    objects: { name: string; size: number; lastModified?: string }[];
    next?: string;
  }>;
}

export interface ExportStore {
  put(key: string, body: string, contentType: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  deletePrefix(prefix: string): Promise<number>;
}
