// infra: one Lambda function per FUNCTIONS entry, each with its own role, log group and environment and exactly
// the grants its declaration lists; plus the worker's queue trigger and the reconciler's schedule.
import path from 'node:path';
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  FUNCTIONS,
  servedFunctionKeys,
  servedSecrets,
  type ChannelFunctionKey,
  type FunctionDeclaration,
  type FunctionKey,
} from '../functions/declarations/functions.js';
import { SERVED_CHANNELS_ENV, type PlatformChannel } from '../functions/declarations/channels.js';
import { DELETION_PIPELINE, QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import { tableEnvVar, tableRoleArnEnvVar } from '../functions/declarations/tables.js';
import { writesItems, type TableAccess } from '../functions/declarations/table-access.js';
import { SERVICE_NAME } from '../functions/declarations/metric-names.js';
import { secretArnEnvVar } from '../functions/declarations/secrets.js';
import type { DataConstruct, StackTable } from './data-construct.js';
import type { NotificationsConstruct } from './notifications-construct.js';
import type { PipelineConstruct } from './pipeline-construct.js';
import type { ReceiptKeysConstruct } from './receipt-keys-construct.js';
import {
  RECEIPT_PUBLISHED_KEYS_ENV,
  RECEIPT_SIGNING_KEY_ENV,
} from '../functions/declarations/receipt-keys.js';
import type { SecretsConstruct } from './secrets-construct.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  // Shipped beside the bundle for `npm run stack-trace`, not loaded at run time (no --enable-source-maps).
  sourceMap: true,
  target: 'node24',
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ES module still call require().
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Ship the SDK versions the tests ran against instead of whatever the Lambda runtime has.
  bundleAwsSDK: true,
  forceDockerBundling: false,
  // esbuild's per-file size report drowns synth and test output; warnings and errors still show.
  logLevel: LogLevel.WARNING,
};

export interface FunctionsConstructProps {
  readonly data: DataConstruct;
  readonly pipeline: PipelineConstruct;
  readonly secrets: SecretsConstruct;
  readonly notifications: NotificationsConstruct;
  readonly receiptKeys: ReceiptKeysConstruct;
  /** Base of the links handed to people (status page), without a trailing slash. */
  readonly publicBaseUrl: string;
  readonly logRetention: logs.RetentionDays;
  /** Settings every function gets (functions/runtime/config.ts reads them). */
  readonly settings: RuntimeSettings;
  /** The app ids of the Meta platforms the stage serves (public configuration): CloudFormation parameter values. */
  readonly metaAppIds: { readonly facebook?: string; readonly instagram?: string };
  /** The platform channels the stage serves: a function of none of them is not created. */
  readonly channels: ReadonlySet<PlatformChannel>;
}

/** Deployment settings that reach the functions as environment variables. */
export interface RuntimeSettings {
  readonly metricsNamespace: string;
  readonly graphApiVersion: string;
  readonly statusRetentionDays: number;
  readonly deadlineNearingDays: number;
  readonly backupRetentionDays: number;
}

/** The environment variable of each runtime setting. */
export const RUNTIME_SETTING_ENV: Record<keyof RuntimeSettings, string> = {
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  graphApiVersion: 'GRAPH_API_VERSION',
  statusRetentionDays: 'STATUS_RETENTION_DAYS',
  deadlineNearingDays: 'DEADLINE_NEARING_DAYS',
  backupRetentionDays: 'BACKUP_RETENTION_DAYS',
};

/** The stage's functions by key: those of a platform channel only when the stage serves it. */
export type FunctionsByKey = Record<Exclude<FunctionKey, ChannelFunctionKey>, NodejsFunction> &
  Partial<Record<ChannelFunctionKey, NodejsFunction>>;

export class FunctionsConstruct extends Construct {
  readonly byKey: FunctionsByKey;
  /** The keys of the functions this stage has, in declaration order. */
  readonly keys: readonly FunctionKey[];

