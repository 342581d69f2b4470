// infra tests: production readiness. The typed configuration, alarms and their topic, the dashboard, log retention,
// runtime settings, the optional WAF, outputs, and two stages side by side.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTIONS, ROUTES, type FunctionKey } from '../../functions/declarations/functions.js';
import { METRICS, SERVICE_NAME } from '../../functions/declarations/metric-names.js';
import { SECRET_MAX_AGE_SECONDS } from '../../functions/runtime/secrets.js';
import { DeploymentConfigError, loadDeploymentConfig, parseDeploymentConfig } from '../../lib/config.js';
import {
  DeletionServiceStack,
  routeOutputId,
  secretOutputId,
  type DeletionServiceStackProps,
} from '../../lib/deletion-service-stack.js';
import { RUNTIME_SETTING_ENV } from '../../lib/functions-construct.js';
import { KEY_ADMIN_ACTIONS } from '../../lib/key-policy.js';
import { ALARM_IDS, backgroundFunctions } from '../../lib/monitoring-construct.js';
import {
  actionsOf,
  logicalIdOf,
  mentions,
  resource,
  resourcesOfType,
  roleStatements,
  type Resource,
  type Statement,
  namedDataStores,
  CDK_JSON_CONTEXT,
} from './template-queries.js';

function newStack(props: Partial<DeletionServiceStackProps> = {}): DeletionServiceStack {
  return new DeletionServiceStack(new App({ context: CDK_JSON_CONTEXT }), 'DeletionService-test', {
    stage: 'test',
    demoDataStores: true,
    ...props,
  });
}

function buildStack(props: Partial<DeletionServiceStackProps> = {}) {
  const built = newStack(props);
  return { stack: built, template: Template.fromStack(built) };
}

const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/deletion/0a1b2c3d';

let stack: DeletionServiceStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = buildStack());
});

