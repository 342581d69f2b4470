// test support: the WhatsApp channel wired to the real adapters against the in-process stand-ins
// (DynamoDB, the fake Graph API), as the webhook, sweeper and worker handlers wire it.
import { makeDynamoIdentityLinker } from '../../functions/adapters/dynamo-identity-linker.js';
import { makeDynamoOpenRequestIndex } from '../../functions/adapters/dynamo-open-requests.js';
import { makeDynamoSuppressionList } from '../../functions/adapters/dynamo-suppression-list.js';
import { makeDynamoWhatsAppInbox } from '../../functions/adapters/dynamo-whatsapp-inbox.js';
import { makeGraphApiClient } from '../../functions/adapters/graph-api-client.js';
import { makeWhatsAppCloudApiSender } from '../../functions/adapters/whatsapp-cloud-api.js';
import { makeIdentifierHasher } from '../../functions/core/keyed-hash.js';
import type { MetricName } from '../../functions/declarations/metric-names.js';
import { makeHandleWhatsAppMessage } from '../../functions/use-cases/handle-whatsapp-message.js';
import type { Clock, JobQueue, OpenRequestIndex } from '../../functions/use-cases/ports.js';
import { makeReceiveWhatsAppWebhook } from '../../functions/use-cases/receive-whatsapp-webhook.js';
import { makeSweepWhatsAppInbox } from '../../functions/use-cases/sweep-whatsapp-inbox.js';
import {
  makeWhatsAppCompletionNotice,
  type CompletionTemplate,
} from '../../functions/use-cases/whatsapp-completion-notice.js';
import { makeWhatsAppGateway } from '../../functions/use-cases/whatsapp-gateway.js';
import type { Harness } from './purge-harness.js';
import { PEPPER } from './purge-harness.js';
import { BUSINESS_NUMBER, WA_SECRET } from './whatsapp-payloads.js';

export interface ChannelOptions {
  readonly openRequests?: (real: OpenRequestIndex) => OpenRequestIndex;
  readonly clock?: Clock;
  readonly inlineBudgetMillis?: number;
  /** How long the webhook's own run holds a message it stored. */
  readonly leaseMillis?: number;
}

export function whatsappChannel(harness: Harness, options: ChannelOptions = {}) {
  const documents = harness.env.documents;
  const clock = options.clock ?? { now: () => new Date() };
  const events: { metric: MetricName; dimensions?: Readonly<Record<string, string>> }[] = [];
  const recorder = {
    count: (metric: MetricName, _value?: number, dimensions?: Readonly<Record<string, string>>) =>
      void events.push({ metric, ...(dimensions ? { dimensions } : {}) }),
  };
  const jobs: string[] = [];
  const queue: JobQueue = { sendDeletionJob: async (requestId) => void jobs.push(requestId) };
  const hasher = makeIdentifierHasher(PEPPER);
  const hashIdentifier = async () => hasher;
  const inbox = makeDynamoWhatsAppInbox(documents, {
    messages: 'WhatsAppMessages',
    contacts: 'WhatsAppContacts',
    receipts: 'WhatsAppWebhookReceipts',
  });
  const suppressions = makeDynamoSuppressionList(documents, 'Suppressions');
  const graph = harness.env.standIns.graph;
  const gateway = makeWhatsAppGateway({
    sender: makeWhatsAppCloudApiSender(
      makeGraphApiClient({ baseUrl: graph.url, version: 'v27.0', sleep: async () => undefined }),
      async () => 'test-access-token',
    ),
    suppressions,
    hashIdentifier,
    clock,
    events: recorder,
  });
  const pointers = makeDynamoOpenRequestIndex(documents, 'DeletionRequests', 'OPEN#');
  const openRequests = options.openRequests ? options.openRequests(pointers) : pointers;
  const handleMessage = makeHandleWhatsAppMessage({
    inbox,
    store: harness.store,
    openRequests,
    queue,
    suppressions,
    links: makeDynamoIdentityLinker(documents, 'IdentityLinks'),
    gateway,
    clock,
    events: recorder,
    hashIdentifier,
    warn: () => undefined,
    publicBaseUrl: 'https://privacy.example.com',
    leaseMillis: 30_000,
  });
  const receive = makeReceiveWhatsAppWebhook({
    inbox,
    clock,
    events: recorder,
    secrets: async () => [WA_SECRET],
    hashIdentifier,
    handleMessage,
    warn: () => undefined,
    retentionDays: 90,
    inlineBudgetMillis: options.inlineBudgetMillis ?? 5_000,
    leaseMillis: options.leaseMillis ?? 30_000,
    businessNumbers: new Set([BUSINESS_NUMBER]),
  });
  const sweep = makeSweepWhatsAppInbox({
    inbox,
    clock,
    events: recorder,
    handleMessage,
    graceSeconds: 0,
    batchSize: 50,
  });
  const completionNotice = (template?: CompletionTemplate) =>
    makeWhatsAppCompletionNotice({
      gateway,
      events: recorder,
      publicBaseUrl: 'https://privacy.example.com',
      ...(template ? { template } : {}),
    });
  /** Messages sent to the fake Graph API, with their recipient and text (or template name). */
  const sent = () =>
    graph
      .calls()
      .filter((call) => call.method === 'POST' && call.path.endsWith('/messages'))
      .map((call) => {
        const body = call.body as {
          to: string;
          type: string;
          text?: { body: string };
          template?: { name: string };
        };
        return { to: body.to, type: body.type, text: body.text?.body ?? body.template?.name ?? '' };
      });
  return {
    inbox,
    gateway,
    suppressions,
    receive,
    sweep,
    handleMessage,
    completionNotice,
    jobs,
    events,
    sent,
    hasher,
  };
}
