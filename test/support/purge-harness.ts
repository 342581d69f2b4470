// test support: the deletion worker wired to real adapters against in-process stand-ins, with hooks to
// inject faults between steps, and checks over every table.
import { SESClient } from '@aws-sdk/client-ses';
import { KMSClient } from '@aws-sdk/client-kms';
import { makeKmsReceiptSigner } from '../../functions/adapters/kms-receipt-keys.js';
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoIdentityResolver } from '../../functions/adapters/dynamo-identity-resolver.js';
import { makeDynamoSuppressionList } from '../../functions/adapters/dynamo-suppression-list.js';
import { makeDynamoTablePurger } from '../../functions/adapters/dynamo-table-purger.js';
import { makeSesEmailNotifier } from '../../functions/adapters/ses-email-notifier.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { Channel, SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { TABLES, mappedTables } from '../../functions/declarations/tables.js';
import type { ScopeName } from '../../functions/core/scope.js';
import type {
  DeletionRequestStore,
  EmailNotifier,
  JobQueue,
  ReceiptSigner,
  SuppressionList,
  ErasureRequester,
  ObjectPurger,
  TablePurger,
} from '../../functions/use-cases/ports.js';
import {
  makeProcessDeletionJob,
  type JobStep,
  type PurgeBudget,
} from '../../functions/use-cases/process-deletion-job.js';
import { seedDemoData, seedDemoObjects, type DemoPerson } from '../../local/seed-data.js';
import { makeErasureWebhookClient } from '../../functions/adapters/erasure-webhook-client.js';
import { makeS3ObjectPurger } from '../../functions/adapters/s3-object-purger.js';
import { EXTERNAL_STORES } from '../../functions/declarations/external-stores.js';
import { localBucketOf } from '../../local/provision.js';
import { LOCAL_ERASURE_WEBHOOK_SECRET } from '../../local/stand-ins.js';
import { startTestStandIns, type TestStandIns } from './stand-ins.js';
import type { StandInOptions } from '../../local/stand-ins.js';

export const PEPPER = 'test-pepper';

export interface Overrides {
  readonly documents?: DynamoDBDocumentClient;
  readonly purger?: (real: TablePurger) => TablePurger;
  readonly objects?: (real: ObjectPurger) => ObjectPurger;
  readonly erasure?: (real: ErasureRequester) => ErasureRequester;
  readonly email?: (real: EmailNotifier) => EmailNotifier;
  readonly store?: (real: DeletionRequestStore) => DeletionRequestStore;
  readonly suppressions?: (real: SuppressionList) => SuppressionList;
  readonly signer?: (real: ReceiptSigner) => ReceiptSigner;
  /** Sign with this key instead of the current one (a rotation). */
  readonly receiptKeyId?: string;
  readonly budget?: Partial<PurgeBudget>;
  /** Most requests the purger keeps in flight (its own default otherwise). */
  readonly concurrency?: number;
  readonly beforePurge?: readonly JobStep[];
  readonly afterPurge?: readonly JobStep[];
}

