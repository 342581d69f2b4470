// fuzz: `npm run fuzz [-- --runs=10000] [-- --seed=N]` — the full run, 10,000 cases per entry point.
import { fuzzEntryPoints, startFuzzTarget } from './entry-points.js';

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const numRuns = Number(option('runs') ?? 10_000);
const seed = option('seed') === undefined ? Date.now() % 2 ** 31 : Number(option('seed'));

const target = await startFuzzTarget();
try {
  console.log(`Fuzzing every entry point with ${numRuns} cases each (seed ${seed})`);
  const started = performance.now();
  for (const report of await fuzzEntryPoints(target, { numRuns, seed })) {
    console.log(
      `${report.route.padEnd(32)} ${report.cases} cases, slowest ${report.slowestMs} ms, statuses ${JSON.stringify(report.statuses)}`,
    );
  }
  console.log(`All properties held (${((performance.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  await target.stop();
}
