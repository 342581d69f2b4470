// local: creates the declared tables and queues in the stand-ins, from the same declarations the
// CDK stack uses, and returns the environment the handlers read.
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { EXPORT_BUCKET_ENV } from '../functions/runtime/config.js';
import { DELETION_PIPELINE, QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import { TABLES, tableEnvVar, type TableDeclaration } from '../functions/declarations/tables.js';

export interface Provisioned {
  readonly env: Record<string, string>;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

function createTableInput(table: TableDeclaration): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  return {
    TableName: table.id,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(table.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/** The bucket that holds copies of people's data locally (the stack creates an encrypted one in AWS). */
export const LOCAL_EXPORT_BUCKET = 'privacy-exports';

export async function provision(endpoints: {
  dynamodb: string;
  sqs: string;
  s3?: string;
}): Promise<Provisioned> {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  if (endpoints.s3) {
    const s3 = new S3Client({
      endpoint: endpoints.s3,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: LOCAL_EXPORT_BUCKET }));
    } finally {
      s3.destroy();
    }
  }
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: endpoints.sqs, region: 'us-east-1', credentials });
  try {
    for (const table of TABLES) await dynamo.send(new CreateTableCommand(createTableInput(table)));

    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: DELETION_PIPELINE.deadLetterQueueId,
        Attributes: { MessageRetentionPeriod: String(DELETION_PIPELINE.deadLetterRetentionDays * 86400) },
      }),
    );
    const dlqUrl = dlq.QueueUrl ?? '';
    const dlqArn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: DELETION_PIPELINE.queueId,
        Attributes: {
          VisibilityTimeout: String(DELETION_PIPELINE.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
            maxReceiveCount: DELETION_PIPELINE.maxReceiveCount,
          }),
        },
      }),
    );
    const queueUrl = queue.QueueUrl ?? '';
    return {
      queueUrl,
      deadLetterQueueUrl: dlqUrl,
      env: {
        ...Object.fromEntries(TABLES.map((table) => [tableEnvVar(table), table.id])),
        [QUEUE_URL_ENV]: queueUrl,
        ...(endpoints.s3 ? { [EXPORT_BUCKET_ENV]: LOCAL_EXPORT_BUCKET } : {}),
      },
    };
  } finally {
    dynamo.destroy();
    sqs.destroy();
  }
}
