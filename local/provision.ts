// local: creates the declared tables and queues in the stand-ins, from the same declarations the
// CDK stack uses, and returns the environment the handlers read.
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { EXPORT_BUCKET_ENV } from '../functions/runtime/config.js';
import {
  EXTERNAL_STORES,
  erasureWebhookSecretEnvName,
  externalStoreEnvVar,
  type ExternalStoreDeclaration,
} from '../functions/declarations/external-stores.js';
import { DELETION_PIPELINE, QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import {
  RECEIPT_KEY_SPEC,
  RECEIPT_KEY_USAGE,
  RECEIPT_PUBLISHED_KEYS_ENV,
  RECEIPT_SIGNING_KEY_ENV,
} from '../functions/declarations/receipt-keys.js';
import { TABLES, tableEnvVar, type TableDeclaration } from '../functions/declarations/tables.js';

export interface Provisioned {
  readonly env: Record<string, string>;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Receipt keys in the KMS stand-in: the current one first, then one previous (as after a rotation). */
  readonly receiptKeyIds: readonly string[];
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

/** The local bucket of an object prefix: `local-` and its id in kebab case (MediaCopies: local-media-copies). */
export function localBucketOf(store: Pick<ExternalStoreDeclaration, 'id'>): string {
  return `local-${store.id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

export interface ProvisionEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly s3: string;
  readonly kms: string;
  /** The stand-in downstream system that receives erasure webhooks. */
  readonly processors: string;
}

export async function provision(
  endpoints: ProvisionEndpoints,
  erasureWebhookSecret: string,
): Promise<Provisioned> {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: endpoints.sqs, region: 'us-east-1', credentials });
  const kms = new KMSClient({ endpoint: endpoints.kms, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', credentials, forcePathStyle: true });
  try {
    const receiptKeyIds: string[] = [];
    for (const generation of ['current', 'previous']) {
      const created = await kms.send(
        new CreateKeyCommand({
          KeySpec: RECEIPT_KEY_SPEC,
          KeyUsage: RECEIPT_KEY_USAGE,
          Description: `Deletion receipts (${generation}, local)`,
        }),
      );
      receiptKeyIds.push(created.KeyMetadata?.KeyId ?? '');
    }

    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_EXPORT_BUCKET }));
    for (const table of TABLES) await dynamo.send(new CreateTableCommand(createTableInput(table)));
    // The data map's other stores: a bucket per object prefix, the stand-in system for each erasure webhook.
    const externalEnv: Record<string, string> = {};
    for (const store of EXTERNAL_STORES) {
      if (store.kind === 'object_prefix') {
        await s3.send(new CreateBucketCommand({ Bucket: localBucketOf(store) }));
        externalEnv[externalStoreEnvVar(store)] = localBucketOf(store);
      } else {
        externalEnv[externalStoreEnvVar(store)] = `${endpoints.processors}/erasure/${store.id}`;
        externalEnv[erasureWebhookSecretEnvName(store)] = erasureWebhookSecret;
      }
    }

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
      receiptKeyIds,
      env: {
        ...Object.fromEntries(TABLES.map((table) => [tableEnvVar(table), table.id])),
        ...externalEnv,
        [QUEUE_URL_ENV]: queueUrl,
        [RECEIPT_SIGNING_KEY_ENV]: receiptKeyIds[0] ?? '',
        [RECEIPT_PUBLISHED_KEYS_ENV]: receiptKeyIds.join(','),
        [EXPORT_BUCKET_ENV]: LOCAL_EXPORT_BUCKET,
      },
    };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    kms.destroy();
    s3.destroy();
  }
}
