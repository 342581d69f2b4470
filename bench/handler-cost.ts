// bench: the cost of one Meta deletion callback in process — verify + persist + enqueue, with in-memory
// ports and against the stand-ins — as a ratio to the bare HMAC verification of the same request, in
// the same run. Each measured callback is a new user (a replay would skip the writes).
import { verifySignedRequest } from '../functions/core/signed-request.js';
import { makeIdentifierHasher } from '../functions/core/keyed-hash.js';
import type { DeletionRequest } from '../functions/core/deletion-request.js';
import {
  makeHandleMetaCallback,
  type MetaCallbackPorts,
} from '../functions/use-cases/handle-meta-callback.js';
import type { DeletionRequestStore } from '../functions/use-cases/ports.js';
import { lambdaContext } from '../local/api-gateway.js';
import { startLocalService } from '../local/local-service.js';
import { callbackFormBody, deletionPayload, signRequest } from '../test/support/signing.js';
import { median } from './statistics.js';

const SECRET = 'bench-meta-app-secret';
const N = 2_000;

function requests(count: number, offset: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) =>
    signRequest(deletionPayload(String(30_000_000_000_000_000n + BigInt(offset + i)), now), SECRET),
  );
}

/** The ports the callback use case needs, in memory: nothing but maps. */
function inMemoryPorts(): MetaCallbackPorts {
  const requestsById = new Map<string, DeletionRequest>();
  const pointers = new Map<string, string>();
  const store = {
    async create(request: DeletionRequest) {
      const existing = requestsById.get(request.requestId);
      if (existing) return { created: false as const, existing };
      requestsById.set(request.requestId, request);
      return { created: true as const };
    },
    async ensureCodePointer() {},
    async get(requestId: string) {
      return requestsById.get(requestId);
    },
    async transition() {
      return true;
    },
  } as unknown as DeletionRequestStore;
  const hasher = makeIdentifierHasher('bench-pepper');
  return {
    store,
    openRequests: {
      async pointsTo(key) {
        return pointers.get(key);
      },
      async claim(key, id) {
        const current = pointers.get(key);
        if (current) return current;
        pointers.set(key, id);
        return id;
      },
      async reassign(key, _from, to) {
        pointers.set(key, to);
        return to;
      },
    },
    tokens: { list: async () => [], markRevoked: async () => 0 },
    queue: { sendDeletionJob: async () => undefined },
    clock: { now: () => new Date() },
    secrets: async (name) => (name === 'identifierPepper' ? ['bench-pepper'] : [SECRET]),
    hashIdentifier: async () => hasher,
    events: { count: () => undefined },
    log: () => undefined,
    publicBaseUrl: 'https://privacy.example.com',
    appIds: { facebook: '100000000000001', instagram: '200000000000002' },
    window: { maxAgeSeconds: 86_400, maxSkewSeconds: 300 },
    reuseDays: 90,
    pointerDays: 90,
  } as MetaCallbackPorts;
}

async function timePerCall(calls: string[], run: (signedRequest: string) => unknown): Promise<number> {
  const started = performance.now();
  for (const call of calls) await run(call);
  return ((performance.now() - started) * 1000) / calls.length;
}

export interface HandlerCostResult {
  readonly hmac_us: number;
  readonly handler_in_memory_us: number;
  readonly handler_stand_ins_us: number;
  readonly handler_vs_hmac_ratio: number;
  readonly handler_stand_ins_vs_hmac_ratio: number;
}

export async function measureHandlerCost(): Promise<HandlerCostResult> {
  const policy = { secrets: [SECRET], maxAgeSeconds: 86_400, maxSkewSeconds: 300 };
  const handle = makeHandleMetaCallback(inMemoryPorts());
  const callback = { platform: 'facebook', kind: 'data_deletion' } as const;
  // Warm up both paths, then measure them in alternation.
  await timePerCall(requests(300, 0), (sr) => verifySignedRequest(sr, policy, Math.floor(Date.now() / 1000)));
  await timePerCall(requests(300, 300), (sr) => handle(callback, sr));
  const hmac: number[] = [];
  const inMemory: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const batch = requests(N, 1_000 + round * N * 2);
    hmac.push(
      await timePerCall(batch, (sr) => verifySignedRequest(sr, policy, Math.floor(Date.now() / 1000))),
    );
    inMemory.push(await timePerCall(requests(N, 1_000 + round * N * 2 + N), (sr) => handle(callback, sr)));
  }

  const service = await startLocalService({
    env: {
      PORT: '0',
      META_APP_SECRET: SECRET,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      SCHEDULE_INTERVAL_MS: '3600000',
    },
    seed: false,
  });
  let standIns: number;
  try {
    const handler = service.apiHandler('MetaCallbacks');
    if (!handler) throw new Error('MetaCallbacks is not served');
    const event = (sr: string) =>
      ({
        resource: '/meta/data-deletion',
        path: '/meta/data-deletion',
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: callbackFormBody(sr),
        isBase64Encoded: false,
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        requestContext: { identity: { sourceIp: '127.0.0.1' } },
      }) as never;
    const context = lambdaContext('MetaCallbacks');
    await timePerCall(requests(100, 100_000), (sr) => handler(event(sr), context));
    standIns = await timePerCall(requests(500, 200_000), async (sr) => {
      const result = await handler(event(sr), context);
      if (result.statusCode !== 200) throw new Error(`callback answered ${result.statusCode}`);
    });
  } finally {
    await service.stop();
  }
  const hmacUs = median(hmac);
  const inMemoryUs = median(inMemory);
  return {
    hmac_us: Number(hmacUs.toFixed(1)),
    handler_in_memory_us: Number(inMemoryUs.toFixed(1)),
    handler_stand_ins_us: Number(standIns.toFixed(1)),
    handler_vs_hmac_ratio: Number((inMemoryUs / hmacUs).toFixed(2)),
    handler_stand_ins_vs_hmac_ratio: Number((standIns / hmacUs).toFixed(1)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureHandlerCost()));
}
