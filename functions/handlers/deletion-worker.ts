// handler: SQS deletion jobs. Each record is processed on its own; failures are reported per record
// (partial batch response) so one bad job never holds back the others, and after the queue's
// maxReceiveCount a failing job moves to the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { makeGraphApiClient } from '../adapters/graph-api-client.js';
import { makeDynamoMetaTokenStore } from '../adapters/dynamo-meta-tokens.js';
import { makeDynamoIdentityResolver } from '../adapters/dynamo-identity-resolver.js';
import { makeDynamoSuppressionList } from '../adapters/dynamo-suppression-list.js';
import { makeDynamoTablePurger } from '../adapters/dynamo-table-purger.js';
import {
  makeDynamoAttributeCorrector,
  makeDynamoConsentPreferences,
} from '../adapters/dynamo-rights-stores.js';
import { makeProcessRightsJob } from '../use-cases/process-rights-job.js';
import { makeDynamoSubjectReader } from '../adapters/dynamo-subject-reader.js';
import { makeAccessExporter } from '../use-cases/build-export.js';
import { makeDynamoVerificationStore } from '../adapters/dynamo-verifications.js';
import { makeKmsReceiptSigner } from '../adapters/kms-receipt-keys.js';
import { ErasureWebhookError, makeErasureWebhookClient } from '../adapters/erasure-webhook-client.js';
import { makeS3ObjectPurger } from '../adapters/s3-object-purger.js';
import { makeS3ObjectLister } from '../adapters/s3-object-lister.js';
import type { ObjectPrefixStep } from '../core/purge-plan.js';
import { EXTERNAL_STORES, erasureWebhookSecretEnvName } from '../declarations/external-stores.js';
import { parseDeletionJobBody } from '../core/job-message.js';
import { FUNCTIONS } from '../declarations/functions.js';
import { DELETION_PIPELINE } from '../declarations/pipeline.js';
import {
  IDENTITY_LINKS_TABLE,
  INTEGRATION_TOKENS_TABLE,
  SUPPRESSIONS_TABLE,
  VERIFICATIONS_TABLE,
  mappedTables,
  type TableDeclaration,
} from '../declarations/tables.js';
import { makeProcessDeletionJob, type JobStep } from '../use-cases/process-deletion-job.js';
import { metaGrantRevocation } from '../use-cases/revoke-meta-grants.js';
import { systemClock } from '../use-cases/ports.js';
import {
  backupRetentionDays,
  emailSettings,
  exportSettings,
  externalStoreLocation,
  wiredExternalStores,
  graphApiSettings,
  metaAppIds,
  publicBaseUrl,
  purgeSettings,
  selfServiceSettings,
  receiptSigningKeyId,
  servedChannels,
  statusRetentionDays,
  tableName,
  tableRoleArn,
} from '../runtime/config.js';
import { dynamoDocumentClient, ses } from '../runtime/aws-clients.js';
import { kms } from '../runtime/kms-client.js';
import { dynamoDocumentClientFor } from '../runtime/assumed-role-clients.js';
// S3 is on a deletion's path here (the data map's S3 prefixes), so the worker loads it at start.
import { s3 } from '../runtime/s3-client.js';
import { makeS3ExportStore } from '../adapters/s3-export-store.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { ConfigError } from '../runtime/config.js';
import { makeNamedSecretReader, makeSecretReader } from '../runtime/secrets.js';
import {
  deletionJobQueue,
  deletionRequestStore,
  identifierHasher,
  subjectOpenRequests,
} from '../runtime/wiring.js';
import {
  makeWhatsAppCompletionNotice,
  skippedWhatsAppCompletionNotice,
} from '../use-cases/whatsapp-completion-notice.js';
import { whatsappSettings } from '../runtime/config.js';
import { whatsappGateway, whatsappPhoneVerification } from '../runtime/whatsapp-wiring.js';
import {
  makeSesEmailNotifier,
  makeSesRightsNotifier,
  makeSesVerificationNotifier,
} from '../adapters/ses-email-notifier.js';
import { makeSendVerification } from '../use-cases/send-verification.js';
import type { PhoneVerificationSender } from '../use-cases/ports.js';

