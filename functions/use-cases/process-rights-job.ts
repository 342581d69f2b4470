// use-cases: one job for a right other than deletion. Takes the request's lease, resolves the
// subject's linked identities, then:
// - withdraw_consent: deletes what the activity's rule deletes (analytics identifiers, AI transcripts),
//   records the preference where the platform reads it, and suppresses messaging for marketing;
// - correction: changes exactly the declared attribute of the subject's account with a conditional
//   update, and records hashes of the old and new values (never the values) in the audit trail;
// - access: builds the export (see build-export.ts) and keeps it until the link expires.
// Then it tells the person once by email and completes, forgetting the raw identifiers and the new
// value. Each step is recorded when done, so a retried job never repeats one.
import { isTerminal, type DeletionRequest } from '../core/deletion-request.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import { planForCategories } from '../core/purge-plan.js';
import { scopeOfRequest } from '../core/scope.js';
import {
  CONSENT_ACTIVITY_RULES,
  CORRECTABLE_ATTRIBUTES,
  type ConsentActivity,
} from '../declarations/rights.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  IdentityResolver,
  MappedTable,
  SuppressionList,
  TablePurger,
  VerificationStore,
} from './ports.js';
import type {
  AccessExporter,
  AttributeCorrector,
  ConsentPreferenceStore,
  RightsCompletedMessage,
  RightsNotifier,
} from './rights-ports.js';
import { statusUrl } from './status-url.js';

export interface RightsJobPorts {
  readonly store: DeletionRequestStore;
  readonly purger: TablePurger;
  readonly resolver: IdentityResolver;
  readonly suppressions: SuppressionList;
  readonly preferences: ConsentPreferenceStore;
  readonly corrector: AttributeCorrector;
  readonly notifier: RightsNotifier;
  readonly verifications: Pick<VerificationStore, 'forgetRequest'>;
  readonly exporter?: AccessExporter;
  readonly queue: { sendDeletionJob(requestId: string): Promise<void> };
  readonly tables: readonly MappedTable[];
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly publicBaseUrl: string;
  readonly statusRetentionDays: number;
  readonly leaseMillis: number;
}

export type RightsJobOutcome =
  'completed' | 'continued' | 'already_finished' | 'busy' | 'unknown_request' | 'not_verified';

