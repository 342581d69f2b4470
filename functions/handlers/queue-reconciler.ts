// handler: scheduled. Enqueues requests that were persisted but never reached the queue.
import type { Context } from 'aws-lambda';
import { DELETION_PIPELINE } from '../declarations/pipeline.js';
import { makeReconcileUnqueued } from '../use-cases/reconcile-unqueued.js';
import { systemClock } from '../use-cases/ports.js';
import { reconcileGraceSeconds } from '../runtime/config.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { deletionJobQueue, deletionRequestStore } from '../runtime/wiring.js';

const env = process.env;
const reconcileUnqueued = makeReconcileUnqueued({
  store: deletionRequestStore(env),
  queue: deletionJobQueue(env),
  clock: systemClock,
  graceSeconds: reconcileGraceSeconds(env, DELETION_PIPELINE.reconcileGraceSeconds),
});

export async function handler(_event: unknown, context: Context) {
  logger.addContext(context);
  try {
    const result = await reconcileUnqueued();
    if (result.enqueued > 0) {
      powertoolsEvents.count('RequestsReconciled', result.enqueued);
      logger.warn('Enqueued requests that had missed the queue', result);
    }
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}
