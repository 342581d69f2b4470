// infra: the deletion service stack, from one validated configuration (lib/config.ts). Stateful parts (tables,
// queue, secrets) first, then the sender address, the API, the functions between them, monitoring, and the outputs
// ops need to wire Meta and WhatsApp to it.
import { CfnOutput, CfnParameter, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PLATFORM_CHANNELS, type PlatformChannel } from '../functions/declarations/channels.js';
import {
  FUNCTIONS,
  servedRoutes,
  type FunctionDeclaration,
  type RouteDeclaration,
} from '../functions/declarations/functions.js';
import { DELETION_REQUESTS_TABLE, VERIFICATIONS_TABLE } from '../functions/declarations/tables.js';
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAME } from '../functions/declarations/metric-names.js';
import { ApiConstruct } from './api-construct.js';
import {
  CONFIG_KEYS,
  parseDeploymentConfig,
  type DeploymentConfig,
  type DeploymentConfigInput,
} from './config.js';
import { DataConstruct } from './data-construct.js';
import { requireDeclaredTables } from './data-map-guard.js';
import { ExportsConstruct } from './exports-construct.js';
import { requireCompleteDataStores } from './data-stores.js';
import { ExternalStoresConstruct } from './external-stores-construct.js';
import { FunctionsConstruct } from './functions-construct.js';
import { MonitoringConstruct } from './monitoring-construct.js';
import { NotificationsConstruct } from './notifications-construct.js';
import {
  ACCEPTANCE_COMMAND_OUTPUT,
  API_BASE_URL_OUTPUT,
  NAMED_ROUTE_OUTPUTS,
  SERVED_CHANNELS_OUTPUT,
  routeOutputId,
  secretOutputId,
} from './output-names.js';
import { PipelineConstruct } from './pipeline-construct.js';
import { ReceiptKeysConstruct } from './receipt-keys-construct.js';
import { SecretsConstruct } from './secrets-construct.js';
import { WebAclConstruct } from './web-acl-construct.js';

export { routeOutputId, secretOutputId } from './output-names.js';

export interface DeletionServiceStackProps extends StackProps, DeploymentConfigInput {
  /** Deployment stage (dev, prod, ...): the API stage name and part of the stack and resource names. */
  readonly stage: string;
}

/** CloudWatch namespace of a stage's metrics: stages deployed to one account never share metrics or alarms. */
export function metricsNamespaceFor(stage: string): string {
  return `${DEFAULT_METRICS_NAMESPACE}/${stage}`;
}

export class DeletionServiceStack extends Stack {
  /** The validated deployment configuration (lib/config.ts). */
  readonly config: DeploymentConfig;
  readonly data: DataConstruct;
  readonly pipeline: PipelineConstruct;
  readonly secrets: SecretsConstruct;
  readonly notifications: NotificationsConstruct;
  readonly receiptKeys: ReceiptKeysConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionsConstruct;
  readonly exports: ExportsConstruct;
  /** The data map's erasure webhooks and S3 prefixes, where this stage names them. */
  readonly externalStores: ExternalStoresConstruct;
  readonly monitoring: MonitoringConstruct;
  /** The stage's own web ACL (absent for demo stages and when wafWebAclArn names one). */
  readonly webAcl?: WebAclConstruct;
  /** The base URL the functions use for status links. */
  readonly publicBaseUrl: string;
  /** The platform channels the stage serves (`channels`); the others have no part in it. */
  readonly channels: ReadonlySet<PlatformChannel>;
  /** The routes of the served channels (and every channel-free route). */
  readonly routes: readonly RouteDeclaration[];

