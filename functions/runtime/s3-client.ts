// runtime: the S3 client, created once per process. Apart from the other clients (aws-clients.ts) so that a
// function that needs S3 on some requests only (the copy download) can load it on first use.
import { S3Client } from '@aws-sdk/client-s3';

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  // Path-style only where an endpoint is configured (the local stand-in serves buckets by path).
  s3Client ??= new S3Client({
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    // Bounded: an S3 outage fails the job (retried later) instead of hanging it to the timeout.
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 2_000 },
  });
  return s3Client;
}
