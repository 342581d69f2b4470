// runtime: the SQS client, created once per process. Apart from the other clients (aws-clients.ts) so that
// it loads with the first job sent: most WhatsApp messages and most scheduled runs send none.
import { SQSClient } from '@aws-sdk/client-sqs';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  // Calls go to the configured (or regional) endpoint rather than the host inside the queue URL: the
  // same place in AWS, and it lets AWS_ENDPOINT_URL_SQS point at a stand-in.
  sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqsClient;
}
