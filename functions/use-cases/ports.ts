// use-cases: the ports the use cases depend on. Adapters implement them; tests pass real adapters
// pointed at the local stand-ins, or small in-memory ones.
import type { CompletionFacts } from '../core/outcome-words.js';
import type {
  AuditEvent,
  DeletionRequest,
  RequestStatus,
  SubjectIdentifier,
  TableOutcome,
} from '../core/deletion-request.js';
import type { ReceiptPublicJwk } from '../core/deletion-receipt.js';
import type { ErasureWebhookStep, ObjectPrefixStep, PurgeStep } from '../core/purge-plan.js';
import type { RequestType } from '../core/privacy-rights.js';
import type { MetricName } from '../declarations/metric-names.js';
import type { SecretName } from '../declarations/secrets.js';

export type { MappedTable } from '../declarations/tables.js';

/** What the use cases need to report events: a port, so tests can record them. */
export interface EventRecorder {
  count(metric: MetricName, value?: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** Returns the candidate values of a secret, current first. */
export type SecretReader = (name: SecretName) => Promise<readonly string[]>;

/** How a Graph API call failed, as the use cases react to it (the adapter classifies Meta's error codes). */
export type GraphErrorClass =
  | 'rate_limited'
  | 'server_error'
  | 'invalid_token'
  | 'outside_window'
  | 'undeliverable'
  | 'permission'
  | 'client_error';

/** A Graph API call that failed after the client's own retries. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    readonly errorClass: GraphErrorClass,
    readonly status: number,
    readonly code: number | undefined,
    readonly subcode: number | undefined,
    /** Meta's short-lived support id: safe to log. */
    readonly fbtraceId: string | undefined,
    /** Meta's `error.message`, for people (may name an object id: mask it before storing). */
    readonly graphMessage?: string,
  ) {
    super(`Graph API ${errorClass} (HTTP ${status}, code ${code ?? 'none'})`);
  }
}

export interface GraphRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `/123/permissions`. */
  readonly path: string;
  readonly token: string;
  readonly body?: unknown;
}

/** Meta's Graph API (Facebook, Instagram, WhatsApp Cloud API); a failure throws GraphApiError. */
export interface GraphApiClient {
  request<T = unknown>(call: GraphRequest): Promise<T>;
}

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
  /** Who made the move (recorded in the audit trail); the system when absent. */
  readonly by?: string;
  readonly note?: string;
  /** Set when the request becomes `received`: when the answer is owed. */
  readonly dueAt?: Date;
  readonly cancelReason?: string;
  /** When the request completed, if not `at` (the time its receipt states, decided once). */
  readonly completedAt?: Date;
  /** Access: until when the link to the copy works. */
  readonly exportExpiresAt?: Date;
  /** A move to `failed` after the last automatic attempt: a person takes it from here. */
  readonly retriesExhausted?: boolean;
}

export interface CreateOptions {
  readonly by?: string;
  readonly note?: string;
  /** A request awaiting verification disappears, with its identifiers, when not verified by then. */
  readonly expiresAt?: Date;
}

