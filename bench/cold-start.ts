// bench: each Lambda bundle built as the stack builds it (esbuild, ESM, minified, SDK bundled), its size,
// and the time to load it in a fresh Node process (module init, as a cold start does before the first
// event), as a ratio to a bare `node -e ""` in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { FUNCTIONS, type FunctionDeclaration } from '../functions/declarations/functions.js';
import { QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import { TABLES, tableEnvVar } from '../functions/declarations/tables.js';
import { LOCAL_DEFAULTS } from '../local/local-service.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 9;

/** What the functions read at cold start; the values only need to be well formed. */
const ENV: Record<string, string> = {
  ...process.env,
  ...LOCAL_DEFAULTS,
  ...Object.fromEntries(TABLES.map((table) => [tableEnvVar(table), table.id])),
  [QUEUE_URL_ENV]: 'http://127.0.0.1:9/000000000000/DeletionJobs',
  PUBLIC_BASE_URL: 'https://privacy.example.com',
  SES_FROM_ADDRESS: 'privacy@example.com',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as Record<string, string>;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** Wall time of a fresh `node` running `args`, median of RUNS. */
function timeNode(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString()}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

export interface ColdStartResult {
  readonly node_ms: number;
  readonly functions: { id: string; bundle_kb: number; load_ms: number; vs_node: number }[];
  readonly bundle_kb_max: number;
  readonly cold_init_vs_node_ratio: number;
}

export async function measureColdStart(): Promise<ColdStartResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'deletion-bundles-'));
  try {
    const declared = Object.values(FUNCTIONS) as FunctionDeclaration[];
    const bundles: { id: string; file: string }[] = [];
    for (const fn of declared) {
      const file = path.join(dir, `${fn.id}.mjs`);
      await build({
        entryPoints: [path.join(ROOT, fn.entry)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        mainFields: ['module', 'main'],
        banner: {
          js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        },
        outfile: file,
        logLevel: 'error',
      });
      bundles.push({ id: fn.id, file });
    }
    const loader = path.join(dir, 'load.mjs');
    writeFileSync(loader, 'await import(process.argv[2]);\n');
    const nodeMs = timeNode(['-e', '']);
    const functions = bundles.map(({ id, file }) => {
      const loadMs = timeNode([loader, file]);
      return {
        id,
        bundle_kb: Math.round(statSync(file).size / 1024),
        load_ms: Number(loadMs.toFixed(1)),
        vs_node: Number((loadMs / nodeMs).toFixed(2)),
      };
    });
    return {
      node_ms: Number(nodeMs.toFixed(1)),
      functions,
      bundle_kb_max: Math.max(...functions.map((fn) => fn.bundle_kb)),
      cold_init_vs_node_ratio: Math.max(...functions.map((fn) => fn.vs_node)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureColdStart(), null, 2));
}
