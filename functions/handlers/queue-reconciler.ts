// handler: scheduled. Enqueues requests that were persisted but never reached the queue, and reports how many
// open requests are past (or near) their deadline.
import type { Context } from 'aws-lambda';
import { DELETION_PIPELINE } from '../declarations/pipeline.js';
import { makeCheckDeadlines } from '../use-cases/check-deadlines.js';
import { makeReconcileUnqueued } from '../use-cases/reconcile-unqueued.js';
import { systemClock } from '../use-cases/ports.js';
import { deletionDeadlineDays, reconcileGraceSeconds } from '../runtime/config.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { deletionJobQueue, deletionRequestStore } from '../runtime/wiring.js';

const env = process.env;
const store = deletionRequestStore(env);
const reconcileUnqueued = makeReconcileUnqueued({
  store,
  queue: deletionJobQueue(env),
  clock: systemClock,
  graceSeconds: reconcileGraceSeconds(env, DELETION_PIPELINE.reconcileGraceSeconds),
});
const checkDeadlines = makeCheckDeadlines({
  store,
  clock: systemClock,
  deadlineDays: deletionDeadlineDays(env),
});

export async function handler(_event: unknown, context: Context) {
  logger.addContext(context);
  try {
    const result = await reconcileUnqueued();
    if (result.enqueued > 0) {
      powertoolsEvents.count('RequestsReconciled', result.enqueued);
      logger.warn('Enqueued requests that had missed the queue', result);
    }
    const deadlines = await checkDeadlines();
    // Gauges, reported every run (zero included) so the overdue alarm always has data.
    powertoolsEvents.count('RequestsOverdue', deadlines.overdue);
    powertoolsEvents.count('RequestsNearingDue', deadlines.nearingDue);
    if (deadlines.overdue > 0) logger.error('Deletion requests past their deadline', { ...deadlines });
    return { ...result, ...deadlines };
  } finally {
    metrics.publishStoredMetrics();
  }
}
