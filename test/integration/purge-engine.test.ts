// integration: the purge engine end to end against the stand-ins — every scope, identity resolution,
// retention, continuation, and failures injected between steps.
import { afterEach, describe, expect, it } from '@jest/globals';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel, SubjectIdentifier } from '../../functions/core/deletion-request.js';
import { toStatusView } from '../../functions/core/deletion-request.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import { TABLES } from '../../functions/declarations/tables.js';
import { ANA, BEN, CLEO, demoItems, type DemoPerson } from '../../local/seed-data.js';
import { PEPPER, startHarness, type Harness } from '../support/purge-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const inScopeIdentifiers: Record<'facebook' | 'whatsapp' | 'email', (person: DemoPerson) => string[]> = {
  facebook: (p) => [p.facebookAsid, p.instagramScopedId, p.pageScopedId],
  whatsapp: (p) => [p.whatsappPhone, p.whatsappBsuid],
  email: (p) => [
    p.facebookAsid,
    p.instagramScopedId,
    p.pageScopedId,
    p.whatsappPhone,
    p.whatsappBsuid,
    p.email,
  ],
};

const keyOf = (tableId: string, item: Record<string, unknown>) => {
  const table = TABLES.find((candidate) => candidate.id === tableId)!;
  return Object.fromEntries(
    [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])].map((name) => [
      name,
      item[name],
    ]),
  );
};

async function expectUnchanged(h: Harness, person: DemoPerson, tables?: readonly string[]) {
  for (const [table, items] of Object.entries(demoItems(person))) {
    if (tables && !tables.includes(table)) continue;
    for (const item of items) expect(await h.getItem(table, keyOf(table, item))).toEqual(item);
  }
}

async function expectNoRawIdentifier(h: Harness, identifiers: readonly string[]) {
  const everything = await h.scanAll();
  for (const [table, items] of Object.entries(everything)) {
    for (const item of items) {
      const text = JSON.stringify(item);
      for (const identifier of identifiers) {
        if (text.includes(identifier)) throw new Error(`${table} still holds ${identifier}: ${text}`);
      }
    }
  }
}

interface Mail {
  readonly subject: string;
  readonly body: { readonly text?: string };
}

const subjectFor = (channel: Channel, person: DemoPerson): SubjectIdentifier[] =>
  channel === 'facebook'
    ? [{ kind: 'facebook_asid', value: person.facebookAsid }]
    : channel === 'whatsapp'
      ? [{ kind: 'whatsapp_phone', value: person.whatsappPhone }]
      : [{ kind: 'email', value: person.email }];

