// infra: what ops watch. The alarms (each explained in docs/operations.md), the one SNS topic they notify, and a
// CloudWatch dashboard, built from the metric catalogue (functions/declarations/metric-names.ts) and the declarations.
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionKey } from '../functions/declarations/functions.js';
import { METRICS, SERVICE_NAME, type MetricName } from '../functions/declarations/metric-names.js';
import type { ApiConstruct } from './api-construct.js';
import type { FunctionsConstruct } from './functions-construct.js';
import type { PipelineConstruct } from './pipeline-construct.js';

export interface MonitoringConstructProps {
  readonly stage: string;
  /** The CloudWatch namespace the functions publish to (POWERTOOLS_METRICS_NAMESPACE). */
  readonly metricsNamespace: string;
  readonly api: ApiConstruct;
  readonly functions: FunctionsConstruct;
  readonly pipeline: PipelineConstruct;
  readonly alarmEmail?: string;
  readonly oldestJobAlarmMinutes: number;
  readonly signatureRejectionAlarmThreshold: number;
  readonly api5xxAlarmThreshold: number;
}

/** Alarm ids; the alarm names are `deletion-service-<stage>-<id>`. docs/operations.md has one section per id. */
export const ALARM_IDS = [
  'dead-letter-queue-not-empty',
  'oldest-job-too-old',
  'api-5xx',
  'signature-rejections-spike',
  'fallback-secret-used',
  'requests-overdue',
  'requests-nearing-due',
  'erasure-webhook-failed',
] as const;

const PERIOD = Duration.minutes(5);

