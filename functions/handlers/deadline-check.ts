// handler: scheduled. Flags open requests nearing or past their due date and emits the gauges the
// deadline alarms watch.
import type { Context } from 'aws-lambda';
import { makeCheckDeadlines } from '../use-cases/check-deadlines.js';
import { systemClock } from '../use-cases/ports.js';
import { deadlineNearingDays } from '../runtime/config.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const env = process.env;
const checkDeadlines = makeCheckDeadlines({
  store: deletionRequestStore(env),
  clock: systemClock,
  events: powertoolsEvents,
  nearingDays: deadlineNearingDays(env),
});

export async function handler(_event: unknown, context: Context) {
  logger.addContext(context);
  try {
    const report = await checkDeadlines();
    if (report.overdue > 0) logger.warn('Deletion requests past their due date', { ...report });
    else if (report.newlyFlagged > 0) logger.info('Deletion requests nearing their due date', { ...report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
}
