// adapters: lists a subject's objects under one prefix of an S3 bucket for a copy of their data (access):
// the current objects, a page at a time, by name, size and date. Reads only.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectPrefixStep } from '../core/purge-plan.js';
import type { ObjectLister } from '../use-cases/rights-ports.js';

export function makeS3ObjectLister(
  client: S3Client,
  options: { readonly bucketOf: (step: ObjectPrefixStep) => string },
): ObjectLister {
  return {
    async listPage(step, token, limit) {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: options.bucketOf(step),
          Prefix: step.prefix,
          // S3 lists at most 1,000 keys per page.
          MaxKeys: Math.max(1, Math.min(limit, 1000)),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      const objects = (page.Contents ?? [])
        .filter((object) => object.Key?.startsWith(step.prefix))
        .map((object) => ({
          name: (object.Key ?? '').slice(step.prefix.length),
          size: object.Size ?? 0,
          ...(object.LastModified ? { lastModified: object.LastModified.toISOString() } : {}),
        }));
      return {
        objects,
        ...(page.IsTruncated && page.NextContinuationToken ? { next: page.NextContinuationToken } : {}),
      };
    },
  };
}
