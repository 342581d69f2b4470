// runtime: AWS SDK clients, created once per process. Endpoints come from the SDK's standard
// AWS_ENDPOINT_URL_* variables, which is how the local runner points them at the stand-ins. KMS and S3
// have modules of their own (kms-client.ts, s3-client.ts), so the functions that do not use them do not
// bundle them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SESClient } from '@aws-sdk/client-ses';

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sesClient: SESClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sqs(): SQSClient {
  // Calls go to the configured (or regional) endpoint rather than the host inside the queue URL: the
  // same place in AWS, and it lets AWS_ENDPOINT_URL_SQS point at a stand-in.
  sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqsClient;
}

export function ses(): SESClient {
  // A bounded wait: an SES outage fails the job (retried later) instead of hanging it to the timeout.
  sesClient ??= new SESClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
  return sesClient;
}
