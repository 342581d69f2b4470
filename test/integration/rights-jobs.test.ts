// integration: the jobs of the other rights against the real stand-ins: a withdrawal deletes only
// what its activity names and records the preference; a correction changes one attribute of one item,
// survives a crash after the write without changing anything twice, and keeps only value hashes in
// the audit trail; a marketing withdrawal suppresses the person's WhatsApp identifiers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SESClient } from '@aws-sdk/client-ses';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeletionRequestStore } from '../../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoIdentityResolver } from '../../functions/adapters/dynamo-identity-resolver.js';
import {
  makeDynamoAttributeCorrector,
  makeDynamoConsentPreferences,
} from '../../functions/adapters/dynamo-rights-stores.js';
import { makeDynamoSuppressionList } from '../../functions/adapters/dynamo-suppression-list.js';
import { makeDynamoTablePurger } from '../../functions/adapters/dynamo-table-purger.js';
import { makeSesRightsNotifier } from '../../functions/adapters/ses-email-notifier.js';
import { newConfirmationCode } from '../../functions/core/confirmation-code.js';
import type { DeletionRequest } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { IDENTITY_LINKS_TABLE, TABLES, mappedTables } from '../../functions/declarations/tables.js';
import type { DeletionRequestStore } from '../../functions/use-cases/ports.js';
import { MARKETING_WITHDRAWN, makeProcessRightsJob } from '../../functions/use-cases/process-rights-job.js';
import { ANA, BEN, seedDemoData } from '../../local/seed-data.js';
import { startTestStandIns, type TestStandIns } from '../support/stand-ins.js';

const PEPPER = 'test-pepper';
/** Several table scans and a job: seconds on a busy machine. */
const TIMEOUT = 30_000;
let env: TestStandIns;
let ses: SESClient;

