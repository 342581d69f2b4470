// use-cases: one deletion job. Takes the request's lease, resolves the subject's linked identities,
// carries out the purge plan within a budget (continuing in a new job when the budget runs out),
// checks that nothing remains, issues the signed receipt, writes the suppression records, confirms
// once by email, and completes the request, forgetting the raw identifiers. Safe to run again from
// any point.
import {
  ERASURE_WEBHOOK_STEP_PREFIX,
  RECEIPT_ALGORITHM,
  RECEIPT_TYPE,
  compactReceipt,
  receiptCompletedAt,
  receiptClaims,
  receiptSigningInput,
} from '../core/deletion-receipt.js';
import { completionFacts, DELETE_THE_REST_PATH } from '../core/outcome-words.js';
import {
  isTerminal,
  toStatusView,
  type DeletionRequest,
  type TableOutcome,
} from '../core/deletion-request.js';
import { backupsNote, erasedWhereLines } from '../core/erased-where.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import {
  isExternalStep,
  planExternalSteps,
  planPurge,
  type PlanStep,
  type PurgeStep,
} from '../core/purge-plan.js';
import type { ExternalStoreDeclaration } from '../declarations/external-stores.js';
import { scopeOfRequest } from '../core/scope.js';
import { describeFailure } from './failure-cause.js';
import type {
  Clock,
  DeletionRequestStore,
  EmailNotifier,
  EventRecorder,
  ErasureRequester,
  IdentityResolver,
  JobQueue,
  MappedTable,
  ReceiptSigner,
  ObjectPurger,
  SuppressionList,
  TablePurger,
} from './ports.js';
import { statusUrl } from './status-url.js';

export interface PurgeBudget {
  /** Items one invocation handles before it hands over to a continuation job. */
  readonly maxItems: number;
  /** Milliseconds one invocation works before it hands over (well under the Lambda timeout). */
  readonly maxMillis: number;
  /** Items per page: one count-and-progress write per page. */
  readonly pageSize: number;
}

/**
 * Work around the purge that a channel adds (revoking Meta grants before it, sending a WhatsApp notice
 * after it). Runs once per request: recorded as done when it returns, retried when it throws.
 */
export interface JobStep {
  readonly name: string;
  run(request: DeletionRequest): Promise<void>;
}

export interface ProcessJobPorts {
  readonly store: DeletionRequestStore;
  readonly purger: TablePurger;
  readonly resolver: IdentityResolver;
  readonly suppressions: SuppressionList;
  readonly email: EmailNotifier;
  readonly queue: JobQueue;
  readonly tables: readonly MappedTable[];
  /** Object prefixes and erasure webhooks of the data map (functions/declarations/external-stores.ts). */
  readonly externalStores?: readonly ExternalStoreDeclaration[];
  /** Required when the data map has object prefixes. */
  readonly objects?: ObjectPurger;
  /** Required when the data map has erasure webhooks. */
  readonly erasure?: ErasureRequester;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  /** Signs the receipt of a finished request; the public base URL is its issuer. */
  readonly signer: ReceiptSigner;
  readonly publicBaseUrl: string;
  readonly statusRetentionDays: number;
  /** Days backups keep deleted records restorable (said in the confirmation email); 35 when not set. */
  readonly backupRetentionDays?: number;
  /** How long a worker holds a request; longer than the Lambda timeout, shorter than the visibility timeout. */
  readonly leaseMillis: number;
  readonly budget: PurgeBudget;
  /** After identity resolution, before any data is purged (tokens are still there to revoke). */
  readonly beforePurge?: readonly JobStep[];
  /** After the purge is verified, before the request completes and its identifiers are forgotten. */
  readonly afterPurge?: readonly JobStep[];
}

export type JobOutcome =
  'completed' | 'continued' | 'already_finished' | 'busy' | 'unknown_request' | 'not_verified';

export class PurgeIncompleteError extends Error {
  override readonly name = 'PurgeIncompleteError';
}

export class StoreNotWiredError extends Error {
  override readonly name = 'StoreNotWiredError';
}

