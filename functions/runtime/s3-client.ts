// runtime: the S3 client, created once per process, in its own module so that only the functions that reach
// S3 bundle it. Its endpoint comes from AWS_ENDPOINT_URL_S3 like the other clients' (the local stand-in).
import { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStoreSettings } from './config.js';

let s3Client: S3Client | undefined;

export function s3(settings: ObjectStoreSettings): S3Client {
  s3Client ??= new S3Client({
    // A stand-in on 127.0.0.1 has no bucket subdomains: address buckets in the path there.
    forcePathStyle: settings.forcePathStyle,
    // A bounded wait: an S3 outage fails the job (retried later) instead of hanging it to the timeout.
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 2_000 },
  });
  return s3Client;
}