export interface DeletionRequestStore {
  /**
   * Creates the request and its code pointer unless a request with this id exists. A request created
   * `received` gets its due date here (from its jurisdiction), so every intake sets one.
   */
  create(request: DeletionRequest, options?: CreateOptions): Promise<CreateResult>;
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
  recordPurgeProgress(
    requestId: string,
    outcome: TableOutcome,
    nextStep: number,
    /** Add the counts only if no earlier call recorded this key (a step is counted once). */
    countOnceAs?: string,
  ): Promise<void>;
  /** Claims the sending of the confirmation email; false when an earlier attempt already claimed it. */
  claimConfirmation(requestId: string, at: Date): Promise<boolean>;
  /** Gives the claim back after a send that failed, so a retry sends it. */
  releaseConfirmation(requestId: string): Promise<void>;
  markConfirmationSent(requestId: string, channel: 'email', at: Date): Promise<void>;
  /**
   * Stores the receipt of a request still in progress unless one is stored already; returns the
   * stored one (the first wins, so retries never issue a second, different receipt).
   */
  saveReceipt(requestId: string, receipt: string, at: Date): Promise<string>;
  /** Records that a named job step (see JobStep) is done for this request. */
  markStepDone(requestId: string, step: string, at: Date): Promise<void>;
  /** Requests persisted but not enqueued, received before `before`. */
  listAwaitingQueue(before: Date, limit: number): Promise<readonly string[]>;
  /** The audit trail of a request, oldest first. */
  events(requestId: string): Promise<readonly AuditEvent[]>;
  appendEvent(requestId: string, event: AuditEvent): Promise<void>;
  /** Moves the due date of an open request later, with the reason; false when it is not open. */
  extendDueDate(requestId: string, dueAt: Date, reason: string, at: Date, by: string): Promise<boolean>;
  /** Verified requests that have not ended, earliest due first. */
  listOpen(limit: number): Promise<readonly DeletionRequest[]>;
  /** Records the deadline state; true when it changed. */
  markDeadlineState(requestId: string, state: 'nearing' | 'overdue', at: Date): Promise<boolean>;
  /**
   * The one unverified request of an identifier hash while its link is valid: points the hash at
   * `requestId` unless it points at a request still waiting for verification until `validUntil`;
   * returns the request id it points at.
   */
  claimPendingRequest(subjectHash: string, requestId: string, now: Date, validUntil: Date): Promise<string>;
  /** Ends the pending claim of `requestId` (it was verified or canceled); a newer claim stays. */
  releasePendingRequest(subjectHash: string, requestId: string): Promise<void>;
}

/** Signs receipts with a key that never leaves the key service. */
export interface ReceiptSigner {
  /** Id of the signing key: the receipt's `kid`, published in the JWKS. */
  readonly keyId: string;
  /** The ES256 signature (R || S, 64 bytes) of a JWS signing input. */
  sign(signingInput: string): Promise<Uint8Array>;
}

/** The public halves of the receipt keys, for the JWKS. */
export interface ReceiptPublicKeys {
  publicKey(keyId: string): Promise<ReceiptPublicJwk>;
}

export interface JobQueue {
  sendDeletionJob(requestId: string): Promise<void>;
}

/** Sends a request's verification link (or notice of an open request) after the answer was given. */
export interface VerificationQueue {
  sendVerification(requestId: string): Promise<void>;
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

/** Deletes a subject's objects under one prefix: every version and delete marker. */
export interface ObjectPurger {
  /** Deletes up to `maxItems` of what is left; call again until `done`. */
  purgePage(step: ObjectPrefixStep, maxItems: number): Promise<PurgePage>;
  /** Object versions still under the prefix (delete markers hold no data and are not counted). */
  countRemaining(step: ObjectPrefixStep): Promise<number>;
}

/** What another system answered to an erasure request. */
export interface ErasureAcknowledgement {
  /** Records the system erased for this request (the same on every repeat of the request). */
  readonly erased: number;
}

/** Tells another system to erase a subject: signed, idempotent by request id, retried with backoff. */
export interface ErasureRequester {
  /** Resolves with the system's acknowledgement; throws when the system keeps failing. */
  requestErasure(requestId: string, step: ErasureWebhookStep): Promise<ErasureAcknowledgement>;
}

export interface IdentityResolver {
  /** The subject's identifiers plus every identity its linked accounts state; never a guessed link. */
  resolve(subject: readonly SubjectIdentifier[]): Promise<SubjectIdentifier[]>;
}

export interface SuppressionList {
  suppress(identifierHashes: readonly string[], reason: string, at: Date): Promise<void>;
  isSuppressed(identifierHash: string): Promise<boolean>;
  /** Why an identifier is suppressed (`deletion:<requestId>`, `opt-out:whatsapp`), or undefined. */
  reasonFor(identifierHash: string): Promise<string | undefined>;
}

export interface ConfirmationMessage {
  readonly confirmationCode: string;
  readonly statusUrl: string;
  readonly completedAt: Date;
  /** What the request covered and what came of it: the email names the scope, never more. */
  readonly facts: CompletionFacts;
  /** Where to ask for the rest to be deleted (`/delete-my-data`). */
  readonly deleteTheRestUrl: string;
  /** What was erased where, one sentence per store (core/erased-where.ts). */
  readonly erasedWhere?: readonly string[];
  /** How long backups keep deleted records, and the day they are gone. */
  readonly backupsNote?: string;
}

export interface EmailNotifier {
  sendDeletionConfirmation(to: string, message: ConfirmationMessage): Promise<void>;
}

/**
 * One open request per subject: a pointer from a subject key (built from keyed hashes, never a raw
 * identifier) to the request that answers for it. It moves only from the request it names, so
 * concurrent intakes for one subject agree on one request (use-cases/open-request.ts).
 */
export interface OpenRequestIndex {
  /** The request the subject points to, if any. */
  pointsTo(subjectKey: string): Promise<string | undefined>;
  /**
   * Points the subject at `requestId` unless it already points somewhere; returns where it points.
   * Without `expiresAt` the pointer is kept until moved.
   */
  claim(subjectKey: string, requestId: string, at: Date, expiresAt?: Date): Promise<string>;
  /** Moves the pointer from `from` to `to` if it still points to `from`; returns where it points. */
  reassign(subjectKey: string, from: string, to: string, at: Date, expiresAt?: Date): Promise<string>;
}

/** A stored Meta token, as the revocation step needs it. The token value never leaves the step. */
export interface StoredMetaToken {
  readonly tokenId: string;
  readonly pageId?: string;
  readonly webhookSubscribed: boolean;
  /** Marked after a deauthorize: Meta has already killed it, so nothing calls Graph with it. */
  readonly revoked: boolean;
  readonly accessToken?: string;
}

export interface MetaTokenStore {
  /** The tokens stored under one owner key of the IntegrationTokens table. */
  list(owner: string): Promise<StoredMetaToken[]>;
  /** Marks every token of the owner revoked; returns how many were marked. */
  markRevoked(owner: string, at: Date): Promise<number>;
}

export interface Verification {
  /** SHA-256 of the token in the link; the token itself is never stored. */
  readonly tokenHash: string;
  readonly requestId: string;
  readonly createdAt: Date;
  readonly validUntil: Date;
  /** Set on the second link of an email correction, sent to the new address. */
  readonly purpose?: 'new_address';
}

export type ConsumeResult =
  | { readonly ok: true; readonly requestId: string; readonly purpose?: 'new_address' }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'used' };

