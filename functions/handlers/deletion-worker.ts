// handler: SQS deletion jobs. Each record is processed on its own; failures are reported per record
// (partial batch response) so one bad job never holds back the others, and after the queue's
// maxReceiveCount a failing job moves to the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { makeDynamoTablePurger } from '../adapters/dynamo-table-purger.js';
import { DeletionJobMessage } from '../core/job-message.js';
import { mappedTables } from '../declarations/tables.js';
import { makeProcessDeletionJob } from '../use-cases/process-deletion-job.js';
import { systemClock } from '../use-cases/ports.js';
import { statusRetentionDays, tableName } from '../runtime/config.js';
import { dynamoDocumentClient } from '../runtime/aws-clients.js';
import { logger, metrics, powertoolsEvents } from '../runtime/observability.js';
import { deletionRequestStore } from '../runtime/wiring.js';

const env = process.env;
const tables = mappedTables();
const physicalNames = new Map(tables.map((table) => [table.id, tableName(env, table)]));

const processDeletionJob = makeProcessDeletionJob({
  store: deletionRequestStore(env),
  purger: makeDynamoTablePurger(dynamoDocumentClient(), {
    tableName: (table) => physicalNames.get(table.id) ?? table.id,
  }),
  tables,
  clock: systemClock,
  events: powertoolsEvents,
  statusRetentionDays: statusRetentionDays(env),
});

const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  let job: DeletionJobMessage;
  try {
    job = DeletionJobMessage.parse(JSON.parse(record.body));
  } catch {
    // A malformed job can never succeed: fail it so it ends in the dead-letter queue, visibly.
    logger.error('Malformed deletion job', { messageId: record.messageId });
    throw new Error('Malformed deletion job');
  }
  const outcome = await processDeletionJob(job.requestId);
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