  constructor(scope: Construct, id: string, props: DeletionServiceStackProps) {
    const { configInput, stackProps } = splitProps(props);
    const config = parseDeploymentConfig(configInput);
    // Before anything is built: a stage that does not name the company's tables would delete from empty ones.
    requireCompleteDataStores(config);
    super(scope, id, {
      description: `Personal-data deletion service (${config.stage}): Meta callbacks, deletion worker, status page.`,
      ...stackProps,
    });
    this.config = config;
    const { stage } = config;
    requireDeclaredTables(this);
    Tags.of(this).add('service', SERVICE_NAME);
    Tags.of(this).add('stage', stage);
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    this.channels = new Set(config.channels);
    this.routes = servedRoutes(this.channels);
    const serves = (channel: PlatformChannel) => this.channels.has(channel);

    this.data = new DataConstruct(this, 'Data', { stores: config });
    this.pipeline = new PipelineConstruct(this, 'Pipeline');
    this.secrets = new SecretsConstruct(this, 'Secrets', { channels: this.channels });
    this.notifications = new NotificationsConstruct(this, 'Notifications', {
      defaultFromAddress: config.emailFromAddress,
      configurationSet: config.sesConfigurationSet,
    });
    this.receiptKeys = new ReceiptKeysConstruct(this, 'ReceiptKeys', {
      generations: config.receiptKeyGenerations,
    });
    this.api = new ApiConstruct(this, 'Api', {
      stage,
      routes: this.routes,
      logRetention,
      wafWebAclArn: config.wafWebAclArn,
      ownWebAcl: !config.demo && !config.wafWebAclArn,
      ...(config.domainName && config.certificateArn
        ? {
            customDomain: {
              domainName: config.domainName,
              certificateArn: config.certificateArn,
              ...(config.hostedZoneId && config.hostedZoneName
                ? { hostedZone: { id: config.hostedZoneId, name: config.hostedZoneName } }
                : {}),
            },
          }
        : {}),
    });
    this.publicBaseUrl =
      config.publicBaseUrl ?? (config.domainName ? `https://${config.domainName}` : this.api.baseUrl);
    this.api.redirectRoot(`${this.publicBaseUrl}/delete-my-data`);
    const metricsNamespace = metricsNamespaceFor(stage);
    this.functions = new FunctionsConstruct(this, 'Functions', {
      data: this.data,
      pipeline: this.pipeline,
      secrets: this.secrets,
      notifications: this.notifications,
      receiptKeys: this.receiptKeys,
      publicBaseUrl: this.publicBaseUrl,
      logRetention,
      settings: {
        metricsNamespace,
        graphApiVersion: config.graphApiVersion,
        statusRetentionDays: config.statusRetentionDays,
        deadlineNearingDays: config.deadlineNearingDays,
        backupRetentionDays: config.backupRetentionDays,
      },
      // A parameter only for a served platform: a left-out one needs no app id at deploy.
      metaAppIds: {
        ...(serves('facebook')
          ? {
              facebook: this.appIdParameter(
                META_APP_ID_PARAMETER,
                'Meta (Facebook) app id',
                config.metaAppId,
              ),
            }
          : {}),
        ...(serves('instagram')
          ? {
              instagram: this.appIdParameter(
                INSTAGRAM_APP_ID_PARAMETER,
                'Instagram app id',
                config.instagramAppId,
              ),
            }
          : {}),
      },
      channels: this.channels,
    });
    if (config.whatsappPhoneNumberId) {
      // Phone numbers are verified by WhatsApp only with a business number to send from.
      // The form accepts phone numbers; the worker sends their links.
      this.functions.byKey.selfService.addEnvironment(
        'WHATSAPP_PHONE_NUMBER_ID',
        config.whatsappPhoneNumberId,
      );
      const worker = this.functions.byKey.deletionWorker;
      worker.addEnvironment('WHATSAPP_PHONE_NUMBER_ID', config.whatsappPhoneNumberId);
      if (config.whatsappVerificationTemplate) {
        worker.addEnvironment('WHATSAPP_VERIFICATION_TEMPLATE', config.whatsappVerificationTemplate);
        worker.addEnvironment('WHATSAPP_TEMPLATE_LANGUAGE', config.whatsappTemplateLanguage);
      }
    }
    // The webhook acts only for our own business numbers (a message to any other is ignored).
    const businessNumbers = [
      ...new Set([
        ...config.whatsappBusinessNumberIds,
        ...(config.whatsappPhoneNumberId ? [config.whatsappPhoneNumberId] : []),
      ]),
    ];
    // (Configuration refuses WhatsApp settings on a stage without WhatsApp, so the webhook exists here.)
    if (businessNumbers.length > 0)
      this.functions
        .function('whatsappWebhook')
        .addEnvironment('WHATSAPP_BUSINESS_NUMBER_IDS', businessNumbers.join(','));
    if (config.whatsappCompletionTemplate) {
      const worker = this.functions.byKey.deletionWorker;
      worker.addEnvironment('WHATSAPP_COMPLETION_TEMPLATE', config.whatsappCompletionTemplate);
      worker.addEnvironment('WHATSAPP_TEMPLATE_LANGUAGE', config.whatsappTemplateLanguage);
    }
    this.exports = new ExportsConstruct(this, 'Exports', { linkDays: EXPORT_LINK_DAYS });
    for (const key of this.functions.keys) {
      const access = (FUNCTIONS[key] as FunctionDeclaration).exportAccess;
      if (access) this.exports.grantTo(this.functions.function(key), access);
    }
    this.externalStores = new ExternalStoresConstruct(this, 'ExternalStores', {
      stage,
      stores: config,
      secretsKey: this.secrets.secretsKey,
    });
    this.externalStores.grantTo(this.functions.byKey.deletionWorker);
    this.api.integrate((functionId) => this.functions.byId(functionId));
    this.monitoring = new MonitoringConstruct(this, 'Monitoring', {
      stage,
      metricsNamespace,
      api: this.api,
      functions: this.functions,
      pipeline: this.pipeline,
      alarmEmail: config.alarmEmail,
      oldestJobAlarmMinutes: config.oldestJobAlarmMinutes,
      signatureRejectionAlarmThreshold: config.signatureRejectionAlarmThreshold,
      api5xxAlarmThreshold: config.api5xxAlarmThreshold,
    });

    // Per-IP limits in front of the shared stage throttles, unless the stage brings its own ACL.
    if (!config.demo && !config.wafWebAclArn) {
      this.webAcl = new WebAclConstruct(this, 'WebAcl', {
        stage,
        stageArn: this.api.restApi.deploymentStage.stageArn,
        alarmTopic: this.monitoring.alarmTopic,
        blockAlarmThreshold: config.wafBlockAlarmThreshold,
      });
    }

    this.addOutputs();
  }