const functionKeys = Object.keys(FUNCTIONS) as FunctionKey[];
const alarms = (t: Template) => Object.values(resourcesOfType(t, 'AWS::CloudWatch::Alarm'));
const alarmNamed = (t: Template, id: string): Resource => {
  const found = alarms(t).find((alarm) => alarm.Properties?.AlarmName === `deletion-service-test-${id}`);
  if (!found) throw new Error(`No alarm ${id}`);
  return found;
};
const environmentOf = (t: Template, s: DeletionServiceStack, key: FunctionKey) =>
  (
    resource(t, logicalIdOf(s.functions.function(key))).Properties?.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('deployment configuration', () => {
  it('fills in documented defaults', () => {
    expect(parseDeploymentConfig({})).toMatchObject({
      stage: 'dev',
      graphApiVersion: 'v27.0',
      statusRetentionDays: 400,
      deadlineNearingDays: 7,
      logRetentionDays: 30,
      oldestJobAlarmMinutes: 60,
    });
  });

  it('coerces context strings and trims the trailing slash of the public base URL', () => {
    expect(
      parseDeploymentConfig({ stage: 'prod', alarmEmail: 'ops@example.com', deadlineNearingDays: '14' }),
    ).toMatchObject({ stage: 'prod', deadlineNearingDays: 14 });
    expect(parseDeploymentConfig({ publicBaseUrl: 'https://privacy.example.com/' }).publicBaseUrl).toBe(
      'https://privacy.example.com',
    );
  });

  it('names every invalid field in one error', () => {
    const attempt = () =>
      parseDeploymentConfig({
        stage: 'prod',
        publicBaseUrl: 'http://privacy.example.com',
        logRetentionDays: 31,
        graphApiVersion: '27',
        wafWebAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:global/webacl/x/y',
        sesConfigurationSet: 'has spaces',
        alarmsEmail: 'typo@example.com',
      });
    expect(attempt).toThrow(DeploymentConfigError);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of [
      'publicBaseUrl',
      'logRetentionDays',
      'graphApiVersion',
      'wafWebAclArn',
      'sesConfigurationSet',
      'alarmsEmail: unknown setting',
      'alarmEmail: is required for the prod stage',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('reads config/<stage>.json and lets context override it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deletion-config-'));
    writeFileSync(
      path.join(dir, 'prod.json'),
      JSON.stringify({ alarmEmail: 'ops@example.com', deadlineNearingDays: 3, graphApiVersion: 'v26.0' }),
    );
    const context: Record<string, unknown> = { stage: 'prod', graphApiVersion: 'v27.0', unrelated: 'x' };
    const config = loadDeploymentConfig((key) => context[key], dir);
    expect(config).toMatchObject({
      stage: 'prod',
      alarmEmail: 'ops@example.com',
      deadlineNearingDays: 3,
      graphApiVersion: 'v27.0',
    });
  });

  it.each(['dev', 'prod'])('accepts config/%s.json (given the values it leaves to context)', (stage) => {
    const context: Record<string, unknown> = { stage, alarmEmail: 'ops@example.com' };
    expect(loadDeploymentConfig((key) => context[key]).stage).toBe(stage);
  });

  it('fails the synth of a stack given an invalid configuration', () => {
    expect(() => newStack({ stage: 'bad stage!' })).toThrow(/stage/);
    expect(() => newStack({ alarmEmail: 'not an address' })).toThrow(/alarmEmail/);
  });
});

describe('runtime settings', () => {
  it.each(functionKeys)('%s gets the configured settings and its stage metric namespace', (key) => {
    const custom = buildStack({
      graphApiVersion: 'v26.0',
      statusRetentionDays: 200,
      deadlineNearingDays: 14,
    });
    const environment = environmentOf(custom.template, custom.stack, key);
    expect(environment).toMatchObject({
      [RUNTIME_SETTING_ENV.metricsNamespace]: 'DeletionService/test',
      [RUNTIME_SETTING_ENV.graphApiVersion]: 'v26.0',
      [RUNTIME_SETTING_ENV.statusRetentionDays]: '200',
      [RUNTIME_SETTING_ENV.deadlineNearingDays]: '14',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    });
  });

  it('sends email with the configured SES configuration set, and may use only that one', () => {
    const withSet = buildStack({ sesConfigurationSet: 'deletion-confirmations' });
    for (const key of functionKeys) {
      const environment = environmentOf(withSet.template, withSet.stack, key);
      expect([key, environment.SES_CONFIGURATION_SET]).toEqual([
        key,
        FUNCTIONS[key].sendsEmail ? 'deletion-confirmations' : undefined,
      ]);
      const sesResources = roleStatements(
        withSet.template,
        logicalIdOf(withSet.stack.functions.function(key).role!),
      )
        .filter((statement) => actionsOf(statement).includes('ses:SendEmail'))
        .map((statement) => JSON.stringify(statement.Resource));
      if (FUNCTIONS[key].sendsEmail)
        expect(sesResources.join()).toContain(':configuration-set/deletion-confirmations');
    }
    expect(environmentOf(template, stack, 'deletionWorker').SES_CONFIGURATION_SET).toBeUndefined();
  });

  it('caches secrets for a bounded time so a rotation reaches warm functions', () => {
    expect(SECRET_MAX_AGE_SECONDS).toBeGreaterThan(0);
    expect(SECRET_MAX_AGE_SECONDS).toBeLessThanOrEqual(300);
  });
});

describe('logs', () => {
  it('sets the configured retention on every log group', () => {
    const groups = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup'));
    // One per function and the API access logs.
    expect(groups).toHaveLength(functionKeys.length + 1);
    for (const group of groups) expect(group.Properties?.RetentionInDays).toBe(30);
    const custom = buildStack({ logRetentionDays: 90 });
    for (const group of Object.values(resourcesOfType(custom.template, 'AWS::Logs::LogGroup')))
      expect(group.Properties?.RetentionInDays).toBe(90);
  });

  it('creates no log group implicitly (custom resources with their own unbounded groups)', () => {
    expect(Object.keys(resourcesOfType(template, 'Custom::LogRetention'))).toHaveLength(0);
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'))).toHaveLength(functionKeys.length);
  });
});

describe('secrets', () => {
  it('creates one KMS-encrypted secret per secret name and outputs its name', () => {
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(stack.secrets.names.length);
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    for (const name of stack.secrets.names) {
      const secretId = logicalIdOf(stack.secrets.secret(name));
      expect(secrets[secretId]?.Properties?.KmsKeyId).toEqual({
        'Fn::GetAtt': [logicalIdOf(stack.secrets.secretsKey), 'Arn'],
      });
      expect(mentions(outputs[secretOutputId(name)]?.Value, secretId)).toBe(true);
    }
  });
});

describe('key policies', () => {
  it.each([
    ['tables', 'dynamodb', () => stack.data.tableKey],
    ['queues', 'sqs', () => stack.pipeline.queueKey],
    ['secrets', 'secretsmanager', () => stack.secrets.secretsKey],
  ] as const)(
    'the %s key lets the account administer it, and use it only through %s',
    (_name, service, key) => {
      const properties = resource(template, logicalIdOf(key())).Properties ?? {};
      expect(properties.EnableKeyRotation).toBe(true);
      const statements = (properties.KeyPolicy as { Statement: Statement[] }).Statement;
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        expect(actionsOf(statement)).not.toContain('kms:*');
        const uses = actionsOf(statement).filter((action) => !KEY_ADMIN_ACTIONS.includes(action));
        if (uses.length === 0) continue;
        // Use (including CDK's own kms:GenerateDataKey* / kms:ReEncrypt* grants) only through the service.
        expect(JSON.stringify(statement.Condition)).toContain(`"kms:ViaService"`);
        expect(JSON.stringify(statement.Condition)).toContain(`"${service}."`);
      }
      const decrypts = statements.filter((statement) => actionsOf(statement).includes('kms:Decrypt'));
      expect(decrypts.length).toBeGreaterThan(0);
    },
  );
});