describe('purge engine, per scope', () => {
  it('a Facebook callback removes the Meta platform data of the linked identities and nothing else', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('facebook', subjectFor('facebook', ANA));

    expect(await harness.runToEnd(requestId)).toBe(1);

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed');
    expect(done?.identitiesReached).toEqual(
      expect.arrayContaining([
        'facebook_asid',
        'instagram_scoped_id',
        'whatsapp_phone',
        'email',
        'account_id',
      ]),
    );
    expect(
      Object.fromEntries(done!.outcomes.map((o) => [o.table, [o.deleted, o.anonymised, o.retained]])),
    ).toEqual({
      Accounts: [0, 1, 0],
      IdentityLinks: [3, 0, 0],
      IntegrationTokens: [3, 0, 0],
      MetaPlatformData: [9, 0, 0],
      // Beyond DynamoDB: the media copies of the Meta ids, and what the analytics provider erased for them.
      MediaCopies: [3, 0, 0],
      AnalyticsProvider: [6, 0, 0],
    });
    await expectNoRawIdentifier(harness, inScopeIdentifiers.facebook(ANA));
    // Out of scope for this channel: Ana's account, WhatsApp conversations, transcripts, billing.
    await expectUnchanged(harness, ANA, [
      'WhatsAppMessages',
      'WhatsAppContacts',
      'AgentTranscripts',
      'BillingRecords',
    ]);
    expect((await harness.getItem('Accounts', { accountId: ANA.accountId }))?.email).toBe(ANA.email);
    await expectUnchanged(harness, BEN);

    // The email names what was deleted, not more, and how to delete the rest.
    const [mail] = (await harness.emailsTo(ANA.email)) as Mail[];
    expect(mail?.subject).toBe('Your Facebook and Instagram data has been deleted');
    expect(mail?.body.text).toMatch(/^Your Facebook and Instagram data has been deleted\./);
    expect(mail?.body.text).toContain('This request did not cover: Your account with us');
    expect(mail?.body.text).toContain(
      'To delete the rest too, ask here: https://privacy.example.com/delete-my-data',
    );
    expect(mail?.body.text).not.toMatch(/GMT/);
  });

  it('a WhatsApp request removes the WhatsApp data under phone and BSUID and nothing else', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('whatsapp', subjectFor('whatsapp', ANA));

    await harness.runToEnd(requestId);

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed');
    expect(Object.fromEntries(done!.outcomes.map((o) => [o.table, o.deleted]))).toEqual({
      IdentityLinks: 2,
      WhatsAppContacts: 1,
      WhatsAppMessages: 3,
    });
    await expectNoRawIdentifier(harness, inScopeIdentifiers.whatsapp(ANA));
    await expectUnchanged(harness, ANA, ['MetaPlatformData', 'Accounts', 'BillingRecords', 'SupportTickets']);
    await expectUnchanged(harness, BEN);
  });

  it('a verified email request removes everything, keeps billing and fraud records anonymised, with reasons', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('email', subjectFor('email', ANA));

    await harness.runToEnd(requestId);

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed_with_retention');
    const outcomes = Object.fromEntries(done!.outcomes.map((o) => [o.table, o]));
    // 31 table items, 3 media objects, 12 records the analytics provider erased.
    expect(Object.values(outcomes).reduce((sum, o) => sum + o.deleted, 0)).toBe(46);
    expect(outcomes.BillingRecords).toMatchObject({ retained: 2, retentionReason: 'tax_and_accounting' });
    expect(outcomes.FraudSignals).toMatchObject({ retained: 1, retentionReason: 'fraud_prevention' });
    expect(outcomes.BillingRecords?.retainedUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const [mail] = (await harness.emailsTo(ANA.email)) as Mail[];
    expect(mail?.subject).toBe('Your data has been deleted');
    expect(mail?.body.text).toContain(
      'Your data has been deleted, except records kept because the law requires it and records kept to prevent fraud.',
    );
    expect(mail?.body.text).not.toContain('did not cover');
    await expectNoRawIdentifier(harness, inScopeIdentifiers.email(ANA));
    const invoice = await harness.getItem('BillingRecords', {
      accountId: ANA.accountId,
      invoiceId: 'INV-2026-001',
    });
    expect(invoice).toMatchObject({ amountCents: 4900, retentionReason: 'tax_and_accounting' });
    expect(typeof invoice?.retainUntil).toBe('number');
    await expectUnchanged(harness, BEN);
  });

  it('writes suppression records as keyed hashes and sends one confirmation email', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('email', subjectFor('email', ANA));

    await harness.runToEnd(requestId);
    await harness.runToEnd(requestId);

    const hash = makeIdentifierHasher(PEPPER);
    for (const [kind, value] of [
      ['email', ANA.email],
      ['whatsapp_phone', ANA.whatsappPhone],
      ['facebook_asid', ANA.facebookAsid],
    ] as const) {
      expect(await harness.getItem('Suppressions', { identifierHash: hash(kind, value) })).toBeDefined();
    }
    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);
    expect((await harness.store.get(requestId))?.emailConfirmationSentAt).toEqual(expect.any(String));
  });

  it('reaches nothing it cannot link: an unknown identifier completes with no data held', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('facebook', [{ kind: 'facebook_asid', value: '19999999999999999' }]);

    await harness.runToEnd(requestId);

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed');
    expect(done?.identitiesReached).toEqual(['facebook_asid']);
    expect(done?.outcomes.reduce((sum, o) => sum + o.deleted + o.anonymised, 0)).toBe(0);
    await expectUnchanged(harness, ANA);
  });

  it('records a step with nothing to purge in one write, and a step with items in two', async () => {
    harness = await startHarness([ANA]);
    /** Per step index, the progress writes of a request's job: "counted" or "ended". */
    async function progressWrites(requestId: string): Promise<string[]> {
      const writes = new Map<number, string[]>();
      await harness!.runToEnd(requestId, {
        store: (real) => ({
          ...real,
          recordPurgeProgress: (id, outcome, nextStep, countOnceAs) => {
            const step = countOnceAs ? Number(countOnceAs.replace('counted:', '')) : nextStep - 1;
            const kind = countOnceAs ? 'counted' : 'ended';
            writes.set(step, [...(writes.get(step) ?? []), kind]);
            return real.recordPurgeProgress(id, outcome, nextStep, countOnceAs);
          },
        }),
      });
      return [...writes.values()].map((kinds) => kinds.join(', '));
    }

    // Ana has data in every store a Facebook request reaches: each step is counted before its first
    // delete and ended after its last.
    const ana = await progressWrites(await harness.file('facebook', subjectFor('facebook', ANA)));
    expect(new Set(ana)).toEqual(new Set(['counted, ended']));
    // Someone we hold nothing about (fewer stores: no linked identities): every store's step is one
    // write, its end; the erasure webhook (another system's acknowledged count) still two.
    const nobody = await progressWrites(
      await harness.file('facebook', [{ kind: 'facebook_asid', value: '19999999999999999' }]),
    );
    expect(nobody.filter((kinds) => kinds === 'counted, ended')).toHaveLength(1);
    expect(nobody.filter((kinds) => kinds === 'ended').length).toBe(nobody.length - 1);
    expect(nobody.length).toBeGreaterThan(2);
  });
});