export interface Harness {
  readonly env: TestStandIns;
  readonly store: DeletionRequestStore;
  readonly continuations: string[];
  readonly metrics: string[];
  /** The KMS stand-in's client (receipt keys: env.provisioned.receiptKeyIds, current first). */
  readonly kms: KMSClient;
  /** Files a request (as intake does) and returns its id. */
  /** A request as the intake stores it; `scope` narrows it (a web request verified by a phone number). */
  file(channel: Channel, subject: SubjectIdentifier[], scope?: ScopeName): Promise<string>;
  worker(overrides?: Overrides): ReturnType<typeof makeProcessDeletionJob>;
  /** Runs the worker, and its continuation jobs, until the request is done. */
  runToEnd(requestId: string, overrides?: Overrides): Promise<number>;
  scanAll(): Promise<Record<string, Record<string, unknown>[]>>;
  getItem(table: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
  emailsTo(address: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startHarness(
  people: readonly DemoPerson[],
  options: StandInOptions = {},
): Promise<Harness> {
  const env = await startTestStandIns(options);
  await seedDemoData(env.documents, people);
  await seedDemoObjects(env.s3, people);
  // The SES stand-in keeps one mail store per process: start each harness from an empty one.
  await fetch(`${env.standIns.endpoints.ses}/clear-store`, { method: 'POST' });
  const store = makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');
  const ses = new SESClient({
    endpoint: env.standIns.endpoints.ses,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const kms = new KMSClient({
    endpoint: env.standIns.endpoints.kms,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const continuations: string[] = [];
  const metrics: string[] = [];
  const queue: JobQueue = { sendDeletionJob: async (requestId) => void continuations.push(requestId) };
  let counter = 0;

  const harness: Harness = {
    env,
    store,
    continuations,
    metrics,
    kms,
    async file(channel, subject, scope) {
      counter += 1;
      const requestId = `req_harness${Date.now()}${counter}`;
      const at = new Date().toISOString();
      const hash = makeIdentifierHasher(PEPPER);
      await store.create({
        requestId,
        confirmationCode: newConfirmationCode(),
        status: 'received',
        channel,
        ...(scope ? { scope } : {}),
        subject,
        subjectHashes: subject.map((identifier) => hash(identifier.kind, identifier.value)),
        receivedAt: at,
        updatedAt: at,
        outcomes: [],
        attempts: 0,
      });
      return requestId;
    },
    worker(overrides = {}) {
      const documents = overrides.documents ?? env.documents;
      const realPurger = makeDynamoTablePurger(documents, {
        tableName: (table) => table.id,
        sleep: async () => undefined,
        ...(overrides.concurrency ? { concurrency: overrides.concurrency } : {}),
      });
      const realEmail = makeSesEmailNotifier(ses, { from: 'privacy@example.com' });
      const realSigner = makeKmsReceiptSigner(
        kms,
        overrides.receiptKeyId ?? env.provisioned.receiptKeyIds[0] ?? '',
      );
      const realObjects = makeS3ObjectPurger(env.s3, { bucketOf: (step) => localBucketOf(step.store) });
      const realErasure = makeErasureWebhookClient({
        urlOf: (system) => env.standIns.downstream.erasureUrl(system.id),
        secretOf: async () => LOCAL_ERASURE_WEBHOOK_SECRET,
        events: {
          count: (metric, _value, dimensions) => void (dimensions ? undefined : metrics.push(metric)),
        },
        sleep: async () => undefined,
      });
      return makeProcessDeletionJob({
        store: overrides.store ? overrides.store(store) : store,
        purger: overrides.purger ? overrides.purger(realPurger) : realPurger,
        resolver: makeDynamoIdentityResolver(env.documents, 'IdentityLinks'),
        suppressions: overrides.suppressions
          ? overrides.suppressions(makeDynamoSuppressionList(env.documents, 'Suppressions'))
          : makeDynamoSuppressionList(env.documents, 'Suppressions'),
        email: overrides.email ? overrides.email(realEmail) : realEmail,
        queue,
        tables: mappedTables(),
        externalStores: EXTERNAL_STORES,
        objects: overrides.objects ? overrides.objects(realObjects) : realObjects,
        erasure: overrides.erasure ? overrides.erasure(realErasure) : realErasure,
        clock: { now: () => new Date() },
        // Recorded once per event: the copy with extra dimensions is the same event.
        events: {
          count: (metric, _value, dimensions) => void (dimensions ? undefined : metrics.push(metric)),
        },
        hashIdentifier: async () => makeIdentifierHasher(PEPPER),
        signer: overrides.signer ? overrides.signer(realSigner) : realSigner,
        publicBaseUrl: 'https://privacy.example.com',
        statusRetentionDays: 400,
        leaseMillis: 90_000,
        budget: { maxItems: 20_000, maxMillis: 60_000, pageSize: 1_000, ...overrides.budget },
        ...(overrides.beforePurge ? { beforePurge: overrides.beforePurge } : {}),
        ...(overrides.afterPurge ? { afterPurge: overrides.afterPurge } : {}),
      });
    },
    async runToEnd(requestId, overrides) {
      const run = harness.worker(overrides);
      let invocations = 0;
      for (;;) {
        invocations += 1;
        const outcome = await run(requestId);
        if (outcome !== 'continued') return invocations;
        if (invocations > 1000) throw new Error('too many continuations');
      }
    },
    async scanAll() {
      const result: Record<string, Record<string, unknown>[]> = {};
      for (const table of TABLES) {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await env.documents.send(
            new ScanCommand({ TableName: table.id, ExclusiveStartKey: start }),
          );
          items.push(...((page.Items ?? []) as Record<string, unknown>[]));
          start = page.LastEvaluatedKey;
        } while (start);
        result[table.id] = items;
      }
      return result;
    },
    async getItem(table, key) {
      return (await env.documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })))
        .Item;
    },
    async emailsTo(address) {
      const store = (await (await fetch(`${env.standIns.endpoints.ses}/store`)).json()) as {
        emails: { destination: { to: string[] } }[];
      };
      return store.emails.filter((email) => email.destination.to.includes(address));
    },
    async stop() {
      ses.destroy();
      kms.destroy();
      await env.stop();
    },
  };
  return harness;
}