describe('WAF', () => {
  it('gives a stage without a configured web ACL its own, and a demo stage none', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::WAFv2::WebACL'))).toHaveLength(1);
    expect(Object.keys(resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation'))).toHaveLength(1);
    const demo = Template.fromStack(newStack({ demo: true }));
    expect(Object.keys(resourcesOfType(demo, 'AWS::WAFv2::WebACLAssociation'))).toHaveLength(0);
  });

  it('associates the configured web ACL with the API stage, and cdk-nag then needs no WAF acknowledgement', () => {
    const custom = newStack({ wafWebAclArn: WEB_ACL_ARN });
    const customTemplate = Template.fromStack(custom);
    customTemplate.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const [association] = Object.values(resourcesOfType(customTemplate, 'AWS::WAFv2::WebACLAssociation'));
    expect(association?.Properties?.WebACLArn).toBe(WEB_ACL_ARN);
    const resourceArn = JSON.stringify(association?.Properties?.ResourceArn);
    expect(resourceArn).toContain(logicalIdOf(custom.api.restApi));
    expect(resourceArn).toContain('/stages/');
    const report = new AwsSolutionsChecks().validateScope(custom);
    expect(report.violations).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('AwsSolutions-APIG3');
  });
});

describe('alarms', () => {
  const topicId = () => logicalIdOf(stack.monitoring.alarmTopic);

  it('has every documented alarm plus an error alarm per queue or schedule function, each notifying the topic', () => {
    const expected = [
      ...ALARM_IDS,
      'waf-blocks',
      ...backgroundFunctions().map(
        (key) => `${FUNCTIONS[key].id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}-errors`,
      ),
    ];
    expect(backgroundFunctions()).toContain('deletionWorker');
    expect(
      alarms(template)
        .map((alarm) => alarm.Properties?.AlarmName)
        .sort(),
    ).toEqual(expected.map((id) => `deletion-service-test-${id}`).sort());
    for (const alarm of alarms(template)) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties?.OKActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties?.TreatMissingData).toBe('notBreaching');
      expect(String(alarm.Properties?.AlarmDescription)).toMatch(/Runbook: docs\/operations\.md#/);
    }
  });

  it('has a runbook section for every alarm, which its description links', () => {
    const runbook = readFileSync(path.join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const anchors = new Set([
      ...[...runbook.matchAll(/^#+ (.+)$/gm)].map((heading) =>
        heading[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replaceAll(' ', '-'),
      ),
      ...[...runbook.matchAll(/<a id="([^"]+)"><\/a>/g)].map((anchor) => anchor[1]!),
    ]);
    for (const alarm of alarms(template)) {
      const anchor = /docs\/operations\.md#([a-z0-9-]+)/.exec(
        String(alarm.Properties?.AlarmDescription),
      )?.[1];
      expect([alarm.Properties?.AlarmName, anchors.has(anchor ?? '')]).toEqual([
        alarm.Properties?.AlarmName,
        true,
      ]);
    }
  });

  it('watches the dead-letter queue for any message and the queue for old jobs', () => {
    expect(alarmNamed(template, 'dead-letter-queue-not-empty').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarmNamed(template, 'oldest-job-too-old').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.queue), 'QueueName'] } },
      ],
      Threshold: 3600,
    });
    const custom = buildStack({ oldestJobAlarmMinutes: 15 });
    expect(alarmNamed(custom.template, 'oldest-job-too-old').Properties?.Threshold).toBe(900);
  });

  it('watches the worker for Lambda errors and the API for 5xx answers', () => {
    expect(alarmNamed(template, 'deletion-worker-errors').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalIdOf(stack.functions.byKey.deletionWorker) } },
      ],
      Threshold: 1,
    });
    expect(alarmNamed(template, 'api-5xx').Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'ApiName', Value: 'deletion-service-test' }],
    });
  });

  it.each([
    ['signature-rejections-spike', METRICS.SignatureRejected, 20],
    ['fallback-secret-used', METRICS.FallbackSecretMatched, 1],
    ['requests-overdue', METRICS.RequestsOverdue, 1],
    ['requests-nearing-due', METRICS.RequestsNearingDue, 1],
    ['erasure-webhook-failed', METRICS.ErasureWebhookFailed, 1],
  ] as const)(
    '%s watches %s from the catalogue, in the stage namespace, with only the service dimension',
    (id, metricName, threshold) => {
      expect(alarmNamed(template, id).Properties).toMatchObject({
        Namespace: 'DeletionService/test',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        Threshold: threshold,
      });
    },
  );

  it('takes the signature spike and 5xx thresholds from the configuration', () => {
    const custom = buildStack({ signatureRejectionAlarmThreshold: 50, api5xxAlarmThreshold: 3 });
    expect(alarmNamed(custom.template, 'signature-rejections-spike').Properties?.Threshold).toBe(50);
    expect(alarmNamed(custom.template, 'api-5xx').Properties?.Threshold).toBe(3);
  });

  it('notifies one TLS-only topic, with an email subscription only when an alarm email is configured', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const custom = buildStack({ alarmEmail: 'ops@example.com' });
    custom.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalIdOf(custom.stack.monitoring.alarmTopic) },
    });
  });
});