describe('purge engine, continuation', () => {
  it('completes a subject of more than 10,000 items in several bounded invocations', async () => {
    harness = await startHarness([CLEO, BEN]);
    const requestId = await harness.file('facebook', subjectFor('facebook', CLEO));
    const pagesPerInvocation: number[] = [];
    const counting = (real: import('../../functions/use-cases/ports.js').TablePurger) => ({
      ...real,
      purgePage: async (step: Parameters<typeof real.purgePage>[0], max: number) => {
        expect(max).toBeLessThanOrEqual(1000);
        pagesPerInvocation[pagesPerInvocation.length - 1]! += 1;
        return real.purgePage(step, max);
      },
    });
    const run = harness.worker({ budget: { maxItems: 3000 }, purger: counting });
    let invocations = 0;
    for (;;) {
      invocations += 1;
      pagesPerInvocation.push(0);
      if ((await run(requestId)) !== 'continued') break;
    }

    expect(invocations).toBeGreaterThanOrEqual(4);
    expect(harness.continuations).toHaveLength(invocations - 1);
    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed');
    expect(done?.outcomes.find((o) => o.table === 'MetaPlatformData')?.deleted).toBe(10_009);
    await expectNoRawIdentifier(harness, inScopeIdentifiers.facebook(CLEO));
    await expectUnchanged(harness, BEN);
  }, 60_000);
});

/** The real client, except that every other BatchWriteItem leaves half its items unprocessed and every third is throttled once. */
function flakyDynamo(client: DynamoDBDocumentClient) {
  let calls = 0;
  return {
    send: async (command: unknown) => {
      if (command instanceof BatchWriteItemCommand) {
        calls += 1;
        if (calls % 3 === 0) {
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        }
        const [table, requests = []] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
        if (calls % 2 === 0 && table && requests.length > 1) {
          const half = Math.ceil(requests.length / 2);
          await client.send(
            new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, half) } }),
          );
          return { UnprocessedItems: { [table]: requests.slice(half) } };
        }
      }
      return client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