beforeAll(async () => {
  env = await startTestStandIns();
  await seedDemoData(env.documents, [ANA, BEN]);
  ses = new SESClient({
    endpoint: env.standIns.endpoints.ses,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 30_000);

afterAll(async () => {
  ses?.destroy();
  await env?.stop();
});

async function scanAll(): Promise<Record<string, Record<string, unknown>[]>> {
  const result: Record<string, Record<string, unknown>[]> = {};
  for (const table of TABLES) {
    const page = await env.documents.send(new ScanCommand({ TableName: table.id }));
    result[table.id] = (page.Items ?? []) as Record<string, unknown>[];
  }
  return result;
}

const sorted = (items: readonly Record<string, unknown>[] = []) => items.map((i) => JSON.stringify(i)).sort();
const real = () => makeDynamoDeletionRequestStore(env.documents, 'DeletionRequests');

function job(store: DeletionRequestStore = real()) {
  const tables = (table: { id: string }) => table.id;
  return makeProcessRightsJob({
    store,
    purger: makeDynamoTablePurger(env.documents, { tableName: tables, sleep: async () => undefined }),
    resolver: makeDynamoIdentityResolver(env.documents, 'IdentityLinks'),
    suppressions: makeDynamoSuppressionList(env.documents, 'Suppressions'),
    preferences: makeDynamoConsentPreferences(() => env.documents, tables),
    corrector: makeDynamoAttributeCorrector(() => env.documents, tables, IDENTITY_LINKS_TABLE),
    notifier: makeSesRightsNotifier(ses, { from: 'privacy@example.com' }),
    verifications: { forgetRequest: async () => 0 },
    queue: { sendDeletionJob: async () => undefined },
    tables: mappedTables(),
    clock: { now: () => new Date() },
    events: { count: () => undefined },
    hashIdentifier: async () => makeIdentifierHasher(PEPPER),
    publicBaseUrl: 'https://privacy.example.com',
    statusRetentionDays: 400,
    leaseMillis: 90_000,
  });
}

let counter = 0;
async function file(fields: Partial<DeletionRequest>): Promise<string> {
  counter += 1;
  const requestId = `req_rights${Date.now()}${counter}`;
  const at = new Date().toISOString();
  await real().create({
    requestId,
    confirmationCode: newConfirmationCode(),
    status: 'received',
    channel: 'email',
    subject: [{ kind: 'email', value: ANA.email }],
    subjectHashes: [makeIdentifierHasher(PEPPER)('email', ANA.email)],
    receivedAt: at,
    updatedAt: at,
    outcomes: [],
    attempts: 0,
    ...fields,
  });
  return requestId;
}

describe('withdrawing consent', () => {
  it(
    'deletes Ana’s analytics identifiers only, records the preference, and runs once',
    async () => {
      const before = await scanAll();
      const requestId = await file({ type: 'withdraw_consent', activity: 'analytics' });
      expect(await job()(requestId)).toBe('completed');
      expect(await job()(requestId)).toBe('already_finished');
      const after = await scanAll();
      expect(after.AnalyticsIdentifiers?.map((item) => item.accountId)).toEqual(['acct_ben']);
      expect(after.Preferences).toContainEqual(
        expect.objectContaining({
          accountId: 'acct_ana',
          preference: 'consent#analytics',
          value: 'withdrawn',
        }),
      );
      for (const table of mappedTables()
        .map((t) => t.id)
        .filter((id) => !['AnalyticsIdentifiers', 'Preferences'].includes(id)))
        expect(sorted(after[table])).toEqual(sorted(before[table]));
      const done = await real().get(requestId);
      expect(done).toMatchObject({ status: 'completed', subject: [] });
      expect(done?.outcomes).toEqual([
        { table: 'AnalyticsIdentifiers', deleted: 1, anonymised: 0, retained: 0 },
      ]);
    },
    TIMEOUT,
  );

  it(
    'suppresses Ana’s WhatsApp identifiers for marketing messages',
    async () => {
      const requestId = await file({ type: 'withdraw_consent', activity: 'marketing_messages' });
      expect(await job()(requestId)).toBe('completed');
      const suppressions = makeDynamoSuppressionList(env.documents, 'Suppressions');
      const hash = makeIdentifierHasher(PEPPER);
      expect(await suppressions.reasonFor(hash('whatsapp_phone', ANA.whatsappPhone))).toBe(
        MARKETING_WITHDRAWN,
      );
      expect(await suppressions.reasonFor(hash('whatsapp_bsuid', ANA.whatsappBsuid))).toBe(
        MARKETING_WITHDRAWN,
      );
      expect(await suppressions.isSuppressed(hash('whatsapp_phone', BEN.whatsappPhone))).toBe(false);
    },
    TIMEOUT,
  );
});

describe('requests verified by a phone number (WhatsApp data only)', () => {
  const byPhone = {
    channel: 'web' as const,
    scope: 'whatsapp_data' as const,
    subject: [{ kind: 'whatsapp_phone' as const, value: BEN.whatsappPhone }],
    subjectHashes: [makeIdentifierHasher(PEPPER)('whatsapp_phone', BEN.whatsappPhone)],
  };

  it(
    'stops WhatsApp marketing to the number, records that choice, and changes nothing of the account',
    async () => {
      const before = await scanAll();
      const requestId = await file({ ...byPhone, type: 'withdraw_consent', activity: 'marketing_messages' });
      expect(await job()(requestId)).toBe('completed');
      const hash = makeIdentifierHasher(PEPPER);
      const suppressions = makeDynamoSuppressionList(env.documents, 'Suppressions');
      expect(await suppressions.reasonFor(hash('whatsapp_phone', BEN.whatsappPhone))).toBe(
        MARKETING_WITHDRAWN,
      );
      const after = await scanAll();
      for (const table of mappedTables().map((t) => t.id))
        expect(sorted(after[table])).toEqual(sorted(before[table]));
      const done = await real().get(requestId);
      expect(done?.stepsDone).toContain('suppressed');
      expect(done?.stepsDone?.some((step) => step.startsWith('preference:'))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'never deletes account data or sets an account preference, even for a withdrawal intake would refuse',
    async () => {
      const before = await scanAll();
      const requestId = await file({ ...byPhone, type: 'withdraw_consent', activity: 'analytics' });
      expect(await job()(requestId)).toBe('completed');
      const after = await scanAll();
      for (const table of mappedTables().map((t) => t.id))
        expect(sorted(after[table])).toEqual(sorted(before[table]));
    },
    TIMEOUT,
  );

  it(
    'never corrects the account the number is linked to',
    async () => {
      const before = await scanAll();
      const requestId = await file({
        ...byPhone,
        type: 'correction',
        correction: { attribute: 'name', value: 'Mallory' },
      });
      expect(await job()(requestId)).toBe('completed');
      const after = await scanAll();
      for (const table of mappedTables().map((t) => t.id))
        expect(sorted(after[table])).toEqual(sorted(before[table]));
    },
    TIMEOUT,
  );
});

describe('correction', () => {
  it(
    'changes one attribute of one item, once, even when the job crashes right after the write',
    async () => {
      const before = await scanAll();
      const requestId = await file({
        type: 'correction',
        correction: { attribute: 'company', value: 'Ana Bakes Ltd' },
      });
      let crashes = 1;
      const crashing: DeletionRequestStore = {
        ...real(),
        async markStepDone(id, step, at) {
          if (step.startsWith('corrected:') && crashes-- > 0) throw new Error('crash after the write');
          return real().markStepDone(id, step, at);
        },
      };
      await expect(job(crashing)(requestId)).rejects.toThrow('crash after the write');
      expect((await real().get(requestId))?.status).toBe('failed');
      expect(await job(crashing)(requestId)).toBe('completed');

      const after = await scanAll();
      const ana = (items: Record<string, unknown>[] = []) =>
        items.find((item) => item.accountId === 'acct_ana');
      expect(ana(after.Accounts)).toEqual({ ...ana(before.Accounts), company: 'Ana Bakes Ltd' });
      for (const table of mappedTables()
        .map((t) => t.id)
        .filter((id) => id !== 'Accounts'))
        expect(sorted(after[table])).toEqual(sorted(before[table]));

      const events = await real().events(requestId);
      const corrections = events.filter(
        (event) => event.event === 'corrected' || event.event === 'already_correct',
      );
      expect(corrections.map((event) => event.event)).toEqual(['corrected', 'already_correct']);
      const hash = makeIdentifierHasher(PEPPER);
      expect(corrections[0]?.note).toBe(
        `Accounts.company: old ${hash('correction:company', "Ana's Bakery")}, new ${hash('correction:company', 'Ana Bakes Ltd')}`,
      );
      const stored = JSON.stringify(after.DeletionRequests?.find((item) => item.requestId === requestId));
      expect(stored).not.toContain('Ana Bakes Ltd');
      expect(stored).not.toContain("Ana's Bakery");
    },
    TIMEOUT,
  );
});
