// bench: every benchmark in one run — `npm run bench [-- --json]`. Each figure is a ratio within this run
// (so a noisy machine cancels out) or an absolute figure with the machine stated in BENCHMARKS.md. With
// --json the last line is one JSON object. Targets: handler ≤ 5× the bare HMAC check; every function's
// cold start (load + first request) ≤ 1.2× its SDK floor; purge ≥ 10× one-at-a-time deletes; ≤ 42
// write requests per 1,000 items.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { measureColdStart } from './cold-start.js';
import { measureHandlerCost } from './handler-cost.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const json = process.argv.includes('--json');
const log = (line: string) => {
  if (!json) console.log(line);
};

/** Runs a benchmark script in its own process and returns the JSON object on its last line. */
function runScript(script: string, args: string[]): Record<string, unknown> {
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [script, '--json', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${script} failed`);
  const last = result.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as Record<string, unknown>;
}

const started = performance.now();
// A shared machine's load moves every figure: each run says what it was (1-minute load average).
const loadAtStart = (await import('node:os')).loadavg()[0];
log('Handler cost (in process)…');
const handler = await measureHandlerCost();
log(
  `  bare HMAC check ${handler.hmac_us} µs; callback with in-memory ports ${handler.handler_in_memory_us} µs`,
);
log(
  `  → ${handler.handler_vs_hmac_ratio}× (target ≤ 5×); against the stand-ins ${handler.handler_stand_ins_us} µs`,
);

log('Cold start (bundle loaded and first request served, vs the SDK floor of the same calls)…');
const cold = await measureColdStart();
for (const fn of cold.functions)
  log(
    `  ${fn.id.padEnd(16)} ${fn.bundle_kb} KB, ${fn.cold_start_ms} ms vs floor ${fn.floor_ms} ms (${fn.sdk_calls} SDK calls, ${fn.floor_kb} KB): ${fn.vs_floor}× floor, ${fn.vs_node}× node`,
  );
log(
  `  bare node ${cold.node_ms} ms; worst ${cold.cold_start_vs_sdk_floor_ratio}× its SDK floor (target ≤ 1.2×), ${cold.cold_start_vs_node_ratio}× node`,
);

log('Purge (DynamoDB stand-in in its own process)…');
const purge = runScript('bench/purge.ts', []);
log(
  `  ${purge.purge_vs_naive_ratio}× one-at-a-time, median of paired rounds (lowest ${purge.purge_vs_naive_ratio_lowest}×, highest ${purge.purge_vs_naive_ratio_highest}×; target ≥ 10×); ${purge.write_requests_per_1000_items} write requests / 1,000 items (target ≤ 42)`,
);
log(`  100k-item subject: ${purge.big_subject_invocations} invocations, ${purge.big_subject_seconds} s`);

log('WhatsApp webhook (signature + dedupe + persist)…');
const webhook = runScript('bench/whatsapp-webhook.ts', ['--seconds=5']);
log(`  ${webhook.webhook_rps} requests/s`);

const summary = {
  machine: {
    cpus: (await import('node:os')).cpus().length,
    node: process.version,
    load_average_start: Number(loadAtStart?.toFixed(1)),
    load_average_end: Number((await import('node:os')).loadavg()[0]?.toFixed(1)),
  },
  handler_vs_hmac_ratio: handler.handler_vs_hmac_ratio,
  handler_stand_ins_vs_hmac_ratio: handler.handler_stand_ins_vs_hmac_ratio,
  cold_start_vs_sdk_floor_ratio: cold.cold_start_vs_sdk_floor_ratio,
  cold_start_vs_node_ratio: cold.cold_start_vs_node_ratio,
  cold_start: Object.fromEntries(cold.functions.map((fn) => [fn.id, fn.vs_floor])),
  bundle_kb_max: cold.bundle_kb_max,
  purge_vs_naive_ratio: purge.purge_vs_naive_ratio,
  purge_vs_naive_ratio_lowest: purge.purge_vs_naive_ratio_lowest,
  purge_vs_naive_ratio_highest: purge.purge_vs_naive_ratio_highest,
  write_requests_per_1000_items: purge.write_requests_per_1000_items,
  big_subject_invocations: purge.big_subject_invocations,
  big_subject_seconds: purge.big_subject_seconds,
  webhook_rps: webhook.webhook_rps,
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
};
if (json) console.log(JSON.stringify(summary));
else log(`Done in ${summary.seconds} s`);
