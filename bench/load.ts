// bench: load against the local service (`npm start`'s entry, in its own process): 1,000 signed deletion
// callbacks (10 % replays), 1,000 WhatsApp webhooks (messages, statuses, duplicates, 100 "DELETE MY DATA")
// and 200 status lookups, sent concurrently over HTTP with seeded data behind them. Then it waits and
// checks: every acknowledged request completed, none lost, none duplicated, one acknowledgement per
// WhatsApp deletion, no 5xx. Prints throughput and p50/p99 latency per route. `npm run load`.
import { startRunner, type RunningService } from '../test/support/local-runner.js';
import { callbackFormBody, deletionPayload, signRequest } from '../test/support/signing.js';
import { envelope, change, inboundText, sign, status } from '../test/support/whatsapp-payloads.js';

const META_SECRET = 'load-meta-app-secret';
const WA_SECRET = 'load-whatsapp-app-secret';
const CONCURRENCY = 16;

interface Call {
  readonly route: string;
  readonly send: () => Promise<Response>;
  readonly after?: (response: Response) => Promise<void>;
}

const latencies = new Map<string, number[]>();
const statuses = new Map<string, Map<number, number>>();
const failures: string[] = [];

async function run(calls: readonly Call[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) {
        const call = calls[next++]!;
        const begun = performance.now();
        const response = await call.send();
        const elapsed = performance.now() - begun;
        (latencies.get(call.route) ?? latencies.set(call.route, []).get(call.route)!).push(elapsed);
        const byStatus = statuses.get(call.route) ?? statuses.set(call.route, new Map()).get(call.route)!;
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
        if (call.after) await call.after(response);
        else await response.arrayBuffer();
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, seconds = 240): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(service: RunningService) {
  const now = Math.floor(Date.now() / 1000);
  const codes = new Set<string>();
  const codeOfUser = new Map<string, string>();
  const metaCalls: Call[] = [];
  const users = Array.from({ length: 900 }, (_, i) => String(40_000_000_000_000_000n + BigInt(i)));
  const signed = users.map((user) => signRequest(deletionPayload(user, now), META_SECRET));
  const callback = (user: string, signedRequest: string): Call => ({
    route: 'POST /meta/data-deletion',
    send: () =>
      fetch(`${service.baseUrl}/meta/data-deletion`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: callbackFormBody(signedRequest),
      }),
    after: async (response) => {
      const body = (await response.json()) as { confirmation_code?: string };
      if (response.status !== 200 || !body.confirmation_code)
        return void failures.push(`callback ${response.status}`);
      const earlier = codeOfUser.get(user);
      if (earlier && earlier !== body.confirmation_code) failures.push('a replay got a different code');
      codeOfUser.set(user, body.confirmation_code);
      codes.add(body.confirmation_code);
    },
  });
  users.forEach((user, i) => metaCalls.push(callback(user, signed[i]!)));
  for (let i = 0; i < 100; i += 1) metaCalls.push(callback(users[i]!, signed[i]!));

  const webhook = (body: string): Call => ({
    route: 'POST /whatsapp/webhook',
    send: () =>
      fetch(`${service.baseUrl}/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body, WA_SECRET) },
        body,
      }),
  });
  const deletePhones = Array.from({ length: 100 }, (_, i) => `1555200${String(i).padStart(4, '0')}`);
  const waBodies = [
    ...Array.from({ length: 700 }, (_, i) =>
      inboundText(`1555300${String(i % 350).padStart(4, '0')}`, `wamid.LOAD${i}`, `Hello ${i}`),
    ),
    ...deletePhones.map((phone, i) => inboundText(phone, `wamid.DEL${i}`, 'DELETE MY DATA')),
    ...Array.from({ length: 100 }, (_, i) =>
      envelope([[change({ statuses: [status(`wamid.OUT${i}`, i % 2 ? 'read' : 'delivered')] })]]),
    ),
  ];
  const waCalls = [...waBodies.map(webhook), ...waBodies.slice(0, 100).map(webhook)];

  // Interleave the channels so they really run at the same time.
  const calls: Call[] = [];
  for (let i = 0; i < Math.max(metaCalls.length, waCalls.length); i += 1) {
    if (metaCalls[i]) calls.push(metaCalls[i]!);
    if (waCalls[i]) calls.push(waCalls[i]!);
  }
  const seconds = await run(calls);

  const lookups: Call[] = [...codes].slice(0, 200).map((code) => ({
    route: 'GET /deletion-status',
    send: () =>
      fetch(`${service.baseUrl}/deletion-status?code=${code}`, { headers: { Accept: 'application/json' } }),
  }));
  const lookupSeconds = await run(lookups);

  // Every acknowledged request completes, exactly once per user and per WhatsApp sender.
  await waitFor('every Meta request to complete', async () => {
    const requests = (await service.scan('DeletionRequests')).filter((item) =>
      String(item.pk).startsWith('REQUEST#'),
    );
    const open = requests.filter(
      (item) => !['completed', 'completed_with_retention'].includes(String(item.status)),
    );
    return open.length === 0 && requests.length >= 1_000 ? requests : undefined;
  });
  const requests = (await service.scan('DeletionRequests')).filter((item) =>
    String(item.pk).startsWith('REQUEST#'),
  );
  const byChannel = (channel: string) => requests.filter((item) => item.channel === channel).length;
  if (codes.size !== 900) failures.push(`expected 900 confirmation codes, got ${codes.size}`);
  if (byChannel('facebook') !== 900)
    failures.push(`expected 900 Facebook requests, got ${byChannel('facebook')}`);
  if (byChannel('whatsapp') !== 100)
    failures.push(`expected 100 WhatsApp requests, got ${byChannel('whatsapp')}`);
  const graphCalls = (await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as {
    body?: { to?: string; type?: string };
  }[];
  for (const phone of deletePhones) {
    const sent = graphCalls.filter((call) => call.body?.to === phone);
    if (sent.length < 1 || sent.length > 2)
      failures.push(`${phone} got ${sent.length} WhatsApp messages (ack + notice expected)`);
  }
  for (const [route, counts] of statuses) {
    for (const [code, count] of counts) if (code >= 500) failures.push(`${route}: ${count} × ${code}`);
  }

  console.log(
    `Load: ${calls.length} callbacks and webhooks in ${seconds.toFixed(1)} s (${(calls.length / seconds).toFixed(0)}/s), ${lookups.length} lookups in ${lookupSeconds.toFixed(1)} s`,
  );
  for (const [route, values] of latencies) {
    const counts = [...(statuses.get(route) ?? new Map())]
      .map(([code, count]) => `${code}×${count}`)
      .join(' ');
    console.log(
      `  ${route.padEnd(26)} ${values.length} requests, p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms  [${counts}]`,
    );
  }
  console.log(
    `  requests: ${byChannel('facebook')} Facebook, ${byChannel('whatsapp')} WhatsApp, all completed`,
  );
  if (failures.length > 0) {
    console.error(`FAILED:\n  ${failures.slice(0, 20).join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('No request lost, none duplicated, no 5xx.');
  }
}

const service = await startRunner({
  META_APP_SECRET: META_SECRET,
  WHATSAPP_APP_SECRET: WA_SECRET,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
try {
  await main(service);
} finally {
  await service.stop();
}