describe('dashboard', () => {
  it('shows every alarm and every metric ops watch', () => {
    const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties?.DashboardName).toBe('deletion-service-test');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const metric of [
      METRICS.DeletionRequested,
      METRICS.SignatureRejected,
      METRICS.FallbackSecretMatched,
      METRICS.DeletionCompleted,
      METRICS.DeletionFailed,
      METRICS.ItemsPurged,
      METRICS.PurgeDurationMs,
      METRICS.ConfirmationSent,
      METRICS.GraphApiError,
      METRICS.RequestsOverdue,
      METRICS.ErasureAcknowledged,
      METRICS.ErasureWebhookFailed,
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      '5XXError',
    ]) {
      expect([metric, body.includes(metric)]).toEqual([metric, true]);
    }
    // Per-channel, per-route and per-class lines come from search expressions, so new channels need no change.
    expect(body).toContain('SEARCH(');
    expect(body).toContain('channel');
    expect(body).toContain('route');
    expect(body).toContain('class');
    for (const alarm of stack.monitoring.alarms.values()) expect(body).toContain(logicalIdOf(alarm));
  });
});

describe('outputs', () => {
  it('gives one URL per declared route path, the API base URL, the dead-letter queue and the alarm topic', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    for (const route of ROUTES) {
      const value = JSON.stringify(outputs[routeOutputId(route.path)]?.Value);
      expect(value).toContain(`${route.path}"`);
      expect(value).toContain(logicalIdOf(stack.api.restApi));
    }
    expect(routeOutputId('/whatsapp/webhook')).toBe('WhatsAppWebhookUrl');
    expect(routeOutputId('/deletion-requests')).toBe('DeletionRequestsUrl');
    expect(secretOutputId('whatsappVerifyToken')).toBe('WhatsappVerifyTokenSecretName');
    expect(outputs.ApiBaseUrl).toBeDefined();
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({ Ref: logicalIdOf(stack.pipeline.deadLetterQueue) });
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: logicalIdOf(stack.monitoring.alarmTopic) });
    expect(outputs.DeletionJobsQueueUrl?.Value).toEqual({ Ref: logicalIdOf(stack.pipeline.queue) });
    expect(outputs.DeletionRequestsTableName?.Value).toEqual({
      Ref: logicalIdOf(stack.data.table({ id: 'DeletionRequests' })),
    });
  });
});

