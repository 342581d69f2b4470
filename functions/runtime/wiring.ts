// runtime: builds the adapters a handler needs from configuration, once per process.
import { makeDynamoDeletionRequestStore } from '../adapters/dynamo-deletion-requests.js';
import { makeDynamoOpenRequestIndex } from '../adapters/dynamo-open-requests.js';
import { makeIdentifierHasher, type IdentifierHasher } from '../core/keyed-hash.js';
import { DELETION_REQUESTS_TABLE } from '../declarations/tables.js';
import { queueUrl, tableName, type Env } from './config.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { loadedOnFirstUse } from './loaded-on-first-use.js';
import type { JobQueue, SecretReader, VerificationQueue } from '../use-cases/ports.js';

export function deletionRequestStore(env: Env) {
  return makeDynamoDeletionRequestStore(dynamoDocumentClient(), tableName(env, DELETION_REQUESTS_TABLE));
}

/** One open request per subject for the Meta callbacks and self-service (`SUBJECT#` pointers). */
export function subjectOpenRequests(env: Env) {
  return makeDynamoOpenRequestIndex(
    dynamoDocumentClient(),
    tableName(env, DELETION_REQUESTS_TABLE),
    'SUBJECT#',
  );
}

/** One open request per WhatsApp user and business number (`OPEN#` pointers). */
export function whatsappOpenRequests(env: Env) {
  return makeDynamoOpenRequestIndex(dynamoDocumentClient(), tableName(env, DELETION_REQUESTS_TABLE), 'OPEN#');
}

/**
 * The queue adapters and the SQS client, loaded when the first job is sent: the WhatsApp webhook's
 * usual message, the sweeper's and the reconciler's idle runs and the form's page send none
 * (WhatsApp webhook 1.17x -> 1.13x its SDK floor, BENCHMARKS.md).
 */
async function loadQueues(url: string) {
  const [{ makeSqsJobQueue, makeSqsVerificationQueue }, { sqs }] = await Promise.all([
    import('../adapters/sqs-job-queue.js'),
    import('./sqs-client.js'),
  ]);
  return { jobs: makeSqsJobQueue(sqs(), url), verifications: makeSqsVerificationQueue(sqs(), url) };
}

export function deletionJobQueue(env: Env): JobQueue {
  const url = queueUrl(env);
  return loadedOnFirstUse<JobQueue>(['sendDeletionJob'], async () => (await loadQueues(url)).jobs);
}

/** Verification sends go through the job queue too: the worker sends the link. */
export function verificationQueue(env: Env): VerificationQueue {
  const url = queueUrl(env);
  return loadedOnFirstUse<VerificationQueue>(
    ['sendVerification'],
    async () => (await loadQueues(url)).verifications,
  );
}

/** The identifier hasher, keyed with the current pepper (re-read when the secret cache expires). */
export function identifierHasher(secrets: SecretReader): () => Promise<IdentifierHasher> {
  let cached: { pepper: string; hasher: IdentifierHasher } | undefined;
  return async () => {
    const [pepper = ''] = await secrets('identifierPepper');
    if (!cached || cached.pepper !== pepper) cached = { pepper, hasher: makeIdentifierHasher(pepper) };
    return cached.hasher;
  };
}
