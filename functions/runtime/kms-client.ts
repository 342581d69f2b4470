// runtime: the KMS client (receipt signing and the published keys), created once per process. Apart from
// the other clients (aws-clients.ts) so that the receipt keys function bundles KMS alone, not DynamoDB.
import { KMSClient } from '@aws-sdk/client-kms';

let kmsClient: KMSClient | undefined;

export function kms(): KMSClient {
  // Bounded like SES: a KMS outage fails the job (retried later) rather than hanging it.
  kmsClient ??= new KMSClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
  return kmsClient;
}
