// use-cases: the ports the use cases depend on. Adapters implement them; tests pass real adapters
// pointed at the local stand-ins, or small in-memory ones.
import type {
  DeletionRequest,
  RequestStatus,
  SubjectIdentifier,
  TableOutcome,
} from '../core/deletion-request.js';
import type { PersonalDataRule, TableDeclaration } from '../declarations/tables.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type CreateResult =
  { readonly created: true } | { readonly created: false; readonly existing: DeletionRequest };

export interface TransitionOptions {
  readonly event: string;
  readonly at: Date;
  /** Remove the raw subject identifiers (done when the request reaches a terminal state). */
  readonly forgetSubject?: boolean;
  readonly lastError?: string;
  readonly countAttempt?: boolean;
  readonly expiresAt?: Date;
}

export interface DeletionRequestStore {
  /** Creates the request and its code pointer unless a request with this id exists. */
  create(request: DeletionRequest): Promise<CreateResult>;
  /** Idempotent: makes the code resolve to the request (repairs a crash between the two writes). */
  ensureCodePointer(request: DeletionRequest): Promise<void>;
  get(requestId: string): Promise<DeletionRequest | undefined>;
  getByCode(code: string): Promise<DeletionRequest | undefined>;
  /** Conditional move; false when the request is not in one of `from` (someone else moved it). */
  transition(
    requestId: string,
    from: readonly RequestStatus[],
    to: RequestStatus,
    options: TransitionOptions,
  ): Promise<boolean>;
  /** Adds what one purge pass did to a table to the request's counts. */
  addOutcome(requestId: string, outcome: TableOutcome): Promise<void>;
  /** Requests persisted but not enqueued, received before `before`. */
  listAwaitingQueue(before: Date, limit: number): Promise<readonly string[]>;
}

export interface JobQueue {
  sendDeletionJob(requestId: string): Promise<void>;
}

export type MappedTable = TableDeclaration & { readonly personalData: PersonalDataRule };

export interface TablePurger {
  /** Applies the table's rule to every item of the subject; returns what was done. */
  purge(table: MappedTable, subject: readonly SubjectIdentifier[]): Promise<TableOutcome>;
  /** Items of the subject still present (after a purge this must be zero for deleted tables). */
  countRemaining(table: MappedTable, subject: readonly SubjectIdentifier[]): Promise<number>;
}
