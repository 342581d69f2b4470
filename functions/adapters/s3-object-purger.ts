// adapters: deletes a subject's objects under one prefix of an S3 bucket, every version and every delete marker
// (a versioned bucket keeps old versions after a plain delete, and those are the person's data too). Each page
// lists what is left from the start, so a retried or continued step needs no saved position.
import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectPrefixStep } from '../core/purge-plan.js';
import type { ObjectPurger, PurgePage } from '../use-cases/ports.js';

export interface ObjectPurgerOptions {
  /** The bucket of a declared object prefix. */
  readonly bucketOf: (step: ObjectPrefixStep) => string;
}

/** One thing to delete: an object version (or delete marker) by id, or an object a plain listing shows. */
interface Target {
  readonly key: string;
  readonly versionId?: string;
  /** Delete markers are removed but not counted: they hold no data. */
  readonly counted: boolean;
}

export class ObjectDeletionError extends Error {
  override readonly name = 'ObjectDeletionError';
}

/** S3 deletes at most 1,000 keys per DeleteObjects call and lists at most 1,000 per page. */
const MAX_KEYS = 1000;

export function makeS3ObjectPurger(client: S3Client, options: ObjectPurgerOptions): ObjectPurger {
  /** One page of object versions and delete markers under the prefix. */
  async function listVersions(step: ObjectPrefixStep, limit: number, from?: VersionMarker) {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: options.bucketOf(step),
        Prefix: step.prefix,
        MaxKeys: limit,
        ...(from ? { KeyMarker: from.keyMarker, VersionIdMarker: from.versionIdMarker } : {}),
      }),
    );
    const targets: Target[] = [
      ...(page.Versions ?? []).map((version) => ({
        key: version.Key ?? '',
        versionId: version.VersionId ?? 'null',
        counted: true,
      })),
      ...(page.DeleteMarkers ?? []).map((marker) => ({
        key: marker.Key ?? '',
        versionId: marker.VersionId ?? 'null',
        counted: false,
      })),
    ].filter((target) => target.key.startsWith(step.prefix));
    const next: VersionMarker | undefined = page.IsTruncated
      ? { keyMarker: page.NextKeyMarker ?? '', versionIdMarker: page.NextVersionIdMarker ?? '' }
      : undefined;
    return { targets, next };
  }

  /**
   * One page of objects as a plain listing shows them. In S3 every one of them is also a version listed above;
   * a store that lists no versions (the local stand-in) still shows them here, so none is left unseen.
   */
  async function listObjects(step: ObjectPrefixStep, limit: number, token?: string) {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: options.bucketOf(step),
        Prefix: step.prefix,
        MaxKeys: limit,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    const keys = (page.Contents ?? [])
      .map((object) => object.Key ?? '')
      .filter((key) => key.startsWith(step.prefix));
    return { keys, next: page.IsTruncated ? page.NextContinuationToken : undefined };
  }

  async function deleteTargets(step: ObjectPrefixStep, targets: readonly Target[]): Promise<void> {
    for (let start = 0; start < targets.length; start += MAX_KEYS) {
      const chunk = targets.slice(start, start + MAX_KEYS);
      const result = await client.send(
        new DeleteObjectsCommand({
          Bucket: options.bucketOf(step),
          Delete: {
            Quiet: true,
            Objects: chunk.map((target) => ({
              Key: target.key,
              ...(target.versionId ? { VersionId: target.versionId } : {}),
            })),
          },
        }),
      );
      // An object S3 would not delete (object lock, access) fails the step visibly; its key is not logged.
      const errors = result.Errors ?? [];
      if (errors.length > 0) {
        const codes = [...new Set(errors.map((error) => error.Code ?? 'unknown'))];
        throw new ObjectDeletionError(
          `${errors.length} objects of ${step.store.id} were not deleted (${codes.join(', ')})`,
        );
      }
    }
  }

  return {
    async purgePage(step, maxItems): Promise<PurgePage> {
      // Always from the start: what was deleted no longer lists, so a retry needs no saved position.
      const limit = Math.max(1, Math.min(maxItems, MAX_KEYS));
      const versions = await listVersions(step, limit);
      let targets = versions.targets;
      if (targets.length === 0) {
        const objects = await listObjects(step, limit);
        targets = objects.keys.map((key) => ({ key, counted: true }));
      }
      await deleteTargets(step, targets);
      const deleted = targets.filter((target) => target.counted).length;
      // Done only after a page that found nothing left.
      return { deleted, anonymised: 0, retained: 0, done: targets.length === 0 };
    },

    async countRemaining(step) {
      const versionedKeys = new Set<string>();
      let remaining = 0;
      let marker: VersionMarker | undefined;
      do {
        const page = await listVersions(step, MAX_KEYS, marker);
        for (const target of page.targets) {
          versionedKeys.add(target.key);
          if (target.counted) remaining += 1;
        }
        marker = page.next;
      } while (marker);
      let token: string | undefined;
      do {
        const page = await listObjects(step, MAX_KEYS, token);
        remaining += page.keys.filter((key) => !versionedKeys.has(key)).length;
        token = page.next;
      } while (token);
      return remaining;
    },
  };
}

interface VersionMarker {
  readonly keyMarker: string;
  readonly versionIdMarker: string;
}
