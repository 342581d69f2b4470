// bench: WhatsApp webhook requests per second the local handler sustains. Starts the local service
// (`npm start`'s entry, in its own process, with its DynamoDB stand-in) and posts signed webhooks
// over HTTP from this process, several at a time:
//  1. new messages: signature check + wamid dedupe + persist (message, contact, receipt) + the
//     inline handling of an ordinary message;
//  2. duplicates: the same delivery again (signature check + dedupe only);
//  3. the signature check alone on a 1 KB body, in process.
// Usage: npm run bench:webhook [-- --seconds=10] [-- --concurrency=16] [-- --json]
import { performance } from 'node:perf_hooks';
import { verifyHubSignature } from '../functions/core/whatsapp-signature.js';
import { startRunner } from '../test/support/local-runner.js';
import { inboundText, sign } from '../test/support/whatsapp-payloads.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value = 'true'] = arg.replace(/^--/, '').split('=');
    return [name, value] as const;
  }),
);
const SECONDS = Number(args.get('seconds') ?? 10);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const SECRET = 'bench-whatsapp-app-secret';

interface Round {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function load(url: string, nextBody: (n: number) => string, seconds: number): Promise<Round> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const body = nextBody(counter++);
        const t0 = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body, SECRET) },
          body,
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status !== 200) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / elapsed),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
    errors,
  };
}

function signatureChecksPerSecond(): number {
  const body = Buffer.from(inboundText('15550000001', 'wamid.SIG', 'x'.repeat(700)));
  const header = sign(body, SECRET);
  const rounds = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i += 1) verifyHubSignature(body, header, [SECRET]);
  return Math.round(rounds / ((performance.now() - t0) / 1000));
}

async function main() {
  const service = await startRunner({ WHATSAPP_APP_SECRET: SECRET, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  try {
    const url = `${service.baseUrl}/whatsapp/webhook`;
    const run = Date.now();
    const person = (n: number) => `1555${String(1_000_000 + (n % 5_000)).padStart(7, '0')}`;
    // Warm-up: modules, connections, JIT.
    await load(url, (n) => inboundText(person(n), `wamid.WARM.${run}.${n}`, 'Is the shop open?'), 1);
    const fresh = await load(
      url,
      (n) => inboundText(person(n), `wamid.BENCH.${run}.${n}`, 'Is the shop open?'),
      SECONDS,
    );
    const duplicateBody = inboundText(person(0), `wamid.BENCH.${run}.0`, 'Is the shop open?');
    const duplicates = await load(url, () => duplicateBody, Math.max(2, SECONDS / 2));
    const stored = (await service.scan('WhatsAppMessages')).filter((item) =>
      String(item.wamid).startsWith(`wamid.BENCH.${run}.`),
    ).length;
    const result = {
      webhook_rps: fresh.rps,
      webhook_p50_ms: fresh.p50Ms,
      webhook_p99_ms: fresh.p99Ms,
      webhook_requests: fresh.requests,
      webhook_errors: fresh.errors,
      messages_stored: stored,
      duplicate_rps: duplicates.rps,
      duplicate_p50_ms: duplicates.p50Ms,
      duplicate_errors: duplicates.errors,
      signature_checks_per_second: signatureChecksPerSecond(),
      concurrency: CONCURRENCY,
      seconds: SECONDS,
    };
    if (!args.has('json')) {
      console.log(
        `New messages:  ${result.webhook_rps} requests/s (p50 ${result.webhook_p50_ms} ms, p99 ${result.webhook_p99_ms} ms, ${result.webhook_requests} requests, ${result.webhook_errors} errors, ${result.messages_stored} stored)`,
      );
      console.log(
        `Duplicates:    ${result.duplicate_rps} requests/s (p50 ${result.duplicate_p50_ms} ms, ${result.duplicate_errors} errors)`,
      );
      console.log(`Signature check alone (1 KB body): ${result.signature_checks_per_second}/s`);
      console.log(
        `Concurrency ${CONCURRENCY}, ${SECONDS} s per round; one local process, DynamoDB stand-in in it.`,
      );
    }
    // Last line: machine-readable.
    console.log(JSON.stringify(result));
  } finally {
    await service.stop();
  }
}

await main();