const env = process.env;
const tables = mappedTables();
const physicalNames = new Map(tables.map((table) => [table.id, tableName(env, table)]));
const documents = dynamoDocumentClient();
// A company table in another account is reached through the role configured for it there.
const clientFor = (table: TableDeclaration) => dynamoDocumentClientFor(tableRoleArn(env, table));
const secrets = makeSecretReader(env);

// Meta: end the app's access (page webhooks, the user's grant) before the purge deletes the tokens. Only
// for the platforms the stage serves: a left-out one has no app id or secret here.
const channels = servedChannels(env);
const metaApps = metaAppIds(env);
const metaSteps: JobStep[] = [
  metaGrantRevocation({
    graph: makeGraphApiClient(graphApiSettings(env)),
    tokens: makeDynamoMetaTokenStore(documents, tableName(env, INTEGRATION_TOKENS_TABLE)),
    appAccessToken: async () => `${metaApps.facebook ?? ''}|${(await secrets('metaAppSecret'))[0] ?? ''}`,
    events: powertoolsEvents,
    log: (level, message, fields) => logger[level](message, fields),
    servedPlatforms: new Set(
      (['facebook', 'instagram'] as const).filter((platform) => metaApps[platform] !== undefined),
    ),
  }),
];

const beforePurge: JobStep[] = [...metaSteps];

// Self-service: the policy promises verification data is deleted with the request. Times and attempts
// go; a spent marker (token hash → status code) stays until the link's record expires, so a late click
// still finds the status page.
const verifications = makeDynamoVerificationStore(documents, tableName(env, VERIFICATIONS_TABLE));
const forgetVerification: JobStep = {
  name: 'forget-verification',
  run: async (request) => {
    await verifications.forgetRequest(request.requestId, request.confirmationCode);
  },
};

// --- WhatsApp: completion notice (after the purge, before the request forgets the number) ---
// A stage that leaves WhatsApp out has no token to send with: the step records why no notice went.
const whatsappSettingsForWorker = whatsappSettings(env);
const whatsappCompletionNotice = channels.has('whatsapp')
  ? makeWhatsAppCompletionNotice({
      gateway: whatsappGateway(env, secrets),
      events: powertoolsEvents,
      publicBaseUrl: publicBaseUrl(env),
      ...(whatsappSettingsForWorker.completionTemplate
        ? { template: whatsappSettingsForWorker.completionTemplate }
        : {}),
    })
  : skippedWhatsAppCompletionNotice({
      store: deletionRequestStore(env),
      clock: systemClock,
      events: powertoolsEvents,
    });
// --- end WhatsApp ---

// The data map's other stores: a subject's objects under S3 prefixes, and the company's other systems.
const namedSecrets = makeNamedSecretReader(env);
const externalStores = wiredExternalStores(env, EXTERNAL_STORES);
const bucketOf = (step: ObjectPrefixStep) => externalStoreLocation(env, step.store);
const objects = makeS3ObjectPurger(s3(), { bucketOf });
const erasure = makeErasureWebhookClient({
  urlOf: (system) => externalStoreLocation(env, system),
  secretOf: async (system) => {
    const [current] = await namedSecrets(erasureWebhookSecretEnvName(system));
    if (!current) throw new ConfigError(`The signing secret of ${system.id} has no value`);
    return current;
  },
  events: powertoolsEvents,
});

const store = deletionRequestStore(env);
const purger = makeDynamoTablePurger(documents, {
  tableName: (table) => physicalNames.get(table.id) ?? table.id,
  clientFor,
});
const resolver = makeDynamoIdentityResolver(
  clientFor(IDENTITY_LINKS_TABLE),
  tableName(env, IDENTITY_LINKS_TABLE),
);
const suppressions = makeDynamoSuppressionList(documents, tableName(env, SUPPRESSIONS_TABLE));
const queue = deletionJobQueue(env);
const leaseMillis = (FUNCTIONS.deletionWorker.timeoutSeconds + 30) * 1000;