describe('purge engine, steps around the purge', () => {
  it('runs each step once: before-purge steps still see the data, after-purge steps see it gone', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('facebook', subjectFor('facebook', ANA));
    const seen: string[] = [];
    let failAfter = true;
    const tokenKey = { owner: `facebook_asid#${ANA.facebookAsid}`, tokenId: 'user' };
    const beforePurge = [
      {
        name: 'revoke',
        run: async () =>
          void seen.push(
            `revoke:${(await harness!.getItem('IntegrationTokens', tokenKey)) ? 'token' : 'none'}`,
          ),
      },
    ];
    const afterPurge = [
      {
        name: 'notice',
        run: async () => {
          seen.push(`notice:${(await harness!.getItem('IntegrationTokens', tokenKey)) ? 'token' : 'none'}`);
          if (failAfter) {
            failAfter = false;
            throw new Error('notice failed');
          }
        },
      },
    ];

    await expect(harness.worker({ beforePurge, afterPurge })(requestId)).rejects.toThrow('notice failed');
    expect(await harness.worker({ beforePurge, afterPurge })(requestId)).toBe('completed');

    expect(seen).toEqual(['revoke:token', 'notice:none', 'notice:none']);
    // The acknowledged erasure webhook is recorded as a step too (the receipt lists it).
    expect((await harness.store.get(requestId))?.stepsDone).toEqual([
      'erasure-webhook:AnalyticsProvider',
      'notice',
      'revoke',
    ]);
  });
});

