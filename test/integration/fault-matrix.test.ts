// integration: a failure at every step of a deletion job (object prefixes and erasure webhooks included: a lost
// answer, the step the receipt reads, a count of objects) — once, and three times in a row — then the
// job is redelivered until it finishes. Each case must end with one completed request, the right
// counts, nothing left of the person, one Meta revocation and at most one confirmation email.
import { afterEach, describe, expect, it } from '@jest/globals';
import type {
  DeletionRequestStore,
  EmailNotifier,
  ErasureRequester,
  ObjectPurger,
  SuppressionList,
  TablePurger,
} from '../../functions/use-cases/ports.js';
import type { JobStep } from '../../functions/use-cases/process-deletion-job.js';
import { ANA, BEN } from '../../local/seed-data.js';
import { startHarness, type Harness, type Overrides } from '../support/purge-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

type Step =
  | 'acquireLease'
  | 'saveResolution'
  | 'revoke'
  | 'purgePage'
  | 'recordPurgeProgress'
  | 'countRemaining'
  | 'objectPage'
  | 'erasureAnswerLost'
  | 'markErasureStep'
  | 'objectCount'
  | 'notice'
  | 'suppress'
  | 'sendEmail'
  | 'markConfirmationSent'
  | 'complete';

const STEPS: readonly Step[] = [
  'acquireLease',
  'saveResolution',
  'revoke',
  'purgePage',
  'recordPurgeProgress',
  'countRemaining',
  'objectPage',
  'erasureAnswerLost',
  'markErasureStep',
  'objectCount',
  'notice',
  'suppress',
  'sendEmail',
  'markConfirmationSent',
  'complete',
];

/** Wraps every port so that `step` throws `times` times (the first calls of it), then works. */
function failing(step: Step, times: number, calls: { revocations: number }): Overrides {
  let left = times;
  const maybeFail = (name: Step) => {
    if (name === step && left > 0) {
      left -= 1;
      throw Object.assign(new Error(`injected failure at ${name}`), { name: 'InjectedFault' });
    }
  };
  const revoke: JobStep = {
    name: 'revoke',
    run: async () => {
      maybeFail('revoke');
      calls.revocations += 1;
    },
  };
  const notice: JobStep = { name: 'notice', run: async () => maybeFail('notice') };
  return {
    beforePurge: [revoke],
    afterPurge: [notice],
    store: (real: DeletionRequestStore) => ({
      ...real,
      acquireLease: async (...args) => (maybeFail('acquireLease'), real.acquireLease(...args)),
      saveResolution: async (...args) => (maybeFail('saveResolution'), real.saveResolution(...args)),
      recordPurgeProgress: async (...args) => (
        maybeFail('recordPurgeProgress'),
        real.recordPurgeProgress(...args)
      ),
      // The write that names an acknowledged webhook for the receipt (erasure-webhook:<system>).
      markStepDone: async (...args) => (
        args[1].startsWith('erasure-webhook:') && maybeFail('markErasureStep'),
        real.markStepDone(...args)
      ),
      markConfirmationSent: async (...args) => (
        maybeFail('markConfirmationSent'),
        real.markConfirmationSent(...args)
      ),
      transition: async (...args) => {
        if (args[2] === 'completed' || args[2] === 'completed_with_retention') maybeFail('complete');
        return real.transition(...args);
      },
    }),
    purger: (real: TablePurger) => ({
      purgePage: async (...args) => (maybeFail('purgePage'), real.purgePage(...args)),
      countRemaining: async (...args) => (maybeFail('countRemaining'), real.countRemaining(...args)),
    }),
    objects: (real: ObjectPurger) => ({
      purgePage: async (...args) => (maybeFail('objectPage'), real.purgePage(...args)),
      countRemaining: async (...args) => (maybeFail('objectCount'), real.countRemaining(...args)),
    }),
    // The system erased and answered, but the answer was lost: the retry repeats the same request id.
    erasure: (real: ErasureRequester) => ({
      requestErasure: async (...args) => {
        const acknowledgement = await real.requestErasure(...args);
        maybeFail('erasureAnswerLost');
        return acknowledgement;
      },
    }),
    suppressions: (real: SuppressionList) => ({
      ...real,
      suppress: async (...args) => (maybeFail('suppress'), real.suppress(...args)),
    }),
    email: (real: EmailNotifier) => ({
      sendDeletionConfirmation: async (...args) => (
        maybeFail('sendEmail'),
        real.sendDeletionConfirmation(...args)
      ),
    }),
  };
}

const cases = STEPS.flatMap(
  (step) =>
    [
      [step, 1],
      [step, 3],
    ] as const,
);

describe('a failure at every step of a deletion job', () => {
  it.each(cases)(
    'recovers from %s failing %i time(s)',
    async (step, times) => {
      harness = await startHarness([ANA, BEN]);
      const requestId = await harness.file('email', [{ kind: 'email', value: ANA.email }]);
      const calls = { revocations: 0 };
      const run = harness.worker(failing(step, times, calls));

      let attempts = 0;
      for (;;) {
        attempts += 1;
        expect(attempts).toBeLessThan(10);
        try {
          const outcome = await run(requestId);
          if (outcome === 'completed' || outcome === 'already_finished') break;
        } catch (error) {
          expect((error as Error).name).toBe('InjectedFault');
        }
      }

      const done = await harness.store.get(requestId);
      expect(done?.status).toBe('completed_with_retention');
      // 31 table items, 3 media objects, and the 12 records the downstream system reported erasing.
      expect(done?.outcomes.reduce((sum, o) => sum + o.deleted, 0)).toBe(46);
      expect(done?.outcomes.find((o) => o.table === 'AnalyticsProvider')?.deleted).toBe(12);
      const acknowledged = harness.env.standIns.downstream.calls().filter((call) => call.status === 200);
      expect(acknowledged.length).toBeGreaterThanOrEqual(1);
      expect(new Set(acknowledged.map((call) => `${call.requestId}:${call.erased}`))).toEqual(
        new Set([`${requestId}:12`]),
      );
      expect(done?.outcomes.find((o) => o.table === 'MediaCopies')?.deleted).toBe(3);
      // The receipt names the webhook once, whichever step failed.
      const claims = JSON.parse(
        Buffer.from(done?.receipt?.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as { erasure_webhooks_acknowledged: string[] };
      expect(claims.erasure_webhooks_acknowledged).toEqual(['AnalyticsProvider']);
      expect(done?.outcomes.reduce((sum, o) => sum + o.retained, 0)).toBe(3);
      expect(done?.subject).toEqual([]);
      expect(calls.revocations).toBe(1);
      expect((await harness.emailsTo(ANA.email)).length).toBeLessThanOrEqual(1);
      expect((await harness.emailsTo(ANA.email)).length).toBeGreaterThanOrEqual(1);
      const everything = JSON.stringify(await harness.scanAll());
      for (const identifier of [ANA.email, ANA.facebookAsid, ANA.whatsappPhone])
        expect(everything).not.toContain(identifier);
      // The other person's data is all still there.
      for (const identifier of [BEN.email, BEN.facebookAsid, BEN.whatsappPhone, BEN.whatsappBsuid]) {
        expect(everything).toContain(identifier);
      }
    },
    120_000,
  );
});
