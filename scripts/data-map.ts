// scripts: `npm run data-map -- check` compares the data map with the tables that really exist. For each mapped
// table it describes the table (the local stack's, or a stage's from config/<stage>.json dataStores with the
// caller's AWS credentials) and verifies the key schema and every index a lookup or the service uses; for each
// S3 prefix, that its bucket is there; for each erasure webhook, that the stage names its URL (it is not called:
// a request to it is a real erasure). It prints one row per store and exits non-zero on any mismatch.
//
//   npm run data-map -- check --local http://127.0.0.1:3000     the running local stack (npm start)
//   npm run data-map -- check --stage prod [--region eu-west-1]  a stage's company tables, before a deploy
import { DescribeTableCommand, DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { DeploymentConfigError, loadDataStores, type DeploymentConfig } from '../lib/config.js';
import { EXTERNAL_STORES } from '../functions/declarations/external-stores.js';
import { localBucketOf } from '../local/provision.js';
import { TABLES, type TableDeclaration } from '../functions/declarations/tables.js';
import { describeLookups, tableProblems } from './data-map-check.js';

interface Target {
  readonly declaration: TableDeclaration;
  /** Table name or ARN; undefined when the stack creates the table (nothing to check before a deploy). */
  readonly name?: string;
  readonly roleArn?: string;
}

function usage(message: string): never {
  console.error(
    `${message}\n\nUsage: npm run data-map -- check (--local <base url> | --stage <stage> [--region <r>])`,
  );
  process.exit(2);
}

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] !== 'check') usage('Unknown command.');
  const local = option(args, '--local');
  const stage = option(args, '--stage');
  if (!local === !stage) usage('Give exactly one of --local and --stage.');

  let targets: Target[];
  let clientFor: (target: Target) => DynamoDBClient;
  let s3: S3Client;
  /** Where each S3 prefix's bucket and each webhook's URL is; undefined when not named. */
  let locationOf: (store: (typeof EXTERNAL_STORES)[number]) => string | undefined;
  if (local) {
    const info = (await (await fetch(`${local.replace(/\/+$/, '')}/__local/info`)).json()) as {
      endpoints: { dynamodb: string; s3: string; processors: string };
    };
    s3 = new S3Client({
      endpoint: info.endpoints.s3,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      forcePathStyle: true,
    });
    locationOf = (store) =>
      store.kind === 'object_prefix'
        ? localBucketOf(store)
        : `${info.endpoints.processors}/erasure/${store.id}`;
    const client = new DynamoDBClient({
      endpoint: info.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    targets = TABLES.map((declaration) => ({ declaration, name: declaration.id }));
    clientFor = () => client;
  } else {
    let dataStores: DeploymentConfig['dataStores'];
    try {
      dataStores = loadDataStores(stage!);
    } catch (error) {
      if (!(error instanceof DeploymentConfigError)) throw error;
      console.error(error.message);
      return 2;
    }
    const config = { dataStores };
    s3 = new S3Client(option(args, '--region') ? { region: option(args, '--region')! } : {});
    locationOf = (store) =>
      (store.kind === 'object_prefix' ? dataStores[store.id]?.bucketName : dataStores[store.id]?.url) ||
      undefined;
    targets = TABLES.map((declaration) => {
      const location = config.dataStores[declaration.id];
      const name = location?.tableArn ?? location?.tableName;
      return {
        declaration,
        ...(declaration.owner === 'company' && name ? { name } : {}),
        ...(location?.roleArn ? { roleArn: location.roleArn } : {}),
      };
    });
    const region = option(args, '--region');
    const clients = new Map<string, DynamoDBClient>();
    clientFor = (target) => {
      const key = target.roleArn ?? '';
      let client = clients.get(key);
      if (!client) {
        client = new DynamoDBClient({
          ...(region ? { region } : {}),
          ...(target.roleArn
            ? {
                credentials: fromTemporaryCredentials({
                  params: { RoleArn: target.roleArn, RoleSessionName: 'data-map-check' },
                }),
              }
            : {}),
        });
        clients.set(key, client);
      }
      return client;
    };
  }

  const rows: string[][] = [];
  let failures = 0;
  for (const target of targets) {
    const { declaration } = target;
    let verdict: string;
    if (!target.name) {
      verdict =
        declaration.owner === 'service'
          ? 'ok (created by the stack)'
          : declaration.owner === 'company' && stage
            ? 'not named in dataStores'
            : 'ok';
      if (verdict === 'not named in dataStores') failures += 1;
    } else {
      let description: TableDescription | undefined;
      try {
        description = (await clientFor(target).send(new DescribeTableCommand({ TableName: target.name })))
          .Table;
      } catch (error) {
        description = undefined;
        verdict = `cannot describe ${target.name}: ${(error as Error).name}`;
      }
      if (description) {
        const problems = tableProblems(declaration, description);
        verdict = problems.length === 0 ? 'ok' : problems.join('; ');
        if (problems.length > 0) failures += 1;
      } else {
        failures += 1;
        verdict ??= 'not found';
      }
    }
    rows.push([
      declaration.id,
      declaration.owner,
      describeLookups(declaration).found,
      describeLookups(declaration).rule,
      verdict!,
    ]);
  }
  for (const store of EXTERNAL_STORES) {
    const location = locationOf(store);
    let verdict: string;
    if (!location) {
      verdict = `not named in dataStores (${store.kind === 'object_prefix' ? 'bucketName' : 'url'})`;
      failures += 1;
    } else if (store.kind === 'object_prefix') {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: location }));
        verdict = `ok (bucket ${location})`;
      } catch (error) {
        verdict = `bucket ${location}: ${(error as Error).name}`;
        failures += 1;
      }
    } else {
      verdict = `ok (${location}; not called: a request is a real erasure)`;
    }
    rows.push([
      store.id,
      'company',
      store.kind === 'object_prefix'
        ? `${store.identifier} (prefix ${store.keyPrefix}<id>/)`
        : `${store.identifiers.join(', ')} (erasure webhook)`,
      'delete',
      verdict,
    ]);
  }
  s3.destroy();
  printTable(['store', 'owner', 'found by', 'rule', 'ok / what is wrong'], rows);
  console.log(
    failures === 0
      ? '\nThe data map matches the stores.'
      : `\n${failures} store(s) do not match the data map.`,
  );
  return failures === 0 ? 0 : 1;
}

function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

process.exitCode = await main(process.argv.slice(2));
