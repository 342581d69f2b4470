// bench: do the SDK clients load faster bundled (the stack's choice) or from the runtime's own copy
// (`bundleAwsSDK: false`, which marks `@aws-sdk/*` external)? Builds the clients a function constructs
// both ways into a folder inside node_modules, so the external SDK resolves from node_modules as it does
// from the runtime's node_modules in Lambda, and times a fresh `import()` of each, interleaved.
// Usage: npx tsx bench/runtime-sdk.ts [--rounds=15] [--only=status|worker]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { STACK_BUNDLING } from './cold-start.js';
import { median, medianOfPairedRatios } from './statistics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const option = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
const ROUNDS = Number(option('rounds') ?? 15);
const only = option('only')?.split(',');

const dir = path.join(ROOT, 'node_modules', '.bench-runtime-sdk');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
// Times the import alone, inside the process, so Node's own start-up is not in the figure.
const timer = path.join(dir, 'time-import.mjs');
writeFileSync(
  timer,
  `const started = performance.now(); await import(process.argv[2]); console.log(performance.now() - started);`,
);
const env = { ...process.env, AWS_REGION: 'us-east-1' };

function timeImport(bundle: string): number {
  const run = spawnSync(process.execPath, [timer, bundle], { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`${bundle}: ${run.stderr.slice(0, 500)}`);
  return Number(run.stdout.trim());
}

/** The SDK clients a function constructs at start: the status page's and the worker's. */
const CLIENT_SETS: Record<string, string> = {
  'DynamoDB (status page)': `
    import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
    import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
    DynamoDBDocumentClient.from(new DynamoDBClient({}));`,
  'DynamoDB, SQS, SES, KMS, S3, Secrets Manager (worker)': `
    import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
    import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
    import { SQSClient } from '@aws-sdk/client-sqs';
    import { SESClient } from '@aws-sdk/client-ses';
    import { KMSClient } from '@aws-sdk/client-kms';
    import { S3Client } from '@aws-sdk/client-s3';
    import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
    DynamoDBDocumentClient.from(new DynamoDBClient({}));
    new SQSClient({}); new SESClient({}); new KMSClient({}); new S3Client({}); new SecretsManagerClient({});`,
};

const results = [];
for (const [name, source] of Object.entries(CLIENT_SETS).filter(
  ([n]) => !only || only.some((o) => n.includes(o)),
)) {
  const file = name.replace(/[^A-Za-z]+/g, '-');
  const bundled = path.join(dir, `${file}.bundled.mjs`);
  const runtime = path.join(dir, `${file}.runtime-sdk.mjs`);
  const stdin = { contents: source, resolveDir: ROOT, loader: 'js' as const };
  await build({ ...STACK_BUNDLING, stdin, outfile: bundled });
  await build({ ...STACK_BUNDLING, stdin, outfile: runtime, external: ['@aws-sdk/*'] });
  const times = { bundled: [] as number[], runtime: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first, so neither always follows the other.
    const order = round % 2 === 0 ? (['bundled', 'runtime'] as const) : (['runtime', 'bundled'] as const);
    for (const side of order) times[side].push(timeImport(side === 'bundled' ? bundled : runtime));
  }
  results.push({
    clients: name,
    bundled_ms: Number(median(times.bundled).toFixed(1)),
    runtime_sdk_ms: Number(median(times.runtime).toFixed(1)),
    runtime_vs_bundled: Number(medianOfPairedRatios(times.runtime, times.bundled).toFixed(2)),
  });
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ rounds: ROUNDS, client_sets: results }, null, 2));
