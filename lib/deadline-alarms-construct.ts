// infra: alarms on the deadline gauges the DeadlineCheck function emits: a request nearing its due
// date, and a request past it. Kept apart from the wider monitoring of the service.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS } from '../functions/runtime/metric-names.js';

/** The namespace and service dimension of functions/runtime/observability.ts. */
const NAMESPACE = 'DeletionService';
const SERVICE = 'deletion-service';

export class DeadlineAlarmsConstruct extends Construct {
  readonly overdue: cloudwatch.Alarm;
  readonly nearingDue: cloudwatch.Alarm;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const gauge = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });
    this.overdue = new cloudwatch.Alarm(this, 'RequestsOverdue', {
      alarmDescription:
        'A deletion request is past its due date (GDPR Art. 12(3)). See docs/support.md: list overdue, then retry or extend with a reason.',
      metric: gauge(METRICS.RequestsOverdue),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means the check itself stopped: treat it as a problem.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.nearingDue = new cloudwatch.Alarm(this, 'RequestsNearingDue', {
      alarmDescription:
        'A deletion request is within a week of its due date. See docs/support.md: list open requests.',
      metric: gauge(METRICS.RequestsNearingDue),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
