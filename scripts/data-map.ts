// scripts: `npm run data-map -- check` compares the data map with the tables that really exist. For each mapped
// table it describes the table (the local stack's, or a stage's from config/<stage>.json dataStores with the
// caller's AWS credentials) and verifies the key schema and every index a lookup or the service uses. It
// prints one row per table and exits non-zero on any mismatch.
//
//   npm run data-map -- check --local http://127.0.0.1:3000     the running local stack (npm start)
//   npm run data-map -- check --stage prod [--region eu-west-1]  a stage's company tables, before a deploy
import { DescribeTableCommand, DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { loadDeploymentConfig } from '../lib/config.js';
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
  if (local) {
    const info = (await (await fetch(`${local.replace(/\/+$/, '')}/__local/info`)).json()) as {
      endpoints: { dynamodb: string };
    };
    const client = new DynamoDBClient({
      endpoint: info.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    targets = TABLES.map((declaration) => ({ declaration, name: declaration.id }));
    clientFor = () => client;
  } else {
    const config = loadDeploymentConfig((key) => (key === 'stage' ? stage : undefined));
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
  printTable(['table', 'owner', 'found by', 'rule', 'ok / what is wrong'], rows);
  console.log(
    failures === 0
      ? '\nThe data map matches the tables.'
      : `\n${failures} table(s) do not match the data map.`,
  );
  return failures === 0 ? 0 : 1;
}

function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

process.exitCode = await main(process.argv.slice(2));
