// runtime: logger and metrics, built once per process. Logs carry keyed hashes and request ids,
// never raw identifiers, tokens, signed requests or message bodies.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsNamespace } from './config.js';
import { SERVICE_NAME } from '../declarations/metric-names.js';
import type { EventRecorder } from '../use-cases/ports.js';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({
  serviceName: SERVICE_NAME,
  // Per stage in AWS, so two stages in one account never share alarms.
  namespace: metricsNamespace(process.env),
  // An invocation that had nothing to count (a status lookup, a replayed job) is normal, not a warning.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) =>
      String(args[0]).startsWith('No application metrics')
        ? logger.debug(String(args[0]))
        : logger.warn(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});
export { MetricUnit };

export const powertoolsEvents: EventRecorder = {
  count(metric, value = 1, dimensions) {
    if (dimensions && Object.keys(dimensions).length > 0) {
      const single = metrics.singleMetric();
      for (const [name, dimensionValue] of Object.entries(dimensions))
        single.addDimension(name, dimensionValue);
      single.addMetric(metric, MetricUnit.Count, value);
    } else {
      metrics.addMetric(metric, MetricUnit.Count, value);
    }
  },
};