  /** Everything ops need after a deploy: every URL, every secret to fill, where to look. */
  private addOutputs(): void {
    // One output per route path (the callback, webhook, form, status and receipt-key URLs), under the
    // names the README gives them.
    for (const path of [...new Set(this.routes.map((route) => route.path))]) {
      const methods = this.routes.filter((route) => route.path === path).map((route) => route.method);
      new CfnOutput(this, routeOutputId(path), {
        description: NAMED_ROUTE_OUTPUTS[path]?.description ?? `${methods.join(', ')} ${path}`,
        value: this.publicUrlOf(routeFor(path)),
      });
    }
    // What the acceptance suite (and an operator) reads to know which channels to expect.
    new CfnOutput(this, SERVED_CHANNELS_OUTPUT, {
      description:
        'Platform channels this stage serves (channels in config/<stage>.json); "none" when it serves only the form, email and support.',
      value: [...this.channels].join(',') || 'none',
    });
    new CfnOutput(this, 'ReceiptSigningKeyId', {
      description: 'KMS key that signs new receipts (the first of receiptKeyGenerations).',
      value: this.receiptKeys.current.keyId,
    });
    new CfnOutput(this, API_BASE_URL_OUTPUT, {
      description: 'Base URL of the API stage (the custom domain, when used, maps to it).',
      value: this.api.baseUrl,
    });
    if (this.api.domain) {
      new CfnOutput(this, 'CustomDomainAliasTarget', {
        description: `Where ${this.config.domainName} must point (an alias or CNAME record; created when hostedZoneId is set).`,
        value: this.api.domain.domainNameAliasDomainName,
      });
    }
    new CfnOutput(this, ACCEPTANCE_COMMAND_OUTPUT, {
      description:
        'Run after every deploy (docs/operations.md): the acceptance suite, with the outputs of cdk deploy --outputs-file.',
      value: `npm run test:deployed -- --outputs cdk-outputs.json --stack ${this.stackName}`,
    });
    for (const name of this.secrets.names) {
      new CfnOutput(this, secretOutputId(name), {
        description: `Secrets Manager secret of ${name}: JSON {"current": "...", "previous": "..."}.`,
        value: this.secrets.secret(name).secretName,
      });
    }
    for (const { store, secret } of this.externalStores.webhooks) {
      new CfnOutput(this, `${store.id}ErasureWebhookSecretName`, {
        description: `Secrets Manager secret that signs the erasure requests sent to ${store.id} (generated): the receiving system verifies with it.`,
        value: secret.secretName,
      });
    }
    new CfnOutput(this, 'DeletionJobsQueueUrl', {
      description: 'Queue of deletion jobs (re-running a deletion: docs/operations.md).',
      value: this.pipeline.queue.queueUrl,
    });
    new CfnOutput(this, 'DeletionRequestsTableName', {
      description: 'Table of deletion requests (REQUEST#<id>) and code pointers (CODE#<code>).',
      value: this.data.table(DELETION_REQUESTS_TABLE).tableName,
    });
    new CfnOutput(this, 'VerificationsTableName', {
      description: 'Table of self-service verification links (hashes only; the support command reads it).',
      value: this.data.table(VERIFICATIONS_TABLE).tableName,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Dead-letter queue of the deletion jobs (inspect and redrive: docs/operations.md).',
      value: this.pipeline.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies.',
      value: this.monitoring.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of the service.',
      value: `deletion-service-${this.config.stage}`,
    });
  }

