// use-cases: one open request per subject. A pointer (OpenRequestIndex) names the request that answers
// for a subject; it moves to another request only from the one it names, so concurrent intakes for the
// same subject (a replay, a repeated message, a deauthorize racing a deletion) agree on one request.
import { isTerminal, type DeletionRequest } from '../core/deletion-request.js';
import type { DeletionRequestStore, OpenRequestIndex } from './ports.js';

export interface OpenRequestPorts {
  readonly store: Pick<DeletionRequestStore, 'create' | 'get' | 'ensureCodePointer'>;
  readonly openRequests: OpenRequestIndex;
}

export interface OpenRequestAsk {
  readonly subjectKey: string;
  /** The request to open when none answers for the subject; its id is the one claimed. */
  readonly candidate: DeletionRequest;
  readonly at: Date;
  /** When the pointer may be dropped; kept until moved when absent. */
  readonly expiresAt?: Date;
  /** Whether the request the pointer names still answers for the subject. */
  readonly covers: (request: DeletionRequest) => boolean | Promise<boolean>;
}

export interface OpenRequestResult {
  /** True when this call created the request (it is then the caller's to enqueue). */
  readonly created: boolean;
  readonly request: DeletionRequest;
}

/** Moves lost to concurrent intakes before giving up (the caller's retry starts afresh). */
const MAX_REASSIGNS = 5;

/**
 * The request that answers for the subject: the one its pointer names while that still covers it,
 * else the candidate, created and pointed at. Whoever creates the request the pointer names reports
 * `created`, so concurrent callers create and enqueue it exactly once.
 */
export async function joinOrOpenRequest(
  ports: OpenRequestPorts,
  ask: OpenRequestAsk,
): Promise<OpenRequestResult> {
  const { subjectKey, at, expiresAt } = ask;
  let candidate = ask.candidate;
  let pointed = await ports.openRequests.claim(subjectKey, candidate.requestId, at, expiresAt);
  for (let reassigns = 0; pointed !== candidate.requestId; reassigns += 1) {
    const named = await ports.store.get(pointed);
    if (!named) {
      // A crash between the pointer and the request: create the request the pointer names.
      candidate = { ...candidate, requestId: pointed };
      break;
    }
    if (await ask.covers(named)) {
      await ports.store.ensureCodePointer(named);
      return { created: false, request: named };
    }
    if (reassigns >= MAX_REASSIGNS) throw new Error('Open request pointer kept changing');
    pointed = await ports.openRequests.reassign(
      subjectKey,
      named.requestId,
      candidate.requestId,
      at,
      expiresAt,
    );
  }
  const result = await ports.store.create(candidate);
  if (result.created) return { created: true, request: candidate };
  // Created by a concurrent caller, or a replay of this one: repair its code pointer if it crashed.
  await ports.store.ensureCodePointer(result.existing);
  return { created: false, request: result.existing };
}

/** Points the subject at `requestId`, from whichever request it named before. */
export async function pointSubjectAt(
  openRequests: Pick<OpenRequestIndex, 'claim' | 'reassign'>,
  subjectKey: string,
  requestId: string,
  at: Date,
): Promise<void> {
  let pointed = await openRequests.claim(subjectKey, requestId, at);
  for (let reassigns = 0; pointed !== requestId; reassigns += 1) {
    if (reassigns >= MAX_REASSIGNS) throw new Error('Open request pointer kept changing');
    pointed = await openRequests.reassign(subjectKey, pointed, requestId, at);
  }
}

/** The verified, still open request the subject points to, if any (self-service and support). */
export async function verifiedOpenRequest(
  ports: {
    readonly store: Pick<DeletionRequestStore, 'get'>;
    readonly openRequests: Pick<OpenRequestIndex, 'pointsTo'>;
  },
  subjectKey: string,
): Promise<DeletionRequest | undefined> {
  const requestId = await ports.openRequests.pointsTo(subjectKey);
  const request = requestId === undefined ? undefined : await ports.store.get(requestId);
  return request && request.status !== 'pending_verification' && !isTerminal(request.status)
    ? request
    : undefined;
}
