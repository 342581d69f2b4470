// integration: the data map beyond DynamoDB, against the stand-ins. A subject's objects under the MediaCopies
// prefix (fauxqs S3) and the AnalyticsProvider erasure webhook (the stand-in downstream system): each runs,
// counts exactly, and a system that fails is retried, and one that never recovers fails the request visibly.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { toStatusView } from '../../functions/core/deletion-request.js';
import { erasedWhereLines } from '../../functions/core/erased-where.js';
import { MEDIA_COPIES_PREFIX } from '../../functions/declarations/external-stores.js';
import { localBucketOf } from '../../local/provision.js';
import { ANA, BEN, demoMediaKeys } from '../../local/seed-data.js';
import { startHarness, type Harness } from '../support/purge-harness.js';

jest.setTimeout(60_000);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const anaByEmail = [{ kind: 'email' as const, value: ANA.email }];

async function mediaKeys(h: Harness): Promise<string[]> {
  const listed = await h.env.s3.send(
    new ListObjectsV2Command({ Bucket: localBucketOf(MEDIA_COPIES_PREFIX), Prefix: 'media/' }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

describe('object prefixes and erasure webhooks', () => {
  it("delete the subject's objects, tell the downstream system once, and count both", async () => {
    harness = await startHarness([ANA, BEN]);
    const requestId = await harness.file('email', anaByEmail);
    await harness.runToEnd(requestId);

    expect(await mediaKeys(harness)).toEqual(demoMediaKeys(BEN).sort());
    const calls = harness.env.standIns.downstream.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      system: 'AnalyticsProvider',
      requestId,
      idempotencyKey: requestId,
      signatureValid: true,
      status: 200,
      erased: 12,
    });
    expect(calls[0]?.categories).toEqual(['meta_insights', 'analytics_identifiers']);

    const request = await harness.store.get(requestId);
    expect(request?.status).toBe('completed_with_retention');
    const outcomes = Object.fromEntries((request?.outcomes ?? []).map((outcome) => [outcome.table, outcome]));
    expect(outcomes.MediaCopies?.deleted).toBe(3);
    expect(outcomes.AnalyticsProvider).toMatchObject({ deleted: 12, acknowledgedAt: expect.any(String) });
    const lines = erasedWhereLines(toStatusView(request!));
    expect(lines).toContain('Copies of your Instagram and Facebook media: 3 records erased.');
    expect(lines.find((line) => line.startsWith('Our analytics provider'))).toMatch(
      /^Our analytics provider erased 12 records of yours that this request covers, as it confirmed on \d{1,2} [A-Z][a-z]+ \d{4}\.$/,
    );
    expect(lines).toContain('Your account and profile: 1 record erased.');

    // The completion email says the same, and when backups no longer hold the records.
    const [email] = (await harness.emailsTo(ANA.email)) as { text?: string; body?: { text?: string } }[];
    const text = JSON.stringify(email);
    expect(text).toContain('Copies of your Instagram and Facebook media: 3 records erased.');
    expect(text).toContain(
      'Our analytics provider erased 12 records of yours that this request covers, as it confirmed on',
    );
    expect(text).toMatch(
      /restorable for up to 35 days; the copies of yours are gone by \d{1,2} [A-Z][a-z]+ \d{4}\./,
    );
  });

  it('retries a downstream system that fails, then recovers, and records its count once', async () => {
    harness = await startHarness([ANA]);
    harness.env.standIns.downstream.setFaults({ failNext: 2 });
    const requestId = await harness.file('facebook', [{ kind: 'facebook_asid', value: ANA.facebookAsid }]);
    await harness.runToEnd(requestId);

    const statuses = harness.env.standIns.downstream.calls().map((call) => call.status);
    expect(statuses).toEqual([503, 503, 200]);
    const request = await harness.store.get(requestId);
    expect(request?.status).toBe('completed');
    // The Meta identifiers' records only: a Facebook request gives the system no email or account id.
    expect(request?.outcomes.find((outcome) => outcome.table === 'AnalyticsProvider')?.deleted).toBe(6);
    expect(new Set(harness.env.standIns.downstream.calls().flatMap((call) => call.identifierKinds))).toEqual(
      new Set(['facebook_asid', 'instagram_scoped_id']),
    );
  });

  it('fails the request visibly while a downstream system never recovers, and completes once it does', async () => {
    harness = await startHarness([ANA]);
    harness.env.standIns.downstream.setFaults({ failAlways: true });
    const requestId = await harness.file('facebook', [{ kind: 'facebook_asid', value: ANA.facebookAsid }]);
    const run = harness.worker();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(run(requestId)).rejects.toMatchObject({ name: 'ErasureWebhookError' });
      const failed = await harness.store.get(requestId);
      expect(failed?.status).toBe('failed');
      // The step and the system's answer, for support; nothing of the person.
      expect(failed?.lastError).toBe(
        'purge step 11 of 11 (erasure webhook AnalyticsProvider): ErasureWebhookError: AnalyticsProvider: HTTP 503 after 4 attempts',
      );
      expect(toStatusView(failed!).status).toBe('failed');
    }
    // Four calls per attempt (retried with backoff), each one alarmed once when it gives up.
    expect(harness.env.standIns.downstream.calls()).toHaveLength(12);
    expect(harness.metrics.filter((metric) => metric === 'ErasureWebhookFailed')).toHaveLength(3);
    expect(harness.metrics).not.toContain('DeletionCompleted');

    harness.env.standIns.downstream.setFaults({ failAlways: false });
    await harness.runToEnd(requestId);
    const request = await harness.store.get(requestId);
    expect(request?.status).toBe('completed');
    // Our own data was counted once, across the failed attempts too.
    expect(request?.outcomes.find((outcome) => outcome.table === 'MediaCopies')?.deleted).toBe(3);
    expect(request?.outcomes.find((outcome) => outcome.table === 'AnalyticsProvider')?.deleted).toBe(6);
  });

  it('leaves a WhatsApp request out of both: neither is in its scope', async () => {
    harness = await startHarness([ANA]);
    const requestId = await harness.file('whatsapp', [{ kind: 'whatsapp_phone', value: ANA.whatsappPhone }]);
    await harness.runToEnd(requestId);
    expect(harness.env.standIns.downstream.calls()).toEqual([]);
    expect(await mediaKeys(harness)).toEqual(demoMediaKeys(ANA).sort());
  });
});
