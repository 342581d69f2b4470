// runtime: builds the adapters a handler needs from configuration, once per process.
import { makeDynamoDeletionRequestStore } from '../adapters/dynamo-deletion-requests.js';
import { makeDynamoOpenRequestIndex } from '../adapters/dynamo-open-requests.js';
import { makeSqsJobQueue } from '../adapters/sqs-job-queue.js';
import { makeIdentifierHasher, type IdentifierHasher } from '../core/keyed-hash.js';
import { DELETION_REQUESTS_TABLE } from '../declarations/tables.js';
import { queueUrl, tableName, type Env } from './config.js';
import { dynamoDocumentClient, sqs } from './aws-clients.js';
import type { SecretReader } from '../use-cases/ports.js';

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

export function deletionJobQueue(env: Env) {
  return makeSqsJobQueue(sqs(), queueUrl(env));
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
