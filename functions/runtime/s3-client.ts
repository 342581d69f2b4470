// runtime: the S3 client, created once per process. Apart from the other clients (aws-clients.ts) so that
// only the requests that use S3 load it (see loaded-on-first-use.ts).
import { S3Client } from '@aws-sdk/client-s3';

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  // Path-style only where an endpoint is configured (the local stand-in serves buckets by path).
  s3Client ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return s3Client;
}
