// integration: a copy of a large subject's data (Cleo, 10,000 insight items) against the real stand-ins
// (DynamoDB, S3 in fauxqs): built a page at a time across several invocations within a small budget,
// complete at the end, nothing changed anywhere, and the pages it waited on cleaned up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoIdentityResolver } from '../../functions/adapters/dynamo-identity-resolver.js';
import {
  makeDynamoAttributeCorrector,
  makeDynamoConsentPreferences,
} from '../../functions/adapters/dynamo-rights-stores.js';
import { makeDynamoSubjectReader } from '../../functions/adapters/dynamo-subject-reader.js';
import { makeDynamoSuppressionList } from '../../functions/adapters/dynamo-suppression-list.js';
import { makeDynamoTablePurger } from '../../functions/adapters/dynamo-table-purger.js';
import { makeS3ExportStore } from '../../functions/adapters/s3-export-store.js';
import { makeS3ObjectLister } from '../../functions/adapters/s3-object-lister.js';
import { EXTERNAL_STORES } from '../../functions/declarations/external-stores.js';
import { makeSesRightsNotifier } from '../../functions/adapters/ses-email-notifier.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { ExportDocument } from '../../functions/core/export-document.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { scopeOfRequest } from '../../functions/core/scope.js';
import { IDENTITY_LINKS_TABLE, TABLES, mappedTables } from '../../functions/declarations/tables.js';
import { exportPrefix, makeAccessExporter } from '../../functions/use-cases/build-export.js';
import { makeProcessRightsJob } from '../../functions/use-cases/process-rights-job.js';
import { LOCAL_EXPORT_BUCKET, localBucketOf } from '../../local/provision.js';
import { BEN, CLEO, demoMediaKeys, seedDemoData, seedDemoObjects } from '../../local/seed-data.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

let env: TestStandIns;
let ses: SESClient;
let s3: S3Client;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  env = await startTestStandIns();
  await seedDemoData(env.documents, [CLEO, BEN]);
  await seedDemoObjects(env.s3, [CLEO, BEN]);
  ses = new SESClient({ endpoint: env.standIns.endpoints.ses, region: 'us-east-1', credentials });
  s3 = new S3Client({
    endpoint: env.standIns.endpoints.s3,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
  });
}, 120_000);

afterAll(async () => {
  ses?.destroy();
  s3?.destroy();
  await env?.stop();
});

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await env.documents.send(
        new ScanCommand({ TableName: table.id, ExclusiveStartKey: start, Select: 'COUNT' }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    result[table.id] = count;
  }
  return result;
}

/** Files an access request straight in the store (intake and verification are tested elsewhere). */
async function fileAccessRequest(
  name: string,
  fields: Pick<DeletionRequest, 'channel' | 'subject'> & Partial<DeletionRequest>,
): Promise<string> {
  const requestId = `req_${name}${Date.now()}`;
  const at = new Date().toISOString();
  await makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests').create({
    requestId,
    confirmationCode: newConfirmationCode(),
    status: 'received',
    type: 'access',
    subjectHashes: ['h'],
    receivedAt: at,
    updatedAt: at,
    outcomes: [],
    attempts: 0,
    ...fields,
  });
  return requestId;
}

function rightsJob(continuations: string[] = []) {
  const store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
  const exports = makeS3ExportStore(s3, LOCAL_EXPORT_BUCKET);
  const tables = (table: { id: string }) => table.id;
  return makeProcessRightsJob({
    store,
    purger: makeDynamoTablePurger(env.documents, { tableName: tables }),
    resolver: makeDynamoIdentityResolver(env.documents, 'IdentityLinks'),
    suppressions: makeDynamoSuppressionList(env.documents, 'Suppressions'),
    preferences: makeDynamoConsentPreferences(() => env.documents, tables),
    corrector: makeDynamoAttributeCorrector(() => env.documents, tables, IDENTITY_LINKS_TABLE),
    notifier: makeSesRightsNotifier(ses, { from: 'privacy@example.com' }),
    verifications: { forgetRequest: async () => 0 },
    exporter: makeAccessExporter({
      reader: makeDynamoSubjectReader(() => env.documents, tables),
      external: {
        stores: EXTERNAL_STORES,
        objects: makeS3ObjectLister(env.s3, { bucketOf: (step) => localBucketOf(step.store) }),
      },
      store: exports,
      tables: mappedTables(),
      clock: { now: () => new Date() },
      budget: { maxItems: 4_000, maxMillis: 60_000, pageSize: 1_000 },
      linkDays: 7,
      publicBaseUrl: 'https://privacy.example.com',
    }),
    queue: { sendDeletionJob: async (id) => void continuations.push(id) },
    tables: mappedTables(),
    clock: { now: () => new Date() },
    events: { count: () => undefined },
    hashIdentifier: async () => makeIdentifierHasher('pepper'),
    publicBaseUrl: 'https://privacy.example.com',
    statusRetentionDays: 400,
    leaseMillis: 90_000,
  });
}