  constructor(scope: Construct, id: string, props: FunctionsConstructProps) {
    super(scope, id);
    assertQueueOutlastsWorker();

    const keys = servedFunctionKeys(props.channels);
    this.keys = keys;
    this.byKey = Object.fromEntries(
      keys.map((key) => [key, this.createFunction(FUNCTIONS[key], props)]),
    ) as FunctionsByKey;

    for (const key of keys) {
      const fn = this.function(key);
      const { trigger, id: functionId, description } = FUNCTIONS[key];
      if (trigger === 'deletionJobs') {
        fn.addEventSource(
          new SqsEventSource(props.pipeline.queue, {
            batchSize: DELETION_PIPELINE.batchSize,
            // The worker answers with the failed message ids only (Powertools partial batch response).
            reportBatchItemFailures: true,
          }),
        );
      } else if (typeof trigger === 'object') {
        new events.Rule(this, `${functionId}Schedule`, {
          description: `Runs ${functionId}: ${description}`,
          schedule: events.Schedule.rate(Duration.minutes(trigger.everyMinutes)),
          targets: [new targets.LambdaFunction(fn)],
        });
      }
    }
  }

  /** A function of the stage; asking for one of a channel the stage leaves out is a bug in the stack. */
  function(key: FunctionKey): NodejsFunction {
    const fn = (this.byKey as Partial<Record<FunctionKey, NodejsFunction>>)[key];
    if (!fn) throw new Error(`No ${FUNCTIONS[key].id} function: its channels are not among the stage's`);
    return fn;
  }

  /** The function with a declaration id (as routes name them). */
  byId(functionId: string): NodejsFunction {
    const key = (Object.keys(FUNCTIONS) as FunctionKey[]).find(
      (candidate) => FUNCTIONS[candidate].id === functionId,
    );
    if (!key) throw new Error(`No function declared with id ${functionId}`);
    return this.function(key);
  }