/** Properties that give a resource a physical name, unique per account and region. */
const PHYSICAL_NAMES = new Set([
  'AlarmName',
  'DashboardName',
  'Name',
  'TopicName',
  'QueueName',
  'TableName',
  'FunctionName',
  'LogGroupName',
  'RoleName',
  'RuleName',
]);

describe('two stages', () => {
  it('deploy side by side in one account without a clash of names', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const stacks = ['dev', 'prod'].map((stage) => {
      const props: DeletionServiceStackProps = {
        stage,
        alarmEmail: 'ops@example.com',
        demoDataStores: true,
      };
      return new DeletionServiceStack(app, `DeletionService-${stage}`, props);
    });
    const namesOf = (s: DeletionServiceStack) => {
      const names: string[] = [];
      const json = Template.fromStack(s).toJSON() as { Resources: Record<string, Resource> };
      for (const found of Object.values(json.Resources)) {
        for (const [property, value] of Object.entries(found.Properties ?? {})) {
          if (PHYSICAL_NAMES.has(property) && typeof value === 'string')
            names.push(`${found.Type}.${property}=${value}`);
        }
      }
      return names;
    };
    const [dev, prod] = stacks.map(namesOf);
    expect(dev!.length).toBeGreaterThan(0);
    expect(dev!.filter((name) => prod!.includes(name))).toEqual([]);
  });
});

