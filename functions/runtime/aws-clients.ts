// runtime: AWS SDK clients, created once per process. Endpoints come from the SDK's standard
// AWS_ENDPOINT_URL_* variables, which is how the local runner points them at the stand-ins. KMS, S3 and
// SQS have modules of their own (kms-client.ts, s3-client.ts, sqs-client.ts), so the functions that do
// not use them do not bundle them, and those that use them on some requests only load them then.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';

let documentClient: DynamoDBDocumentClient | undefined;
let sesClient: SESClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function ses(): SESClient {
  // A bounded wait: an SES outage fails the job (retried later) instead of hanging it to the timeout.
  sesClient ??= new SESClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
  return sesClient;
}
