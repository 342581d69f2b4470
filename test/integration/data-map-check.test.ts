// integration: `npm run data-map -- check` against the local stack, as an operator runs it: every table
// matches the data map, and a table whose index is gone fails the check with a row that names the index.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalService, type LocalService } from '../../local/local-service.js';
import { tableProblems } from '../../scripts/data-map-check.js';
import { SUPPORT_TICKETS_TABLE } from '../../functions/declarations/tables.js';

jest.setTimeout(120_000);

const ROOT = new URL('../../', import.meta.url).pathname;

function check(baseUrl: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/tsx`,
      ['scripts/data-map.ts', 'check', '--local', baseUrl],
      {
        cwd: ROOT,
        env: { ...process.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
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
    expect(stdout).toMatch(/^table\s+owner\s+found by\s+rule\s+ok \/ what is wrong/m);
    expect(stdout).toMatch(
      /^SupportTickets\s+company\s+email \(index requesterEmail\), account_id \(index accountId\)\s+delete\s+ok/m,
    );
    expect(stdout).toMatch(/^DeletionRequests\s+service\s+—\s+exempt\s+ok/m);
    expect(stdout).toContain('The data map matches the tables.');
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
    expect(stdout).toContain('1 table(s) do not match the data map.');
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