describe('a copy of a large subject', () => {
  it('is built in pages across invocations within the budget, whole, and changes nothing', async () => {
    const store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
    const exports = makeS3ExportStore(s3, LOCAL_EXPORT_BUCKET);
    const continuations: string[] = [];
    const run = rightsJob(continuations);
    const before = await counts();
    const requestId = await fileAccessRequest('export', {
      channel: 'email',
      subject: [{ kind: 'email', value: CLEO.email }],
    });
    let invocations = 0;
    for (;;) {
      invocations += 1;
      if ((await run(requestId)) !== 'continued') break;
      expect(invocations).toBeLessThan(20);
    }
    expect(invocations).toBeGreaterThanOrEqual(3);
    expect(continuations).toHaveLength(invocations - 1);

    const done = await store.get(requestId);
    expect(done).toMatchObject({ status: 'completed', type: 'access', subject: [] });
    expect(done?.exportExpiresAt).toEqual(expect.any(String));
    const copy = JSON.parse(
      (await exports.get(`${exportPrefix(requestId)}export.json`)) ?? '{}',
    ) as ExportDocument;
    const insights = copy.categories.find((category) => category.category === 'meta_pages')?.records ?? [];
    expect(insights.filter((record) => String(record.item).startsWith('INSIGHTS#')).length).toBeGreaterThan(
      10_000,
    );
    expect(JSON.stringify(copy)).not.toContain(BEN.email);
    expect(await exports.list(`${exportPrefix(requestId)}parts/`)).toEqual([]);
    expect(await exports.list(exportPrefix(requestId))).toEqual([
      `${exportPrefix(requestId)}export.html`,
      `${exportPrefix(requestId)}export.json`,
    ]);
    const after = await counts();
    expect({ ...after, DeletionRequests: 0 }).toEqual({ ...before, DeletionRequests: 0 });
  }, 240_000);
});

describe('a copy that reaches stores outside DynamoDB', () => {
  it("lists the person's files under their media prefix and names the other systems it cannot read", async () => {
    const exports = makeS3ExportStore(s3, LOCAL_EXPORT_BUCKET);
    const requestId = await fileAccessRequest('filescopy', {
      channel: 'email',
      subject: [{ kind: 'email', value: BEN.email }],
    });
    expect(await rightsJob()(requestId)).toBe('completed');
    const copy = JSON.parse(
      (await exports.get(`${exportPrefix(requestId)}export.json`)) ?? '{}',
    ) as ExportDocument;
    const media = copy.categories.find((category) => category.category === 'instagram_media');
    expect(media?.stores).toContain('MediaCopies');
    const files = (media?.records ?? []).filter((record) => 'file' in record);
    expect(files.map((record) => record.file).sort()).toEqual(
      demoMediaKeys(BEN)
        .map((key) => key.split('/').at(-1))
        .sort(),
    );
    expect(files.every((record) => typeof record.size_bytes === 'number')).toBe(true);
    // Another person's folder is never listed.
    expect(JSON.stringify(copy)).not.toContain(CLEO.facebookAsid);
    expect(copy.held_elsewhere).toEqual([
      expect.objectContaining({ store: 'AnalyticsProvider', recipient: 'our analytics provider' }),
    ]);
    const page = (await exports.get(`${exportPrefix(requestId)}export.html`)) ?? '';
    expect(page).toContain('everything we hold about you in our own systems');
    expect(page).toContain('Held for us by other systems');
    expect(page).toContain('<li>Our analytics provider: ');
  }, 60_000);
});

describe('a copy asked for with a phone number', () => {
  it('holds the WhatsApp data of that number only, nothing of the account it is linked to', async () => {
    const exports = makeS3ExportStore(s3, LOCAL_EXPORT_BUCKET);
    const requestId = await fileAccessRequest('phonecopy', {
      channel: 'web',
      scope: 'whatsapp_data',
      subject: [{ kind: 'whatsapp_phone', value: BEN.whatsappPhone }],
    });
    expect(await rightsJob()(requestId)).toBe('completed');
    const copy = JSON.parse(
      (await exports.get(`${exportPrefix(requestId)}export.json`)) ?? '{}',
    ) as ExportDocument;
    const categories = copy.categories.map((category) => category.category);
    expect(categories.length).toBeGreaterThan(0);
    expect(
      categories.every((category) => scopeOfRequest({ channel: 'whatsapp' }).categories.includes(category)),
    ).toBe(true);
    const text = JSON.stringify(copy);
    expect(text).toContain(BEN.whatsappPhone);
    expect(text).not.toContain(BEN.email);
    expect(text).not.toContain("Ben's Bakery");
  }, 60_000);
});
