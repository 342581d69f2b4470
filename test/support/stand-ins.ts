// test support: the AWS stand-ins in this process, with the declared tables and queues created.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { provision, type Provisioned } from '../../local/provision.js';
import { S3Client } from '@aws-sdk/client-s3';
import {
  LOCAL_ERASURE_WEBHOOK_SECRET,
  startStandIns,
  type StandInOptions,
  type StandIns,
} from '../../local/stand-ins.js';

export interface TestStandIns {
  readonly standIns: StandIns;
  readonly provisioned: Provisioned;
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startTestStandIns(options: StandInOptions = {}): Promise<TestStandIns> {
  const standIns = await startStandIns({ dynamodb: 0, sqs: 0, ses: 0, graph: 0, kms: 0 }, options);
  const provisioned = await provision(standIns.endpoints, LOCAL_ERASURE_WEBHOOK_SECRET);
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: standIns.endpoints.dynamodb, region: 'us-east-1', credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
  const s3 = new S3Client({
    endpoint: standIns.endpoints.s3,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
  });
  return {
    standIns,
    provisioned,
    documents,
    sqs,
    s3,
    async stop() {
      documents.destroy();
      sqs.destroy();
      s3.destroy();
      await standIns.stop();
    },
  };
}
