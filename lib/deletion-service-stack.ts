// infra: the deletion service stack. Stateful parts (tables, queue, secrets) first, then the sender address, the
// API, the functions between them, and the outputs ops need to wire Meta to it.
import { CfnOutput, CfnParameter, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTIONS, ROUTES, type RouteDeclaration } from '../functions/declarations/functions.js';
import { QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import {
  DELETION_REQUESTS_TABLE,
  VERIFICATIONS_TABLE,
  tableEnvVar,
} from '../functions/declarations/tables.js';
import { GRAPH_API_DEFAULT_VERSION } from '../functions/runtime/config.js';
import { ApiConstruct } from './api-construct.js';
import { DataConstruct } from './data-construct.js';
import { DeadlineAlarmsConstruct } from './deadline-alarms-construct.js';
import { requireDeclaredTables } from './data-map-guard.js';
import { FunctionsConstruct } from './functions-construct.js';
import { NotificationsConstruct } from './notifications-construct.js';
import { PipelineConstruct } from './pipeline-construct.js';
import { SecretsConstruct } from './secrets-construct.js';

export interface DeletionServiceStackProps extends StackProps {
  /** Deployment stage (dev, prod, ...): the API stage name and part of the stack name. */
  readonly stage: string;
  /** Base URL of the links handed to people, e.g. a custom domain. Defaults to the API's own stage URL. */
  readonly publicBaseUrl?: string;
  /** Default for the EmailFromAddress parameter (sender of confirmations); otherwise given at deploy. */
  readonly emailFromAddress?: string;
  /** Defaults of the MetaAppId and InstagramAppId parameters; otherwise given at deploy. */
  readonly metaAppId?: string;
  readonly instagramAppId?: string;
  /** Graph API version the functions call (default: the version pinned in runtime/config.ts). */
  readonly graphApiVersion?: string;
  /**
   * Approved WhatsApp utility template for the completion notice outside the 24-hour window
   * (one body parameter: the confirmation code). Without it, no WhatsApp notice is sent there.
   */
  readonly whatsappCompletionTemplate?: { readonly name: string; readonly language?: string };
}

/** Logical ids of the app-id parameters, as `cdk deploy --parameters MetaAppId=...` names them. */
export const META_APP_ID_PARAMETER = 'MetaAppId';
export const INSTAGRAM_APP_ID_PARAMETER = 'InstagramAppId';

// Logs hold request ids and keyed hashes only; a month covers incident work without keeping them for long.
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

export class DeletionServiceStack extends Stack {
  readonly data: DataConstruct;
  readonly pipeline: PipelineConstruct;
  readonly secrets: SecretsConstruct;
  readonly notifications: NotificationsConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionsConstruct;
  readonly deadlineAlarms: DeadlineAlarmsConstruct;
  /** The base URL the functions use for status links. */
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: DeletionServiceStackProps) {
    const {
      stage,
      publicBaseUrl,
      emailFromAddress,
      metaAppId,
      instagramAppId,
      graphApiVersion = GRAPH_API_DEFAULT_VERSION,
      whatsappCompletionTemplate,
      ...stackProps
    } = props;
    super(scope, id, {
      description: `Personal-data deletion service (${stage}): Meta callbacks, deletion worker, status page.`,
      ...stackProps,
    });
    assertStageName(stage);
    if (!/^v\d+\.\d+$/.test(graphApiVersion)) {
      throw new Error(`graphApiVersion "${graphApiVersion}" must look like v27.0`);
    }
    requireDeclaredTables(this);
    Tags.of(this).add('service', 'deletion-service');
    Tags.of(this).add('stage', stage);

    this.data = new DataConstruct(this, 'Data');
    this.pipeline = new PipelineConstruct(this, 'Pipeline');
    this.secrets = new SecretsConstruct(this, 'Secrets');
    this.notifications = new NotificationsConstruct(this, 'Notifications', {
      defaultFromAddress: emailFromAddress,
    });
    this.api = new ApiConstruct(this, 'Api', { stage, routes: ROUTES, logRetention: LOG_RETENTION });
    this.publicBaseUrl =
      publicBaseUrl === undefined ? this.api.baseUrl : normalisePublicBaseUrl(publicBaseUrl);
    this.functions = new FunctionsConstruct(this, 'Functions', {
      data: this.data,
      pipeline: this.pipeline,
      secrets: this.secrets,
      notifications: this.notifications,
      publicBaseUrl: this.publicBaseUrl,
      logRetention: LOG_RETENTION,
      graphApiVersion,
      metaAppIds: {
        facebook: this.appIdParameter(META_APP_ID_PARAMETER, 'Meta (Facebook) app id', metaAppId),
        instagram: this.appIdParameter(INSTAGRAM_APP_ID_PARAMETER, 'Instagram app id', instagramAppId),
      },
    });
    this.api.integrate((functionId) => this.functions.byId(functionId));
    this.deadlineAlarms = new DeadlineAlarmsConstruct(this, 'DeadlineAlarms');

    // What the support command (`npm run requests`) reads from `cdk deploy --outputs-file`.
    for (const table of [DELETION_REQUESTS_TABLE, VERIFICATIONS_TABLE]) {
      new CfnOutput(this, tableEnvVar(table).replace(/_/g, ''), {
        description: `Physical name of the ${table.id} table (env ${tableEnvVar(table)} of the support command).`,
        value: this.data.table(table).tableName,
      });
    }
    new CfnOutput(this, 'DeletionJobsQueueUrl', {
      description: `Deletion-job queue (env ${QUEUE_URL_ENV} of the support command).`,
      value: this.pipeline.queue.queueUrl,
    });
    new CfnOutput(this, 'DeletionJobsDeadLetterQueueUrl', {
      description:
        'Dead-letter queue of the deletion jobs (env DELETION_JOBS_DLQ_URL of the support command).',
      value: this.pipeline.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'DataDeletionInstructionsUrl', {
      description: "Self-service page; also the Data Deletion Instructions URL for Meta's App Dashboard.",
      value: `${this.publicBaseUrl}/delete-my-data`,
    });
    if (whatsappCompletionTemplate) {
      const worker = this.functions.byKey.deletionWorker;
      worker.addEnvironment('WHATSAPP_COMPLETION_TEMPLATE', whatsappCompletionTemplate.name);
      worker.addEnvironment('WHATSAPP_TEMPLATE_LANGUAGE', whatsappCompletionTemplate.language ?? 'en_US');
    }

    // The URLs to paste into the Facebook and Instagram dashboards (docs/meta.md says where).
    for (const route of ROUTES.filter((candidate) => candidate.metaCallback)) {
      const { platform, kind } = route.metaCallback!;
      const name = `${platform === 'facebook' ? 'Meta' : 'Instagram'}${kind === 'data_deletion' ? 'DataDeletion' : 'Deauthorize'}CallbackUrl`;
      new CfnOutput(this, name, {
        description: `${platform === 'facebook' ? 'Facebook' : 'Instagram'} ${kind === 'data_deletion' ? 'Data Deletion Request' : 'Deauthorize'} callback URL to enter in the App Dashboard.`,
        value: this.api.urlOf(route),
      });
    }
    new CfnOutput(this, 'StatusBaseUrl', {
      description: 'Status page; a person opens it with ?code=<confirmation code>.',
      value: `${this.publicBaseUrl}${routeOf(FUNCTIONS.deletionStatus.id).path}`,
    });
    new CfnOutput(this, 'MetaAppSecretName', {
      description:
        'Secrets Manager secret to fill with {"current": "<Meta app secret>"} after the first deploy.',
      value: this.secrets.secret('metaAppSecret').secretName,
    });
    new CfnOutput(this, 'WhatsAppWebhookUrl', {
      description: 'WhatsApp webhook callback URL to enter in the App Dashboard (WhatsApp > Configuration).',
      value: this.api.urlOf(ROUTES.find((route) => route.path === '/whatsapp/webhook')!),
    });
  }

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

function routeOf(functionId: string): RouteDeclaration {
  const route = ROUTES.find((candidate) => candidate.functionId === functionId);
  if (!route) throw new Error(`No route declared for function ${functionId}`);
  return route;
}

/** Stage names end up in the stack name (letters, digits, hyphens) and the API stage name. */
function assertStageName(stage: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(stage)) {
    throw new Error(
      `Invalid stage "${stage}": use 1-32 letters, digits or hyphens, starting with a letter or digit.`,
    );
  }
}

function normalisePublicBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`publicBaseUrl "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
    throw new Error(`publicBaseUrl "${value}" must be an https URL without query or fragment`);
  }
  return value.replace(/\/+$/, '');
}
