// runtime: the exports bucket (copies of people's data), as the use cases' ExportStore. The S3 client and
// its adapter load on the first call: a link with an unknown or malformed code is answered without them.
import type { ExportStore } from '../use-cases/rights-ports.js';
import { loadedOnFirstUse } from './loaded-on-first-use.js';

const METHODS = ['put', 'get', 'list', 'deletePrefix'] as const;
// Fails to compile when ExportStore gains a method this list does not name.
const everyMethod: Exclude<keyof ExportStore, (typeof METHODS)[number]> extends never ? true : false = true;

export function exportStore(bucket: string): ExportStore {
  void everyMethod;
  return loadedOnFirstUse<ExportStore>(METHODS, async () => {
    const [{ makeS3ExportStore }, { s3 }] = await Promise.all([
      import('../adapters/s3-export-store.js'),
      import('./s3-client.js'),
    ]);
    return makeS3ExportStore(s3(), bucket);
  });
}