export class RightNotAvailableError extends Error {
  override readonly name = 'RightNotAvailableError';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Suppression reason of a withdrawal of marketing messages (the gateway blocks every suppressed id). */
export const MARKETING_WITHDRAWN = 'consent-withdrawn:marketing_messages';
/** Step recorded once a withdrawal's messaging identifiers are on the suppression list. */
export const SUPPRESSED_STEP = 'suppressed';

const ACTIVITY_SUMMARY: Record<ConsentActivity, string> = {
  analytics: 'We deleted your analytics identifiers and recorded that no new ones are collected.',
  marketing_messages: 'We stopped marketing and template messages to you on WhatsApp.',
  ai_transcripts:
    'We deleted your AI assistant transcripts and recorded that new conversations are not kept.',
};

export function makeProcessRightsJob(ports: RightsJobPorts) {
  const { store, clock, events } = ports;

  async function once(request: DeletionRequest, step: string, run: () => Promise<void>): Promise<void> {
    if (request.stepsDone?.includes(step)) return;
    await run();
    await store.markStepDone(request.requestId, step, clock.now());
  }

  const accountsOf = (request: DeletionRequest) =>
    request.subject.filter((identifier) => identifier.kind === 'account_id').map((i) => i.value);

  async function withdraw(request: DeletionRequest): Promise<string> {
    const activity = request.activity;
    if (!activity) throw new RightNotAvailableError('withdrawal without an activity');
    const rule = CONSENT_ACTIVITY_RULES[activity];
    // What the request may reach: a phone-verified one only that number's WhatsApp data.
    const scope = scopeOfRequest(request);
    const deletes = rule.deletes.filter((category) => scope.categories.includes(category));
    // Only delete rules of the activity's categories: nothing else of the person is touched.
    const steps = planForCategories(deletes, request.subject, ports.tables).filter(
      (step) => step.action.type === 'delete',
    );
    for (const [index, step] of steps.entries()) {
      if (request.stepsDone?.includes(`withdrawn:${index}`)) continue;
      const pending = await ports.purger.countRemaining(step);
      await store.recordPurgeProgress(
        request.requestId,
        { table: step.table.id, deleted: pending, anonymised: 0, retained: 0 },
        index,
        `counted:${index}`,
      );
      for (;;) {
        const page = await ports.purger.purgePage(step, 1000);
        if (page.done) break;
      }
      await store.markStepDone(request.requestId, `withdrawn:${index}`, clock.now());
    }
    // Steps are named by position, not by account id: the request keeps no identifier once it ends.
    // An account's preferences are the account's: only a request that reaches everything sets them.
    const accounts = scope.name === 'everything' ? accountsOf(request) : [];
    for (const [index, accountId] of accounts.entries())
      await once(request, `preference:${index}`, () =>
        ports.preferences.recordWithdrawal(accountId, activity, clock.now()),
      );
    if (rule.suppressesMessaging) {
      const hash = await ports.hashIdentifier();
      const messaging = request.subject.filter(
        (identifier) => identifier.kind === 'whatsapp_phone' || identifier.kind === 'whatsapp_bsuid',
      );
      // The suppression list is where the gateway reads this choice: recorded like a preference.
      if (messaging.length > 0)
        await once(request, SUPPRESSED_STEP, () =>
          ports.suppressions.suppress(
            messaging.map((identifier) => hash(identifier.kind, identifier.value)),
            MARKETING_WITHDRAWN,
            clock.now(),
          ),
        );
    }
    return ACTIVITY_SUMMARY[activity];
  }

  async function correct(request: DeletionRequest): Promise<string> {
    const correction = request.correction;
    if (!correction?.value) throw new RightNotAvailableError('correction without a value');
    const declaration = CORRECTABLE_ATTRIBUTES[correction.attribute];
    // Intake refuses this already; a request that cannot reach the account changes nothing in it.
    if (!scopeOfRequest(request).categories.includes(declaration.category))
      return 'A phone number reaches only its WhatsApp data, so nothing on an account was changed.';
    const hash = await ports.hashIdentifier();
    const value = correction.value;
    let changed = 0;
    for (const [index, accountId] of accountsOf(request).entries()) {
      const step = `corrected:${index}`;
      if (request.stepsDone?.includes(step)) {
        changed += 1;
        continue;
      }
      const result = await ports.corrector.correct(declaration, accountId, value);
      if (result.outcome === 'not_found') continue;
      if (declaration.format === 'email')
        await ports.corrector.relinkEmail(
          accountId,
          result.outcome === 'changed' ? result.previous : undefined,
          value,
        );
      // Keyed hashes of the values: the trail proves what changed without holding either value.
      const previous =
        result.outcome === 'changed' && result.previous !== undefined
          ? hash(`correction:${correction.attribute}`, result.previous)
          : 'none';
      await store.appendEvent(request.requestId, {
        at: clock.now().toISOString(),
        event: result.outcome === 'changed' ? 'corrected' : 'already_correct',
        note: `${declaration.table.id}.${declaration.attribute}: old ${previous}, new ${hash(`correction:${correction.attribute}`, value)}`,
      });
      await store.markStepDone(request.requestId, step, clock.now());
      changed += 1;
    }
    return changed > 0
      ? `We corrected ${CORRECTION_NAMES[correction.attribute]} on your account to the value you gave us. Nothing else was changed.`
      : 'We hold no account for you, so there was nothing to correct.';
  }

  async function finish(request: DeletionRequest, summary: string, type: RightsCompletedMessage['type']) {
    // A corrected email address is where the person now reads their mail.
    const exportLink = type === 'access' && ports.exporter ? ports.exporter.link(request) : undefined;
    const to =
      request.correction && CORRECTABLE_ATTRIBUTES[request.correction.attribute].format === 'email'
        ? request.correction.value
        : request.subject.find((identifier) => identifier.kind === 'email')?.value;
    if (
      to &&
      !request.emailConfirmationSentAt &&
      (await store.claimConfirmation(request.requestId, clock.now()))
    ) {
      try {
        await ports.notifier.sendRightsCompleted(to, {
          type,
          confirmationCode: request.confirmationCode,
          statusUrl: statusUrl(ports.publicBaseUrl, request.confirmationCode),
          summary,
          ...(exportLink ? { exportLink } : {}),
        });
      } catch (error) {
        await store.releaseConfirmation(request.requestId);
        throw error;
      }
      events.count('ConfirmationSent', 1, { channel: 'email' });
      await store.markConfirmationSent(request.requestId, 'email', clock.now());
    }
    await ports.verifications.forgetRequest(request.requestId, request.confirmationCode);
    const now = clock.now();
    await store.transition(request.requestId, ['in_progress'], 'completed', {
      event: 'completed',
      at: now,
      note: summary,
      ...(exportLink ? { exportExpiresAt: exportLink.expiresAt } : {}),
      forgetSubject: true,
      releaseLease: true,
      expiresAt: new Date(now.getTime() + ports.statusRetentionDays * DAY_MS),
    });
    events.count('RightsCompleted', 1, { type });
  }

  return async function processRightsJob(requestId: string): Promise<RightsJobOutcome> {
    const found = await store.get(requestId);
    if (!found) {
      events.count('JobForUnknownRequest');
      return 'unknown_request';
    }
    if (isTerminal(found.status)) return 'already_finished';
    if (found.status === 'pending_verification') return 'not_verified';
    const type = found.type;
    if (!type || type === 'deletion') throw new RightNotAvailableError('not a rights request');

    const now = clock.now();
    if (!(await store.acquireLease(requestId, now, new Date(now.getTime() + ports.leaseMillis)))) {
      const current = await store.get(requestId);
      return current && isTerminal(current.status) ? 'already_finished' : 'busy';
    }
    try {
      let request = found;
      if (!request.resolved) {
        const subject = await ports.resolver.resolve(request.subject);
        const reached = [...new Set(subject.map((identifier) => identifier.kind))].sort();
        await store.saveResolution(requestId, subject, reached);
        request = { ...request, subject, identitiesReached: reached, resolved: true };
      }
      let summary: string;
      if (type === 'withdraw_consent') summary = await withdraw(request);
      else if (type === 'correction') summary = await correct(request);
      else {
        if (!ports.exporter) throw new RightNotAvailableError('no exporter configured');
        if (!(await ports.exporter.build(request))) {
          await ports.queue.sendDeletionJob(requestId);
          await store.transition(requestId, ['in_progress'], 'in_progress', {
            event: 'continued',
            at: clock.now(),
            releaseLease: true,
          });
          return 'continued';
        }
        summary =
          'Your copy of your data is ready. The link in this email works with your confirmation code until it expires; then the copy is deleted. Nothing was deleted or changed.';
      }
      await finish((await store.get(requestId)) ?? request, summary, type);
      return 'completed';
    } catch (error) {
      await store.transition(requestId, ['in_progress'], 'failed', {
        event: 'failed',
        at: clock.now(),
        lastError: (error as Error).name,
        releaseLease: true,
      });
      events.count('RightsFailed', 1, { type });
      throw error;
    }
  };
}

const CORRECTION_NAMES: Record<keyof typeof CORRECTABLE_ATTRIBUTES, string> = {
  name: 'your name',
  email: 'your email address',
  company: 'your company name',
};