/** Where one job is, so a failure names the step it happened in. */
interface Progress {
  stage: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function makeProcessDeletionJob(ports: ProcessJobPorts) {
  const { store, purger, clock, events } = ports;

  function outcomeOf(
    step: PlanStep,
    page: { deleted: number; anonymised: number; retained: number },
  ): TableOutcome {
    if (isExternalStep(step)) return { table: step.store.id, ...page };
    const retention =
      step.action.type === 'retain' && page.retained > 0
        ? {
            retentionReason: step.action.reasonCode,
            retainedUntil: new Date(clock.now().getTime() + step.action.retentionDays * DAY_MS)
              .toISOString()
              .slice(0, 10),
          }
        : {};
    return {
      table: step.table.id,
      deleted: page.deleted,
      anonymised: page.anonymised,
      retained: page.retained,
      ...retention,
    };
  }

  /** Runs the plan from `from`; returns false when the budget ran out before the end. */
  async function runPlan(
    request: DeletionRequest,
    steps: readonly PlanStep[],
    from: number,
    progress: Progress,
  ): Promise<boolean> {
    const started = clock.now().getTime();
    try {
      return await purgeSteps(request, steps, from, started, progress);
    } finally {
      events.count('PurgeDurationMs', clock.now().getTime() - started);
    }
  }

  /** The purger of a table or object-prefix step. */
  function purgerOf(step: PurgeStep | Exclude<PlanStep, { kind: 'erasure_webhook' }>) {
    if (!isExternalStep(step)) {
      return {
        count: () => purger.countRemaining(step),
        page: (max: number) => purger.purgePage(step, max),
      };
    }
    const objects = ports.objects;
    if (!objects) throw new StoreNotWiredError(`No object purger for ${step.store.id}`);
    return { count: () => objects.countRemaining(step), page: (max: number) => objects.purgePage(step, max) };
  }

  async function purgeSteps(
    request: DeletionRequest,
    steps: readonly PlanStep[],
    from: number,
    started: number,
    progress: Progress,
  ): Promise<boolean> {
    let items = 0;
    const none = { deleted: 0, anonymised: 0, retained: 0 };
    for (let index = from; index < steps.length; index += 1) {
      const step = steps[index]!;
      const what = isExternalStep(step)
        ? `${step.kind === 'erasure_webhook' ? 'erasure webhook' : 'delete under the S3 prefix of'} ${step.store.id}`
        : `${step.action.type} in ${step.table.id}`;
      progress.stage = `purge step ${index + 1} of ${steps.length} (${what})`;
      if (isExternalStep(step) && step.kind === 'erasure_webhook') {
        // The system's own count, recorded once: a repeat of the request (same id) gets the same answer.
        const erasure = ports.erasure;
        if (!erasure) throw new StoreNotWiredError(`No erasure requester for ${step.store.id}`);
        const acknowledgement = await erasure.requestErasure(request.requestId, step);
        events.count('ErasureAcknowledged', 1, { system: step.store.id });
        await store.recordPurgeProgress(
          request.requestId,
          {
            ...outcomeOf(step, { ...none, deleted: acknowledgement.erased }),
            acknowledgedAt: clock.now().toISOString(),
          },
          index,
          `counted:${index}`,
        );
        // Named as the receipt reads it (erasure_webhooks_acknowledged), and in the audit trail.
        if (!request.stepsDone?.includes(`${ERASURE_WEBHOOK_STEP_PREFIX}${step.store.id}`))
          await store.markStepDone(
            request.requestId,
            `${ERASURE_WEBHOOK_STEP_PREFIX}${step.store.id}`,
            clock.now(),
          );
        await store.recordPurgeProgress(request.requestId, outcomeOf(step, none), index + 1);
        continue;
      }
      const stepPurger = purgerOf(step);
      // Counted before anything of the step is touched, and once per step (a resumed step is not
      // counted again): a failure at any point leaves the counts exact.
      const pending = await stepPurger.count();
      const actionType = isExternalStep(step) ? 'delete' : step.action.type;
      const counts = {
        ...none,
        [actionType === 'delete' ? 'deleted' : actionType === 'anonymise' ? 'anonymised' : 'retained']:
          pending,
      };
      // A count of nothing needs no write of its own: the step's end records it (zero is zero however
      // often it is added). Most steps of a job are such: the data map holds many stores, a person is in few.
      if (pending > 0)
        await store.recordPurgeProgress(
          request.requestId,
          outcomeOf(step, counts),
          index,
          `counted:${index}`,
        );
      for (;;) {
        if (items >= ports.budget.maxItems || clock.now().getTime() - started >= ports.budget.maxMillis)
          return false;
        const page = await stepPurger.page(Math.min(ports.budget.pageSize, ports.budget.maxItems - items));
        const touched = page.deleted + page.anonymised + page.retained;
        items += touched;
        if (touched > 0) events.count('ItemsPurged', touched);
        if (page.done) {
          await store.recordPurgeProgress(request.requestId, outcomeOf(step, none), index + 1);
          break;
        }
      }
    }
    return true;
  }

  async function runSteps(
    request: DeletionRequest,
    steps: readonly JobStep[] = [],
    progress: Progress,
  ): Promise<void> {
    for (const step of steps) {
      if (request.stepsDone?.includes(step.name)) continue;
      progress.stage = `step ${step.name}`;
      await step.run(request);
      await store.markStepDone(request.requestId, step.name, clock.now());
    }
  }

  /** Read after delete: tables and prefixes are queried again; another system's acknowledgement is its word. */
  async function verify(steps: readonly PlanStep[], progress: Progress): Promise<void> {
    progress.stage = 'read-after-delete check';
    for (const step of steps) {
      if (isExternalStep(step) && step.kind === 'erasure_webhook') continue;
      const remaining = await purgerOf(step).count();
      const storeId = isExternalStep(step) ? step.store.id : step.table.id;
      if (remaining > 0) throw new PurgeIncompleteError(`${remaining} items remain in ${storeId}`);
    }
  }

  /**
   * Signs the receipt and stores it unless an earlier attempt stored one; returns the completion time
   * it states. A signature made by an attempt that failed before storing it was never shown to anyone,
   * so a retry signs again; once stored, the receipt (and its completion time) never changes.
   */
  async function issueReceipt(request: DeletionRequest, lookupsChecked: number): Promise<Date> {
    let receipt = request.receipt;
    if (!receipt) {
      const completedAt = clock.now();
      const input = receiptSigningInput(
        { alg: RECEIPT_ALGORITHM, typ: RECEIPT_TYPE, kid: ports.signer.keyId },
        receiptClaims(
          request,
          ports.tables,
          { issuer: ports.publicBaseUrl, keyId: ports.signer.keyId, completedAt, lookupsChecked },
          ports.externalStores ?? [],
        ),
      );
      const signed = compactReceipt(input, await ports.signer.sign(input));
      receipt = await store.saveReceipt(request.requestId, signed, completedAt);
      if (receipt === signed) events.count('ReceiptIssued');
    }
    return receiptCompletedAt(receipt);
  }

  async function finish(request: DeletionRequest, completedAt: Date): Promise<void> {
    const hash = await ports.hashIdentifier();
    const scope = scopeOfRequest(request);
    const suppressed = request.subject.filter((identifier) =>
      scope.suppressedIdentifiers.includes(identifier.kind),
    );
    await ports.suppressions.suppress(
      suppressed.map((identifier) => hash(identifier.kind, identifier.value)),
      `deletion:${request.requestId}`,
      clock.now(),
    );

    const email = request.subject.find((identifier) => identifier.kind === 'email');
    // Claimed before it is sent, and the claim given back when SES fails: a retry after the email went
    // out (but was not marked) never sends a second one.
    if (
      email &&
      !request.emailConfirmationSentAt &&
      (await store.claimConfirmation(request.requestId, clock.now()))
    ) {
      try {
        const completed = toStatusView(
          { ...request, status: 'completed', completedAt: clock.now().toISOString() },
          { backupRetentionDays: ports.backupRetentionDays ?? 35 },
        );
        await ports.email.sendDeletionConfirmation(email.value, {
          confirmationCode: request.confirmationCode,
          statusUrl: statusUrl(ports.publicBaseUrl, request.confirmationCode),
          completedAt,
          facts: completionFacts(scope.name, request.outcomes),
          deleteTheRestUrl: `${ports.publicBaseUrl}${DELETE_THE_REST_PATH}`,
          erasedWhere: erasedWhereLines(completed),
          ...(backupsNote(completed) ? { backupsNote: backupsNote(completed) } : {}),
        });
      } catch (error) {
        await store.releaseConfirmation(request.requestId);
        throw error;
      }
      events.count('ConfirmationSent', 1, { channel: 'email' });
      await store.markConfirmationSent(request.requestId, 'email', clock.now());
    }

    const retained = request.outcomes.some((outcome) => outcome.retained > 0);
    const now = clock.now();
    await store.transition(
      request.requestId,
      ['in_progress'],
      retained ? 'completed_with_retention' : 'completed',
      {
        event: 'completed',
        at: now,
        completedAt,
        forgetSubject: true,
        releaseLease: true,
        expiresAt: new Date(now.getTime() + ports.statusRetentionDays * DAY_MS),
      },
    );
    events.count('DeletionCompleted');
    events.count('DeletionCompleted', 1, { channel: request.channel });
    events.count('DeletionLatencyMs', now.getTime() - new Date(request.receivedAt).getTime());
  }

  /** `lastAttempt`: no automatic retry follows a failure (the queue moves the job to its DLQ). */
  return async function processDeletionJob(
    requestId: string,
    attempt: { readonly lastAttempt?: boolean } = {},
  ): Promise<JobOutcome> {
    const found = await store.get(requestId);
    if (!found) {
      events.count('JobForUnknownRequest');
      return 'unknown_request';
    }
    if (isTerminal(found.status)) return 'already_finished';
    if (found.status === 'pending_verification') return 'not_verified';

    const now = clock.now();
    if (!(await store.acquireLease(requestId, now, new Date(now.getTime() + ports.leaseMillis)))) {
      const current = await store.get(requestId);
      if (current && isTerminal(current.status)) return 'already_finished';
      // Another worker holds the request; its own job message stays in flight until it finishes.
      return 'busy';
    }

    const progress: Progress = { stage: 'resolving linked identities' };
    try {
      let request = found;
      if (!request.resolved) {
        const subject = await ports.resolver.resolve(request.subject);
        const reached = [...new Set(subject.map((identifier) => identifier.kind))].sort();
        await store.saveResolution(requestId, subject, reached);
        request = { ...request, subject, identitiesReached: reached, resolved: true };
      }
      await runSteps(request, ports.beforePurge, progress);
      const steps: PlanStep[] = [
        ...planPurge(request, request.subject, ports.tables),
        ...planExternalSteps(request, request.subject, ports.externalStores ?? []),
      ];

      if (!(await runPlan(request, steps, request.nextStep ?? 0, progress))) {
        progress.stage = 'queueing the continuation';
        await ports.queue.sendDeletionJob(requestId);
        await store.transition(requestId, ['in_progress'], 'in_progress', {
          event: 'continued',
          at: clock.now(),
          releaseLease: true,
        });
        events.count('PurgeContinued');
        return 'continued';
      }
      await verify(steps, progress);
      // Read back: the outcomes recorded by every attempt decide completed or completed_with_retention.
      const purged = (await store.get(requestId)) ?? request;
      await runSteps(purged, ports.afterPurge, progress);
      // Read again: the receipt lists the steps just recorded (acknowledged erasure webhooks).
      const finished = (await store.get(requestId)) ?? purged;
      progress.stage = 'signing the receipt';
      const completedAt = await issueReceipt(finished, steps.length);
      progress.stage = 'suppression, confirmation email and completion';
      await finish(finished, completedAt);
      return 'completed';
    } catch (error) {
      const cause = describeFailure(progress.stage, error);
      await store.transition(requestId, ['in_progress'], 'failed', {
        event: 'failed',
        at: clock.now(),
        note: cause,
        lastError: cause,
        releaseLease: true,
        ...(attempt.lastAttempt ? { retriesExhausted: true } : {}),
      });
      events.count('DeletionFailed');
      events.count('DeletionFailed', 1, { channel: found.channel });
      throw error;
    }
  };
}
