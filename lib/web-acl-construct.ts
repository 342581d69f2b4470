// infra: the stage's own web ACL, for stages that are not demos and name none of their own. Per-IP
// rate-based rules per route group, so one client flooding the form or a callback route is blocked
// on its own instead of using up the stage throttles every client shares (Meta's callbacks among
// them). Sampled requests stay off: they would store URLs with ?code= and ?token=.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface RateLimitGroup {
  /** Rule and metric name. */
  readonly name: string;
  /** Route paths of the group (matched anywhere in the URI: the stage name precedes them). */
  readonly paths: readonly string[];
  /** Requests one IP address may make in five minutes before it is blocked (429). */
  readonly limitPerFiveMinutes: number;
}

/**
 * Above what one legitimate client sends: Meta calls from a small pool of addresses (a burst of
 * deletion callbacks, WhatsApp batches), a person uses the form a few times and opens a status page
 * now and then.
 */
export const RATE_LIMIT_GROUPS: readonly RateLimitGroup[] = [
  {
    name: 'MetaCallbacks',
    paths: ['/meta/data-deletion', '/meta/deauthorize', '/instagram/data-deletion', '/instagram/deauthorize'],
    limitPerFiveMinutes: 3_000,
  },
  { name: 'WhatsAppWebhook', paths: ['/whatsapp/webhook'], limitPerFiveMinutes: 30_000 },
  {
    name: 'SelfService',
    paths: [
      '/delete-my-data',
      '/privacy',
      '/deletion-requests',
      '/privacy-requests',
      '/deletion-requests/verify',
    ],
    limitPerFiveMinutes: 100,
  },
  {
    name: 'StatusPage',
    paths: ['/deletion-status', '/privacy-export', '/.well-known/jwks.json'],
    limitPerFiveMinutes: 300,
  },
];

export interface WebAclConstructProps {
  readonly stage: string;
  /** The API stage the ACL protects. */
  readonly stageArn: string;
  readonly alarmTopic: sns.ITopic;
  /** Alarm when at least this many requests are blocked in five minutes. */
  readonly blockAlarmThreshold: number;
}

export class WebAclConstruct extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly blockedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebAclConstructProps) {
    super(scope, id);
    const name = `deletion-service-${props.stage}`;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    const pathMatch = (path: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'CONTAINS',
        searchString: path,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: RATE_LIMIT_GROUPS.map((group, priority) => ({
        name: `PerIp${group.name}`,
        priority,
        action: { block: { customResponse: { responseCode: 429 } } },
        visibilityConfig: visibility(`PerIp${group.name}`),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
            limit: group.limitPerFiveMinutes,
            scopeDownStatement:
              group.paths.length === 1
                ? pathMatch(group.paths[0]!)
                : { orStatement: { statements: group.paths.map(pathMatch) } },
          },
        },
      })),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.blockedAlarm = new cloudwatch.Alarm(this, 'BlockedAlarm', {
      alarmName: `deletion-service-${props.stage}-waf-blocks`,
      alarmDescription:
        'The web ACL blocked clients over their per-IP rate (a flood, or a legitimate peak above the limits). Runbook: docs/operations.md#waf-blocks',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: name, Region: Stack.of(this).region, Rule: 'ALL' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: props.blockAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.blockedAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    this.blockedAlarm.addOkAction(new actions.SnsAction(props.alarmTopic));
  }
}
