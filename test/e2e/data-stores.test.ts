// e2e: the data map beyond DynamoDB through `npm start`, over HTTP. A Meta deletion callback reaches the demo
// data map's S3 prefix (copies of media in fauxqs S3) and its erasure webhook (the stand-in downstream system at
// endpoints.processors); a downstream system that fails and recovers, and one that never recovers until ops
// redrive the job, as the status page, the receipt, the worker's log and the support command show them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { MEDIA_COPIES_PREFIX } from '../../functions/declarations/external-stores.js';
import { localBucketOf } from '../../local/provision.js';
import { ANA, BEN, CLEO, type DemoPerson } from '../../local/seed-data.js';
import {
  eventually,
  localQueues,
  START_TIMEOUT_MS,
  startRunner,
  type RunningService,
} from '../support/local-runner.js';
import { runRequestsCli } from '../support/requests-cli.js';
import { callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';

const SECRET = 'e2e-meta-app-secret';

let service: RunningService;
let s3: S3Client;

beforeAll(async () => {
  service = await startRunner({ META_APP_SECRET: SECRET });
  s3 = new S3Client({
    endpoint: service.endpoints.s3,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    forcePathStyle: true,
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  s3?.destroy();
  await service?.stop();
});

interface DownstreamCall {
  readonly system: string;
  readonly requestId?: string;
  readonly idempotencyKey?: string;
  readonly signatureValid: boolean;
  readonly identifierKinds: readonly string[];
  readonly status: number;
  readonly erased?: number;
}

/** The downstream system's calls since the last `forgetDownstreamCalls` (one request at a time here). */
async function downstreamCalls(): Promise<DownstreamCall[]> {
  return (await (await fetch(`${service.endpoints.processors}/__calls`)).json()) as DownstreamCall[];
}

async function forgetDownstreamCalls(): Promise<void> {
  await fetch(`${service.endpoints.processors}/__calls`, { method: 'DELETE' });
}

async function setDownstreamFaults(faults: { failNext?: number; failAlways?: boolean }): Promise<void> {
  const response = await fetch(`${service.endpoints.processors}/__faults`, {
    method: 'POST',
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

/** Objects left under a person's folder of the media copies bucket (the stand-in keeps no versions). */
async function mediaOf(person: DemoPerson): Promise<number> {
  const listed = await s3.send(
    new ListObjectsV2Command({
      Bucket: localBucketOf(MEDIA_COPIES_PREFIX),
      Prefix: `${MEDIA_COPIES_PREFIX.keyPrefix}${person.facebookAsid}/`,
    }),
  );
  return (listed.Contents ?? []).length;
}

async function requestDeletion(person: DemoPerson): Promise<string> {
  const response = await fetch(`${service.baseUrl}/meta/data-deletion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: callbackFormBody(
      signRequest(deletionPayload(person.facebookAsid, Math.floor(Date.now() / 1000)), SECRET),
    ),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { confirmation_code: string }).confirmation_code;
}

type StatusJson = Record<string, unknown> & {
  status: string;
  erased_where?: { store: string; records: number; details_removed?: number; acknowledged_at?: string }[];
  backups?: { retention_days: number; gone_by: string };
  receipt?: string;
};

async function statusOf(code: string): Promise<StatusJson> {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as StatusJson;
}

async function statusPage(code: string): Promise<string> {
  return (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
}

const inState = (code: string, state: string, timeoutMs?: number) =>
  eventually(async () => {
    const body = await statusOf(code);
    return body.status === state ? body : undefined;
  }, timeoutMs);

function receiptClaims(receipt: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from((receipt ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('the demo data map beyond DynamoDB', () => {
  it('lists the stand-in downstream system among the local endpoints', async () => {
    const info = (await (await fetch(`${service.baseUrl}/__local/info`)).json()) as {
      endpoints: Record<string, string>;
    };
    expect(info.endpoints.processors).toBe(service.endpoints.processors);
    expect(info.endpoints.s3).toBe(service.endpoints.s3);
  });

  it("deletes every version under the person's S3 prefix, tells the other system once, and says so in words", async () => {
    expect(await mediaOf(ANA)).toBe(3);
    const bensMedia = await mediaOf(BEN);
    await forgetDownstreamCalls();
    const code = await requestDeletion(ANA);
    const done = await inState(code, 'completed');

    expect(await mediaOf(ANA)).toBe(0);
    expect(await mediaOf(BEN)).toBe(bensMedia);
    const calls = await downstreamCalls();
    expect(calls).toEqual([
      expect.objectContaining({
        system: 'AnalyticsProvider',
        idempotencyKey: calls[0]?.requestId,
        signatureValid: true,
        status: 200,
        erased: 6,
      }),
    ]);
    // Within the Meta scope, the system is given Meta identifiers only (no email, no account id).
    expect([...new Set(calls[0]?.identifierKinds)].sort()).toEqual(['facebook_asid', 'instagram_scoped_id']);

    expect(done.erased_where).toEqual(
      expect.arrayContaining([
        { store: 'MediaCopies', records: 3 },
        { store: 'AnalyticsProvider', records: 6, acknowledged_at: expect.any(String) },
      ]),
    );
    expect(done.backups).toEqual({
      retention_days: 35,
      gone_by: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(receiptClaims(done.receipt).erasure_webhooks_acknowledged).toEqual(['AnalyticsProvider']);

    const page = await statusPage(code);
    expect(page).toContain('Copies of your Instagram and Facebook media: 3 records erased.');
    // A Facebook request removes the details that came from Meta from the account; it does not erase it.
    expect(done.erased_where).toEqual(
      expect.arrayContaining([{ store: 'Accounts', records: 0, details_removed: 1 }]),
    );
    expect(page).toContain(
      'Your account and profile: personal details removed from 1 record, the rest kept.',
    );
    expect(page).toMatch(
      /Our analytics provider erased 6 records of yours that this request covers, as it confirmed on \d{1,2} [A-Z][a-z]+ \d{4}\./,
    );
    expect(page).toMatch(/point-in-time recovery\) keep deleted records restorable for up to 35 days/);
  });

  it('completes once a downstream system that failed every try of a job recovers, without a second erasure', async () => {
    // Four tries per job: the first job fails, the queue's retry reaches the system once it is back.
    await forgetDownstreamCalls();
    await setDownstreamFaults({ failNext: 6 });
    const code = await requestDeletion(BEN);
    const done = await inState(code, 'completed');

    const calls = await downstreamCalls();
    expect(calls.map((call) => call.status)).toEqual([503, 503, 503, 503, 503, 503, 200]);
    const requestId = calls.at(-1)?.requestId;
    expect(requestId).toMatch(/^req_/);
    expect(calls.every((call) => call.idempotencyKey === requestId && call.signatureValid)).toBe(true);
    expect(done.erased_where).toEqual(
      expect.arrayContaining([
        { store: 'AnalyticsProvider', records: 6, acknowledged_at: expect.any(String) },
      ]),
    );
    expect(receiptClaims(done.receipt).erasure_webhooks_acknowledged).toEqual(['AnalyticsProvider']);
    // The failed job is in the worker's log with the system and its answer, nothing of the person.
    expect(service.output()).toMatch(/"errorName":"ErasureWebhookError"/);
    expect(service.output()).toMatch(/"errorMessage":"AnalyticsProvider: HTTP 503 after 4 attempts"/);
  });

  it('fails visibly while a downstream system never answers, and completes when ops redrive it after the fix', async () => {
    await forgetDownstreamCalls();
    await setDownstreamFaults({ failAlways: true });
    try {
      const code = await requestDeletion(CLEO);
      const failed = await inState(code, 'failed');
      expect(failed.receipt).toBeUndefined();
      const page = await statusPage(code);
      expect(page).toContain('We hit a problem and are retrying automatically.');
      expect(page).not.toContain('records erased');

      // Every retry of the queue fails; the job ends in the dead-letter queue and the request stays failed.
      await eventually(async () => ((await deadLetters()) > 0 ? true : undefined), 150_000);
      const shown = await runRequestsCli(service.baseUrl, ['show', code]);
      expect(shown.stdout).toMatch(/failed/);
      expect(shown.stdout).toContain('ErasureWebhookError');
      expect(shown.stdout).not.toContain(CLEO.email);
      expect((await statusOf(code)).status).toBe('failed');
      const failedCalls = await downstreamCalls();
      // Four tries in each of the queue's five receives, every one refused.
      expect(failedCalls.length).toBe(20);
      expect(failedCalls.every((call) => call.status === 503)).toBe(true);

      // The system is fixed; ops redrive the dead-letter queue (docs/operations.md#erasure-webhook-failed).
      await setDownstreamFaults({ failAlways: false, failNext: 0 });
      const redriven = await runRequestsCli(service.baseUrl, ['redrive']);
      expect(redriven.stdout).toMatch(/Redrove 1 job\(s\)/);
      const done = await inState(code, 'completed');
      expect(receiptClaims(done.receipt).erasure_webhooks_acknowledged).toEqual(['AnalyticsProvider']);
      expect((await downstreamCalls()).at(-1)).toMatchObject({ status: 200, erased: 6 });
    } finally {
      await setDownstreamFaults({ failAlways: false, failNext: 0 });
    }
  }, 240_000);
});

async function deadLetters(): Promise<number> {
  const { sqs, deadLetterQueueUrl } = await localQueues(service);
  try {
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
  } finally {
    sqs.destroy();
  }
}
