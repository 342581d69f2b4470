// integration: `npm run data-map -- check` against the local stack, as an operator runs it: every table
// matches the data map, and a table whose index is gone fails the check with a row that names the index.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalService, type LocalService } from '../../local/local-service.js';
import { tableProblems } from '../../scripts/data-map-check.js';
import { SUPPORT_TICKETS_TABLE } from '../../functions/declarations/tables.js';
import { runScript, type CliResult } from '../support/requests-cli.js';

jest.setTimeout(120_000);

function check(baseUrl: string) {
  return run(['--local', baseUrl]);
}

function run(args: readonly string[]): Promise<CliResult> {
  return runScript('scripts/data-map.ts', ['check', ...args]);
}

let service: LocalService;
beforeAll(async () => {
  service = await startLocalService({ env: { PORT: '0' }, seed: false });
});
afterAll(async () => {
  await service?.stop();
});

describe('data-map check', () => {
  it('passes on the local stack and prints one row per table', async () => {
    const { code, stdout } = await check(service.baseUrl);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^store\s+owner\s+found by\s+rule\s+ok \/ what is wrong/m);
    expect(stdout).toMatch(
      /^SupportTickets\s+company\s+email \(index requesterEmail\), account_id \(index accountId\)\s+delete\s+ok/m,
    );
    expect(stdout).toMatch(/^DeletionRequests\s+service\s+—\s+exempt\s+ok/m);
    // The stores beyond DynamoDB: the S3 prefix's bucket is there; the webhook is named, not called.
    expect(stdout).toMatch(
      /^MediaCopies\s+company\s+facebook_asid \(prefix media\/<id>\/\)\s+delete\s+ok \(bucket local-media-copies\)/m,
    );
    expect(stdout).toMatch(
      /^AnalyticsProvider\s+company\s+.*\(erasure webhook\)\s+delete\s+ok \(http:.*not called/m,
    );
    expect(stdout).toContain('The data map matches the stores.');
  });

  it('fails, naming the index, when a table lacks an index a lookup uses', async () => {
    const dynamo = new DynamoDBClient({
      endpoint: service.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await dynamo.send(new DeleteTableCommand({ TableName: 'SupportTickets' }));
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'SupportTickets',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'ticketId', AttributeType: 'S' },
          { AttributeName: 'requesterEmail', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'ticketId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'requesterEmail',
            KeySchema: [{ AttributeName: 'requesterEmail', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    dynamo.destroy();
    const { code, stdout } = await check(service.baseUrl);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^SupportTickets\s+company\s+.*index accountId is missing$/m);
    expect(stdout).toContain('1 store(s) do not match the data map.');
  });

  it('checks a stage from its dataStores alone: the committed prod example names nothing, so every store fails', async () => {
    // prod.json leaves alarmEmail to the deploy command; the check needs only dataStores, and no AWS call
    // is made for a store that is not named.
    const { code, stdout, stderr } = await run(['--stage', 'prod']);
    expect(stderr).not.toMatch(/alarmEmail|at main/);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^Accounts\s+company\s+account_id\s+delete, anonymise\s+not named in dataStores$/m,
    );
    expect(stdout).toMatch(/^MediaCopies\s+.*not named in dataStores \(bucketName\)$/m);
    expect(stdout).toMatch(/^AnalyticsProvider\s+.*not named in dataStores \(url\)$/m);
    expect(stdout).toMatch(/^DeletionRequests\s+service\s+—\s+exempt\s+ok \(created by the stack\)/m);
    expect(stdout).toContain('14 store(s) do not match the data map.');
  });

  it('names a key of the wrong name or type', () => {
    expect(
      tableProblems(SUPPORT_TICKETS_TABLE, {
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [],
      }),
    ).toEqual([
      'table key is id (N), the data map says ticketId (S)',
      'index requesterEmail is missing',
      'index accountId is missing',
    ]);
  });
});