describe('purge engine, faults', () => {
  it('converges under UnprocessedItems on every other batch and throttling', async () => {
    harness = await startHarness([CLEO]);
    const requestId = await harness.file('facebook', subjectFor('facebook', CLEO));

    await harness.runToEnd(requestId, { documents: flakyDynamo(harness.env.documents) });

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed');
    expect(done?.outcomes.find((o) => o.table === 'MetaPlatformData')?.deleted).toBe(10_009);
    await expectNoRawIdentifier(harness, inScopeIdentifiers.facebook(CLEO));
  }, 60_000);

  it('recovers from a crash after half the tables with correct counts', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('email', subjectFor('email', ANA));
    const tablesDone = new Set<string>();
    let crashed = false;
    const crashHalfway = (real: import('../../functions/use-cases/ports.js').TablePurger) => ({
      ...real,
      purgePage: async (step: Parameters<typeof real.purgePage>[0], max: number) => {
        tablesDone.add(step.table.id);
        if (!crashed && tablesDone.size > 6) {
          crashed = true;
          throw new Error('worker crashed');
        }
        return real.purgePage(step, max);
      },
    });

    await expect(harness.worker({ purger: crashHalfway })(requestId)).rejects.toThrow('worker crashed');
    expect((await harness.store.get(requestId))?.status).toBe('failed');
    await harness.runToEnd(requestId);

    const done = await harness.store.get(requestId);
    expect(done?.status).toBe('completed_with_retention');
    expect(done?.attempts).toBe(2);
    expect(done?.outcomes.reduce((sum, o) => sum + o.deleted, 0)).toBe(46);
    expect(done?.outcomes.reduce((sum, o) => sum + o.retained, 0)).toBe(3);
    await expectNoRawIdentifier(harness, inScopeIdentifiers.email(ANA));
    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);
  });

  it('sends no duplicate email when SES fails and then recovers', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('email', subjectFor('email', ANA));
    let failures = 2;
    const flakyEmail = (real: import('../../functions/use-cases/ports.js').EmailNotifier) => ({
      sendDeletionConfirmation: async (...args: Parameters<typeof real.sendDeletionConfirmation>) => {
        if (failures-- > 0) throw Object.assign(new Error('SES unavailable'), { name: 'ServiceUnavailable' });
        return real.sendDeletionConfirmation(...args);
      },
    });
    const run = harness.worker({ email: flakyEmail });

    await expect(run(requestId)).rejects.toThrow('SES unavailable');
    await expect(run(requestId)).rejects.toThrow('SES unavailable');
    expect(await run(requestId)).toBe('completed');
    expect(await run(requestId)).toBe('already_finished');

    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);
    expect((await harness.store.get(requestId))?.status).toBe('completed_with_retention');
  });

  it('lets one of two concurrent workers do the job; the other steps aside', async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('email', subjectFor('email', ANA));

    const outcomes = await Promise.all([harness.worker()(requestId), harness.worker()(requestId)]);

    expect(outcomes.sort()).toEqual(['busy', 'completed']);
    const done = await harness.store.get(requestId);
    expect(done?.outcomes.reduce((sum, o) => sum + o.deleted, 0)).toBe(46);
    expect(await harness.emailsTo(ANA.email)).toHaveLength(1);
    await expectUnchanged(harness, BEN);
  });

  it('recovers when the worker fails after purging but before completing, and ignores a later redelivery', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('facebook', subjectFor('facebook', ANA));
    let failCompletion = true;
    const flakyStore = (real: import('../../functions/use-cases/ports.js').DeletionRequestStore) => ({
      ...real,
      transition: async (...args: Parameters<typeof real.transition>) => {
        if (args[2] === 'completed' && failCompletion) {
          failCompletion = false;
          throw new Error('DynamoDB unavailable');
        }
        return real.transition(...args);
      },
    });

    await expect(harness.worker({ store: flakyStore })(requestId)).rejects.toThrow('DynamoDB unavailable');
    expect(await harness.worker()(requestId)).toBe('completed');
    expect(await harness.worker()(requestId)).toBe('already_finished');

    const done = await harness.store.get(requestId);
    expect(done?.attempts).toBe(2);
    expect(done?.subject).toEqual([]);
    expect(done?.outcomes.find((o) => o.table === 'MetaPlatformData')?.deleted).toBe(9);
    expect(harness.metrics.filter((metric) => metric === 'DeletionCompleted')).toHaveLength(1);
  });

  it('ignores a job for a request that does not exist', async () => {
    harness = await startHarness([]);
    expect(await harness.worker()('req_doesnotexist000000')).toBe('unknown_request');
    expect(harness.metrics).toContain('JobForUnknownRequest');
  });

  it('fails visibly when an item survives the purge (read-after-delete check)', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('facebook', subjectFor('facebook', ANA));
    const forgetful = (real: import('../../functions/use-cases/ports.js').TablePurger) => ({
      ...real,
      purgePage: async (step: Parameters<typeof real.purgePage>[0], max: number) =>
        step.table.id === 'MetaPlatformData'
          ? { deleted: 0, anonymised: 0, retained: 0, done: true }
          : real.purgePage(step, max),
    });

    await expect(harness.worker({ purger: forgetful })(requestId)).rejects.toThrow(
      /remain in MetaPlatformData/,
    );

    const failed = await harness.store.get(requestId);
    expect(failed?.status).toBe('failed');
    // Which step, and why, in words support can act on.
    expect(failed?.lastError).toBe(
      'read-after-delete check: PurgeIncompleteError: 5 items remain in MetaPlatformData',
    );
    expect(harness.metrics).toContain('DeletionFailed');
    // Attempts remain: the status page still says we retry.
    expect(failed?.retriesExhaustedAt).toBeUndefined();
  });

  it('marks a failure on the last attempt as taken over by a person, until a retry makes it automatic again', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('facebook', subjectFor('facebook', ANA));
    const broken = (real: import('../../functions/use-cases/ports.js').TablePurger) => ({
      ...real,
      purgePage: async () => {
        throw Object.assign(new Error('table unavailable'), { name: 'ResourceNotFoundException' });
      },
    });

    await expect(harness.worker({ purger: broken })(requestId, { lastAttempt: true })).rejects.toThrow();
    const exhausted = await harness.store.get(requestId);
    expect(exhausted?.status).toBe('failed');
    expect(exhausted?.retriesExhaustedAt).toEqual(expect.any(String));
    expect(toStatusView(exhausted!)).toMatchObject({ status: 'failed', with_our_team: true });

    // Support retries (or redrives): automatic attempts again, and the page says so.
    await expect(harness.worker({ purger: broken })(requestId)).rejects.toThrow();
    const retried = await harness.store.get(requestId);
    expect(retried?.retriesExhaustedAt).toBeUndefined();
    expect(toStatusView(retried!)).not.toHaveProperty('with_our_team');
  });
});