  /** A route's URL as published: under the public base URL (the custom domain when there is one). */
  private publicUrlOf(route: RouteDeclaration): string {
    return `${this.publicBaseUrl}${route.path}`;
  }

  /** A public app id given at deploy (`--parameters MetaAppId=...`), defaulting to the configured one. */
  private appIdParameter(id: string, description: string, fallback: string | undefined): string {
    const parameter = new CfnParameter(this, id, {
      type: 'String',
      description: `${description}, from the App Dashboard (public configuration, not a secret).`,
      allowedPattern: '^[0-9]{1,32}$',
      constraintDescription: 'must be a numeric app id',
      default: fallback,
    });
    parameter.overrideLogicalId(id);
    return parameter.valueAsString;
  }
}

/** How long the link to a copy of someone's data works; the copy is deleted then. */
const EXPORT_LINK_DAYS = 7;

/** Logical ids of the app-id parameters, as `cdk deploy --parameters MetaAppId=...` names them. */
export const META_APP_ID_PARAMETER = 'MetaAppId';
export const INSTAGRAM_APP_ID_PARAMETER = 'InstagramAppId';

function splitProps(props: DeletionServiceStackProps): {
  configInput: Record<string, unknown>;
  stackProps: StackProps;
} {
  const configInput: Record<string, unknown> = {};
  const stackProps: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if ((CONFIG_KEYS as string[]).includes(key)) configInput[key] = value;
    else stackProps[key] = value;
  }
  return { configInput, stackProps: stackProps as StackProps };
}

function routeFor(path: string): RouteDeclaration {
  const route = servedRoutes(new Set(PLATFORM_CHANNELS)).find((candidate) => candidate.path === path);
  if (!route) throw new Error(`No route declared for ${path}`);
  return route;
}
