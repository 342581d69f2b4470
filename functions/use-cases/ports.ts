// use-cases: the ports the use cases depend on. Adapters implement them; tests pass real adapters
// pointed at the local stand-ins, or small in-memory ones.
import type {
  DeletionRequest,
  RequestStatus,
  SubjectIdentifier,
  TableOutcome,
} from '../core/deletion-request.js';
import type { PurgeStep } from '../core/purge-plan.js';

export type { MappedTable } from '../declarations/tables.js';

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
  readonly expiresAt?: Date;
  /** Release the worker's lease, so a retry need not wait for it to expire. */
  readonly releaseLease?: boolean;
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
  /**
   * Moves the request to in_progress and takes the worker's lease, unless another worker holds an
   * unexpired lease; false then (or when the request is not in a workable state).
   */
  acquireLease(requestId: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Records the identities the subject's identifiers resolved to (raw, until the request ends). */
  saveResolution(
    requestId: string,
    subject: readonly SubjectIdentifier[],
    reachedKinds: readonly string[],
  ): Promise<void>;
  /** Adds what one page of a purge step did, and where the plan stands, in one write. */
  recordPurgeProgress(requestId: string, outcome: TableOutcome, nextStep: number): Promise<void>;
  markConfirmationSent(requestId: string, channel: 'email', at: Date): Promise<void>;
  /** Records that a named job step (see JobStep) is done for this request. */
  markStepDone(requestId: string, step: string, at: Date): Promise<void>;
  /** Requests persisted but not enqueued, received before `before`. */
  listAwaitingQueue(before: Date, limit: number): Promise<readonly string[]>;
  /** How many open requests (verified, not finished) were received before `before`. */
  countOpenReceivedBefore(before: Date): Promise<number>;
}

export interface JobQueue {
  sendDeletionJob(requestId: string): Promise<void>;
}

export interface PurgePage {
  readonly deleted: number;
  readonly anonymised: number;
  readonly retained: number;
  /** True when the step has no more items to process. */
  readonly done: boolean;
}

export interface TablePurger {
  /** Processes up to `maxItems` items of one step; call again until `done`. */
  purgePage(step: PurgeStep, maxItems: number): Promise<PurgePage>;
  /** Items of the step still holding what the step removes (zero after a complete purge). */
  countRemaining(step: PurgeStep): Promise<number>;
}

export interface IdentityResolver {
  /** The subject's identifiers plus every identity its linked accounts state; never a guessed link. */
  resolve(subject: readonly SubjectIdentifier[]): Promise<SubjectIdentifier[]>;
}

export interface SuppressionList {
  suppress(identifierHashes: readonly string[], reason: string, at: Date): Promise<void>;
  isSuppressed(identifierHash: string): Promise<boolean>;
}

export interface ConfirmationMessage {
  readonly confirmationCode: string;
  readonly statusUrl: string;
  readonly completedAt: Date;
}

export interface EmailNotifier {
  sendDeletionConfirmation(to: string, message: ConfirmationMessage): Promise<void>;
}