  private createFunction(declaration: FunctionDeclaration, props: FunctionsConstructProps) {
    const tables = declaration.tables.map((entry) => entry.table);
    assertOneEntryPerTable(declaration);
    // Only the served channels' secrets: a left-out channel has none to point at.
    const secretNames = servedSecrets(declaration, props.channels);

    // No NODE_OPTIONS=--enable-source-maps: Node would parse the bundle's source map at every cold start
    // (3–20 % more per function, BENCHMARKS.md). The map ships in the package; `npm run stack-trace` reads it.
    const environment: Record<string, string> = { POWERTOOLS_SERVICE_NAME: SERVICE_NAME };
    for (const [setting, name] of Object.entries(RUNTIME_SETTING_ENV)) {
      environment[name] = String(props.settings[setting as keyof RuntimeSettings]);
    }
    for (const table of tables) {
      const { table: resource, source } = props.data.stackTable(table);
      // A table in another account is reached by its ARN, with the role assumed there.
      environment[tableEnvVar(table)] =
        source.kind === 'imported' && source.tableArn ? source.tableArn : resource.tableName;
      if (source.kind === 'imported' && source.roleArn)
        environment[tableRoleArnEnvVar(table)] = source.roleArn;
    }
    if (declaration.sendsJobs) environment[QUEUE_URL_ENV] = props.pipeline.queue.queueUrl;
    for (const name of secretNames) environment[secretArnEnvVar(name)] = props.secrets.secret(name).secretArn;
    if (declaration.usesPublicBaseUrl) environment.PUBLIC_BASE_URL = props.publicBaseUrl;
    if (declaration.usesServedChannels)
      environment[SERVED_CHANNELS_ENV] = [...props.channels].join(',') || 'none';
    if (declaration.usesMetaAppIds) {
      if (props.metaAppIds.facebook) environment.META_APP_ID = props.metaAppIds.facebook;
      if (props.metaAppIds.instagram) environment.INSTAGRAM_APP_ID = props.metaAppIds.instagram;
    }
    if (declaration.receiptKeys === 'sign') {
      environment[RECEIPT_SIGNING_KEY_ENV] = props.receiptKeys.current.keyId;
    }
    if (declaration.receiptKeys === 'publish') {
      environment[RECEIPT_PUBLISHED_KEYS_ENV] = Fn.join(
        ',',
        props.receiptKeys.published.map((key) => key.keyId),
      );
    }
    if (declaration.sendsEmail) {
      environment.SES_FROM_ADDRESS = props.notifications.fromAddress;
      const { configurationSet } = props.notifications;
      if (configurationSet) environment.SES_CONFIGURATION_SET = configurationSet;
    }

    const logGroup = new logs.LogGroup(this, `${declaration.id}Logs`, {
      retention: props.logRetention,
      // Logs hold keyed hashes and request ids only; they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new iam.Role(this, `${declaration.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${declaration.id} function.`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, declaration.id, {
      description: declaration.description,
      entry: path.join(REPO_ROOT, declaration.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment,
      bundling: BUNDLING,
    });

    for (const tableAccess of declaration.tables) {
      grantTableAccess(role, props.data.stackTable(tableAccess.table), tableAccess);
    }
    if (declaration.sendsJobs) props.pipeline.queue.grantSendMessages(fn);
    for (const name of secretNames) props.secrets.secret(name).grantRead(fn);
    if (declaration.sendsEmail) props.notifications.grantSendEmail(fn);
    if (declaration.receiptKeys === 'sign') props.receiptKeys.grantSign(role);
    if (declaration.receiptKeys === 'publish') props.receiptKeys.grantPublish(role);

    acknowledgeGrantWildcards(role, {
      encrypts: declaration.tables.some(writesItems) || declaration.sendsJobs,
    });
    return fn;
  }
}

/** Lambda refuses an SQS trigger whose visibility timeout is shorter than the function's; AWS advises 6×. */
function assertQueueOutlastsWorker(): void {
  const needed = 6 * FUNCTIONS.deletionWorker.timeoutSeconds;
  if (DELETION_PIPELINE.visibilityTimeoutSeconds < needed) {
    throw new Error(
      `DELETION_PIPELINE.visibilityTimeoutSeconds (${DELETION_PIPELINE.visibilityTimeoutSeconds}) must be at least ` +
        `6× the worker timeout (${needed}).`,
    );
  }
}

function assertOneEntryPerTable(declaration: FunctionDeclaration): void {
  const ids = declaration.tables.map((entry) => entry.table.id);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) {
    throw new Error(`${declaration.id} declares ${repeated.join(', ')} more than once: merge the entries.`);
  }
}

/** What CDK's own table grants give on the table key: decrypt to read; to write, also encrypt. */
const KEY_ACTIONS_TO_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_ACTIONS_TO_WRITE = [
  ...KEY_ACTIONS_TO_READ,
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
];

/**
 * Exactly the declared actions on the table's ARN, Query on each declared index's ARN (never
 * `index/*`), and the table key for what those actions need. No Scan: no declaration can name it. A
 * company table in another account is reached only by assuming the role named for it there; that role's
 * own policy (docs/data-stores.md) holds the table actions.
 */
function grantTableAccess(role: iam.Role, { table, source }: StackTable, tableAccess: TableAccess): void {
  if (source.kind === 'imported' && source.roleArn) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [source.roleArn] }),
    );
    return;
  }
  const { actions, indexes } = tableAccess;
  if (actions.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
  }
  if (indexes.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }
  table.encryptionKey?.grant(
    role,
    ...(writesItems(tableAccess) ? KEY_ACTIONS_TO_WRITE : KEY_ACTIONS_TO_READ),
  );
}

/** The wildcards that CDK's own grants put in a function role, each acknowledged for cdk-nag with its reason. */
function acknowledgeGrantWildcards(role: iam.Role, grants: { readonly encrypts: boolean }): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. ' +
      'An infra test checks that only X-Ray actions have Resource "*".',
  });
  if (!grants.encrypts) return;
  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Table writes and grantSendMessages, scoped to the service keys: encrypting new items and jobs.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason:
        'Table writes and grantSendMessages, scoped to the service keys: re-encryption under the same key.',
    },
  );
}