/** What a verification link is now, read without changing anything (a GET must never use it). */
export type VerificationLinkState =
  | { readonly state: 'unknown' }
  | { readonly state: 'expired' }
  | { readonly state: 'valid'; readonly requestId: string }
  /** Used: `statusCode` once the request ended (the request it led to), else its `requestId`. */
  | { readonly state: 'used'; readonly requestId?: string; readonly statusCode?: string };

export interface VerificationStore {
  save(verification: Verification): Promise<void>;
  /** Reads a link's state; never uses it. */
  inspect(tokenHash: string, now: Date): Promise<VerificationLinkState>;
  /** Uses the link once: later uses, and uses after it expired, are refused. */
  consume(tokenHash: string, now: Date): Promise<ConsumeResult>;
  /**
   * Forgets the verification data of a request when it ends: each record shrinks to a spent marker
   * (the token's hash and the confirmation code of the status page it leads to), kept only until
   * the record's own expiry, so a late click says "already confirmed" instead of "not valid".
   */
  forgetRequest(requestId: string, statusCode: string): Promise<number>;
}

export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface RateLimiter {
  /** Counts one use of `key` in the current window; false when that exceeds the limit. */
  hit(key: string, rule: RateLimitRule, now: Date): Promise<boolean>;
}

export interface VerificationLink {
  readonly link: string;
  readonly validUntil: Date;
  /** What the link confirms: the request's type (deletion when absent). */
  readonly type?: RequestType;
  /** The link confirms a new email address for a correction (sent to that address). */
  readonly newAddress?: boolean;
}

export interface VerificationNotifier {
  sendVerificationLink(to: string, message: VerificationLink): Promise<void>;
  /** Tells the person a verified request of theirs is already open, with its status link. */
  sendExistingRequest(to: string, statusUrl: string, type?: RequestType): Promise<void>;
  /** Tells the person their request's due date moved, and why. */
  sendExtension(to: string, message: { statusUrl: string; dueAt: Date; reason: string }): Promise<void>;
}

/**
 * Sends a verification link to a phone number by WhatsApp, through the suppression-aware gateway.
 * Not configured until a WhatsApp channel is.
 */
export interface PhoneVerificationSender {
  sendVerificationLink(phone: string, message: VerificationLink): Promise<void>;
}