describe("the runbook's alarm table", () => {
  interface Row {
    readonly ids: string[];
    readonly statistic: string;
    readonly periodSeconds: number;
    /** The threshold in the template per stage, and the setting it comes from (if any). */
    readonly threshold: (stage: string) => number;
    readonly setting?: { key: string; perStage: Record<string, number> };
  }

  function documentedAlarms(): Row[] {
    const runbook = readFileSync(path.join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const section = runbook.slice(
      runbook.indexOf('## Alarms'),
      runbook.indexOf('### dead-letter-queue-not-empty'),
    );
    return section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => {
        const [names = '', metric = '', period = '', threshold = ''] = line
          .split('|')
          .slice(1)
          .map((c) => c.trim());
        const ids = [...names.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
        const statistic = /\((Maximum|Sum|Average)\)/.exec(metric)?.[1] ?? `unparsed: ${metric}`;
        const periodSeconds = { '5 minutes': 300, '1 hour': 3600 }[period] ?? Number.NaN;
        const keyed = /^`(\w+)`( minutes)? \(prod (\d+), dev (\d+)\)$/.exec(threshold);
        if (!keyed) {
          const fixed = Number(threshold);
          return { ids, statistic, periodSeconds, threshold: () => fixed };
        }
        const perStage: Record<string, number> = { prod: Number(keyed[3]), dev: Number(keyed[4]) };
        const unit = keyed[2] ? 60 : 1;
        return {
          ids,
          statistic,
          periodSeconds,
          threshold: (stage: string) => perStage[stage]! * unit,
          setting: { key: keyed[1]!, perStage },
        };
      });
  }

  it.each(['prod', 'dev'])(
    'gives every alarm of the %s stage with its period, statistic and threshold',
    (stage) => {
      const loaded = loadDeploymentConfig(
        (key) => ({ stage, alarmEmail: 'ops@example.com' })[key as 'stage' | 'alarmEmail'],
      );
      // prod as an adopter deploys it: every store of the data map named.
      const config = loaded.demoDataStores ? loaded : { ...loaded, dataStores: namedDataStores() };
      const synthesized = Template.fromStack(
        new DeletionServiceStack(new App({ context: CDK_JSON_CONTEXT }), `DeletionService-${stage}`, config),
      );
      const rows = documentedAlarms();
      const prefix = `deletion-service-${stage}-`;
      const inTemplate = new Map(
        alarms(synthesized).map((alarm) => [String(alarm.Properties?.AlarmName).slice(prefix.length), alarm]),
      );
      expect(rows.flatMap((row) => row.ids).sort()).toEqual([...inTemplate.keys()].sort());
      for (const row of rows) {
        if (row.setting)
          expect([row.setting.key, config[row.setting.key as keyof typeof config]]).toEqual([
            row.setting.key,
            row.setting.perStage[stage],
          ]);
        for (const id of row.ids) {
          const properties = inTemplate.get(id)?.Properties;
          expect([
            id,
            properties?.Period,
            properties?.Statistic,
            properties?.Threshold,
            properties?.EvaluationPeriods,
          ]).toEqual([id, row.periodSeconds, row.statistic, row.threshold(stage), 1]);
        }
      }
    },
  );
});

describe("docs/configuration.md's deploy example", () => {
  const doc = readFileSync(path.join(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const commandOf = (text: string, verb: string) =>
    (/```sh\n([\s\S]*?)```/g.exec(text.slice(text.indexOf(`npx cdk ${verb} `) - 200)) ?? [])[1]
      ?.split(/\n(?=npx )/)
      .find((line) => line.startsWith(`npx cdk ${verb} `))
      ?.replace(/\\\n\s*/g, ' ') ?? '';
  const contextOf = (command: string) =>
    Object.fromEntries([...command.matchAll(/-c (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const parametersOf = (command: string) => [...command.matchAll(/--parameters (\w+)=/g)].map((m) => m[1]!);

  it('synthesizes with exactly its -c options, and the deploy gives every parameter without a default', () => {
    const synth = commandOf(doc, 'synth');
    const deploy = commandOf(doc, 'deploy');
    expect(synth).toMatch(/^npx cdk synth /);
    expect(contextOf(deploy)).toEqual(contextOf(synth));
    const context = contextOf(synth);
    // With config/prod.json filled in as docs/data-stores.md says (the committed one names no store yet).
    const config = {
      ...loadDeploymentConfig((key) => context[key], undefined, Object.keys(context)),
      dataStores: namedDataStores(),
    };
    const synthesized = Template.fromStack(
      new DeletionServiceStack(
        new App({ context: CDK_JSON_CONTEXT }),
        `DeletionService-${config.stage}`,
        config,
      ),
    ).toJSON() as { Parameters: Record<string, { Default?: unknown }> };
    const required = Object.entries(synthesized.Parameters)
      .filter(([, parameter]) => parameter.Default === undefined)
      .map(([name]) => name)
      .sort();
    expect(required).toEqual(['EmailFromAddress', 'InstagramAppId', 'MetaAppId']);
    expect(parametersOf(deploy).sort()).toEqual(required);
    expect(deploy).toContain('--outputs-file cdk-outputs.json');
    // The README's deploy step passes the same parameters.
    expect(parametersOf(commandOf(readme, 'deploy')).sort()).toEqual(required);
  });
});

describe('URL outputs', () => {
  it('are one set, named as the README names them: no two outputs publish the same URL', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    const byValue = new Map<string, string[]>();
    for (const [id, output] of Object.entries(outputs)) {
      const value = JSON.stringify(output.Value);
      byValue.set(value, [...(byValue.get(value) ?? []), id]);
    }
    expect([...byValue.values()].filter((ids) => ids.length > 1)).toEqual([]);
    const urlOutputs = Object.keys(outputs).filter((id) => id.endsWith('Url'));
    expect(urlOutputs.filter((id) => id.startsWith('Route'))).toEqual([]);
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    for (const id of [
      'MetaDataDeletionCallbackUrl',
      'MetaDeauthorizeCallbackUrl',
      'InstagramDataDeletionCallbackUrl',
      'InstagramDeauthorizeCallbackUrl',
      'WhatsAppWebhookUrl',
      'DataDeletionInstructionsUrl',
      'ReceiptKeysUrl',
    ]) {
      expect([id, readme.includes(`\`${id}\``) || readme.includes(`<${id} output>`)]).toEqual([id, true]);
      expect(urlOutputs).toContain(id);
    }
  });
});