export class MonitoringConstruct extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, by id (function error alarms are `<function id>-errors`). */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  private readonly props: MonitoringConstructProps;

  constructor(scope: Construct, id: string, props: MonitoringConstructProps) {
    super(scope, id);
    this.props = props;
    const { pipeline, api, functions } = props;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Deletion service (${props.stage}) alarms`,
      enforceSSL: true,
    });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only, never personal data. CloudWatch cannot ' +
        'publish to a topic encrypted with the AWS managed SNS key, and a customer-managed key opened to ' +
        'cloudwatch.amazonaws.com would protect no personal data. The topic policy denies non-TLS access (SNS3).',
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    this.addAlarm('dead-letter-queue-not-empty', {
      description:
        'A deletion job failed every retry and waits in the dead-letter queue: a person is owed a deletion.',
      metric: pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      threshold: 1,
    });
    this.addAlarm('oldest-job-too-old', {
      description: `A deletion job has waited more than ${props.oldestJobAlarmMinutes} minutes in the queue.`,
      metric: pipeline.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: props.oldestJobAlarmMinutes * 60,
    });
    // A function's error alarm exists only where the function does (a left-out channel has neither).
    for (const key of backgroundFunctions().filter((candidate) => functions.keys.includes(candidate))) {
      const fn = functions.function(key);
      this.addAlarm(`${kebab(FUNCTIONS[key].id)}-errors`, {
        description: `The ${FUNCTIONS[key].id} function failed: ${FUNCTIONS[key].description}`,
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
      });
    }
    this.addAlarm('api-5xx', {
      description: 'The API answered 5xx (our fault: every bad input gets a 4xx).',
      metric: api.restApi.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      threshold: props.api5xxAlarmThreshold,
    });
    this.addAlarm('signature-rejections-spike', {
      description:
        'Many requests failed signature checks: a wrong or rotated app secret, or someone probing the callbacks.',
      metric: this.serviceMetric(METRICS.SignatureRejected, 'Sum'),
      threshold: props.signatureRejectionAlarmThreshold,
    });
    this.addAlarm('fallback-secret-used', {
      description:
        'A signature matched the previous app secret: finish the rotation (docs/operations.md, rotating secrets).',
      metric: this.serviceMetric(METRICS.FallbackSecretMatched, 'Sum'),
      threshold: 1,
    });
    // The deadline check runs hourly: its gauges are read per hour, so a quiet hour is no "missing data".
    this.addAlarm('requests-overdue', {
      description: 'At least one deletion request is open past its due date.',
      metric: this.serviceMetric(METRICS.RequestsOverdue, 'Maximum').with({ period: Duration.hours(1) }),
      threshold: 1,
    });
    this.addAlarm('requests-nearing-due', {
      description: 'At least one deletion request is within a week of its due date.',
      metric: this.serviceMetric(METRICS.RequestsNearingDue, 'Maximum').with({ period: Duration.hours(1) }),
      threshold: 1,
    });

    this.addAlarm('erasure-webhook-failed', {
      description:
        'Another system of the data map did not acknowledge an erasure request after its retries: the deletion ' +
        'failed visibly and waits for that system.',
      metric: this.serviceMetric(METRICS.ErasureWebhookFailed, 'Sum'),
      threshold: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `deletion-service-${props.stage}`,
      defaultInterval: Duration.days(1),
    });
    this.buildDashboard();
  }

  /** A service metric as the functions publish it: namespace, no extra dimension but `service`. */
  serviceMetric(name: MetricName, statistic: 'Sum' | 'Maximum' | 'Average' | 'p90'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName: name,
      dimensionsMap: { service: SERVICE_NAME },
      statistic,
      period: PERIOD,
    });
  }

  /** One line per value of `dimension` (channel, route, class), whatever values the functions emit. */
  private byDimension(name: MetricName, dimensions: readonly string[], label: string): cloudwatch.IMetric {
    const schema = [this.props.metricsNamespace, ...dimensions, 'service'].map(quote).join(',');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${schema}} MetricName="${name}"', 'Sum', 300)`,
      usingMetrics: {},
      label,
      period: PERIOD,
    });
  }

  private addAlarm(
    id: string,
    options: { description: string; metric: cloudwatch.IMetric; threshold: number },
  ): void {
    const alarm = new cloudwatch.Alarm(this, `Alarm-${id}`, {
      alarmName: `deletion-service-${this.props.stage}-${id}`,
      alarmDescription: `${options.description} Runbook: docs/operations.md#${id}`,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No data means nothing happened (no rejections, no errors, an empty queue).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.set(id, alarm);
  }

  private buildDashboard(): void {
    const { pipeline, api, functions } = this.props;
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const fnKeys = functions.keys;

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.alarms.values()],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      graph('Requests by channel', [this.byDimension(METRICS.DeletionRequested, ['channel'], 'requested')]),
      graph('Deletions completed / failed', [
        this.serviceMetric(METRICS.DeletionCompleted, 'Sum').with({ label: 'completed' }),
        this.serviceMetric(METRICS.DeletionFailed, 'Sum').with({ label: 'failed' }),
      ]),
      graph('Requests overdue (open past the deadline)', [
        this.serviceMetric(METRICS.RequestsOverdue, 'Maximum').with({ label: 'overdue' }),
        this.serviceMetric(METRICS.RequestsNearingDue, 'Maximum').with({ label: 'nearing due' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Items purged', [this.serviceMetric(METRICS.ItemsPurged, 'Sum').with({ label: 'items' })]),
      graph('Purge duration per invocation (ms)', [
        this.serviceMetric(METRICS.PurgeDurationMs, 'Average').with({ label: 'average' }),
        this.serviceMetric(METRICS.PurgeDurationMs, 'Maximum').with({ label: 'maximum' }),
      ]),
      graph('Receipt to completion (ms)', [
        this.serviceMetric(METRICS.DeletionLatencyMs, 'Average').with({ label: 'average' }),
        this.serviceMetric(METRICS.DeletionLatencyMs, 'Maximum').with({ label: 'maximum' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Signature failures by route and reason', [
        this.byDimension(METRICS.SignatureRejected, ['reason', 'route'], 'rejected'),
      ]),
      graph('Fallback (previous) secret matches', [
        this.serviceMetric(METRICS.FallbackSecretMatched, 'Sum').with({ label: 'fallback matches' }),
      ]),
      graph('Confirmations sent by channel', [
        this.byDimension(METRICS.ConfirmationSent, ['channel'], 'sent'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Erasure webhooks by system: acknowledged / failed',
        [
          this.byDimension(METRICS.ErasureAcknowledged, ['system'], 'acknowledged'),
          this.byDimension(METRICS.ErasureWebhookFailed, ['system'], 'failed'),
        ],
        24,
      ),
    );
    this.dashboard.addWidgets(
      graph('Graph API errors by class', [this.byDimension(METRICS.GraphApiError, ['class'], 'errors')]),
      graph('Deletion jobs queue', [
        pipeline.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: 'waiting' }),
        pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          label: 'dead-lettered',
        }),
      ]),
      graph('Oldest job age (s)', [
        pipeline.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [
        api.restApi.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' }),
        api.restApi.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
        api.restApi.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        api.restApi.metricLatency({ period: PERIOD, statistic: 'p90', label: 'p90' }),
        api.restApi.metricLatency({ period: PERIOD, statistic: 'Maximum', label: 'maximum' }),
      ]),
      graph(
        'Function errors and throttles',
        fnKeys.flatMap((key) => [
          functions.function(key).metricErrors({ period: PERIOD, label: `${FUNCTIONS[key].id} errors` }),
          functions
            .function(key)
            .metricThrottles({ period: PERIOD, label: `${FUNCTIONS[key].id} throttles` }),
        ]),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function duration p90 (ms)',
        fnKeys.map((key) =>
          functions.function(key).metricDuration({
            period: PERIOD,
            statistic: 'p90',
            label: FUNCTIONS[key].id,
          }),
        ),
        24,
      ),
    );
  }
}

/** Functions no caller waits on (queue consumers and schedules): their failures reach nobody but ops. */
export function backgroundFunctions(): FunctionKey[] {
  return (Object.keys(FUNCTIONS) as FunctionKey[]).filter((key) => FUNCTIONS[key].trigger !== 'api');
}

function kebab(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function quote(value: string): string {
  return /^[A-Za-z0-9_]+$/.test(value) ? value : `"${value}"`;
}