const processDeletionJob = makeProcessDeletionJob({
  store,
  purger,
  resolver,
  suppressions,
  email: makeSesEmailNotifier(ses(), emailSettings(env)),
  queue,
  tables,
  externalStores,
  objects,
  erasure,
  clock: systemClock,
  events: powertoolsEvents,
  hashIdentifier: identifierHasher(secrets),
  signer: makeKmsReceiptSigner(kms(), receiptSigningKeyId(env)),
  publicBaseUrl: publicBaseUrl(env),
  statusRetentionDays: statusRetentionDays(env),
  backupRetentionDays: backupRetentionDays(env),
  // Longer than one invocation can run, shorter than the queue's visibility timeout.
  leaseMillis,
  budget: purgeSettings(env),
  beforePurge,
  afterPurge: [whatsappCompletionNotice, forgetVerification],
});

// Self-service: verification links go out here, after the person was answered.
const sendVerification = makeSendVerification({
  store: deletionRequestStore(env),
  openRequests: subjectOpenRequests(env),
  verifications,
  notifier: makeSesVerificationNotifier(ses(), emailSettings(env)),
  // By WhatsApp, when a business number is configured (WHATSAPP_PHONE_NUMBER_ID).
  ...optionalPhoneSender(whatsappPhoneVerification(env, secrets)),
  tokenKey: async () => (await secrets('identifierPepper'))[0] ?? '',
  clock: systemClock,
  events: powertoolsEvents,
  warn: (message, fields) => logger.warn(message, fields),
  publicBaseUrl: publicBaseUrl(env),
  tokenTtlSeconds: selfServiceSettings(env).tokenTtlSeconds,
});

function optionalPhoneSender(sender: PhoneVerificationSender | undefined) {
  return sender ? { phoneSender: sender } : {};
}

// The other rights (access, correction, withdrawing consent) travel on the same queue.
const tableNameOf = (table: TableDeclaration) => tableName(env, table);
const exports = exportSettings(env);
const processRightsJob = makeProcessRightsJob({
  store,
  purger,
  resolver,
  suppressions,
  preferences: makeDynamoConsentPreferences(clientFor, tableNameOf),
  corrector: makeDynamoAttributeCorrector(clientFor, tableNameOf, IDENTITY_LINKS_TABLE),
  notifier: makeSesRightsNotifier(ses(), emailSettings(env)),
  verifications,
  exporter: makeAccessExporter({
    reader: makeDynamoSubjectReader(clientFor, tableNameOf),
    external: {
      stores: externalStores,
      objects: makeS3ObjectLister(s3(), { bucketOf }),
    },
    store: makeS3ExportStore(s3(), exports.bucket),
    tables,
    clock: systemClock,
    budget: purgeSettings(env),
    linkDays: exports.linkDays,
    publicBaseUrl: publicBaseUrl(env),
  }),
  queue,
  tables,
  clock: systemClock,
  events: powertoolsEvents,
  hashIdentifier: identifierHasher(secrets),
  publicBaseUrl: publicBaseUrl(env),
  statusRetentionDays: statusRetentionDays(env),
  leaseMillis,
});

/** A job for another right goes to its own use case; deletion (and any older request) to the purge. */
async function processJob(requestId: string, attempt: { readonly lastAttempt?: boolean }) {
  const request = await store.get(requestId);
  return request?.type && request.type !== 'deletion'
    ? processRightsJob(requestId)
    : processDeletionJob(requestId, attempt);
}

const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  const job = parseDeletionJobBody(record.body);
  if (!job) {
    // A malformed job can never succeed: fail it so it ends in the dead-letter queue, visibly.
    logger.error('Malformed deletion job', { messageId: record.messageId });
    throw new Error('Malformed deletion job');
  }
  if (job.notify === 'verification') {
    const sent = await sendVerification(job.requestId);
    logger.info('Verification job processed', { requestId: job.requestId, outcome: sent });
    return;
  }
  let outcome: Awaited<ReturnType<typeof processJob>>;
  try {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    outcome = await processJob(job.requestId, {
      lastAttempt: receiveCount >= DELETION_PIPELINE.maxReceiveCount,
    });
  } catch (error) {
    // The error's name only: messages of lower layers may quote keys or values.
    logger.error('Deletion job failed', {
      requestId: job.requestId,
      errorName: (error as Error).name,
      // An erasure webhook's failure names the system and its answer, and nothing of the person.
      ...(error instanceof ErasureWebhookError ? { errorMessage: error.message } : {}),
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
    });
    throw error;
  }
  logger.info('Deletion job processed', { requestId: job.requestId, outcome });
}

export async function handler(event: SQSEvent, context: Context) {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, processRecord, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
}
