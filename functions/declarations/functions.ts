// declarations: the Lambda functions and the HTTP routes in front of them. The stack turns each
// entry into a NodejsFunction with exactly the grants listed here; the local runner serves the same
// routes with the same handlers.
import type { MetaCallback } from '../core/meta-callback.js';
import type { SecretName } from './secrets.js';
import { secretIsServed, type PlatformChannel } from './channels.js';
import { DELETION_PIPELINE } from './pipeline.js';
import { JWKS_PATH } from './receipt-keys.js';
import { access, mergeAccess, purgeAccess, type TableAccess } from './table-access.js';
import { CONSENT_PREFERENCES, CORRECTABLE_ATTRIBUTES } from './rights.js';
import {
  DELETION_REQUESTS_TABLE,
  INTEGRATION_TOKENS_TABLE,
  IDENTITY_LINKS_TABLE,
  RATE_LIMITS_TABLE,
  SUPPRESSIONS_TABLE,
  VERIFICATIONS_TABLE,
  WHATSAPP_CONTACTS_TABLE,
  WHATSAPP_MESSAGES_TABLE,
  WHATSAPP_WEBHOOK_RECEIPTS_TABLE,
  mappedTables,
} from './tables.js';

/** A request's record, its code pointer and its one-open-request-per-subject pointer: opened and moved on. */
const REQUEST_INTAKE = access(DELETION_REQUESTS_TABLE, ['GetItem', 'PutItem', 'UpdateItem']);

/** What the WhatsApp webhook and its sweeper do: store and handle messages, open requests, opt people out. */
const WHATSAPP_INBOX_TABLES: readonly TableAccess[] = [
  REQUEST_INTAKE,
  access(SUPPRESSIONS_TABLE, ['GetItem', 'BatchWriteItem']),
  // A changed number moves the identity link: the old number's link is deleted.
  access(IDENTITY_LINKS_TABLE, ['BatchGetItem', 'PutItem', 'DeleteItem']),
  access(WHATSAPP_MESSAGES_TABLE, ['GetItem', 'PutItem', 'UpdateItem']),
  access(WHATSAPP_CONTACTS_TABLE, ['GetItem', 'UpdateItem']),
  access(WHATSAPP_WEBHOOK_RECEIPTS_TABLE, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
];
const WHATSAPP_INBOX_SECRETS: readonly SecretId[] = [
  'whatsappAppSecret',
  'whatsappVerifyToken',
  'whatsappAccessToken',
  'identifierPepper',
];

export type SecretId = SecretName;

export interface FunctionDeclaration {
  readonly id: string;
  /** Path of the handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Each table it uses and exactly the actions (and indexes) its code calls there. */
  readonly tables: readonly TableAccess[];
  readonly sendsJobs: boolean;
  /** What invokes it: API routes, the deletion-job queue, or a schedule. */
  readonly trigger: 'api' | 'deletionJobs' | { readonly everyMinutes: number };
  /** Builds links for people (status page), so it needs PUBLIC_BASE_URL. */
  readonly usesPublicBaseUrl: boolean;
  /** Sends email through SES (the confirmation after a deletion). */
  readonly sendsEmail: boolean;
  /** The secrets it reads; a secret of a channel the stage does not serve is left out (channels.ts). */
  readonly secrets: readonly SecretId[];
  /** Exists only on a stage that serves at least one of these channels; without it, on every stage. */
  readonly channels?: readonly PlatformChannel[];
  /** Reads the app ids of the Meta platforms its stage serves (META_APP_ID, INSTAGRAM_APP_ID). */
  readonly usesMetaAppIds?: boolean;
  /** Acts on which platform channels its stage serves (SERVED_CHANNELS): pages, callbacks, notices. */
  readonly usesServedChannels?: boolean;
  /**
   * Receipt keys: `sign` (kms:Sign with the current key, nothing else) or `publish`
   * (kms:GetPublicKey on the current and previous keys).
   */
  readonly receiptKeys?: 'sign' | 'publish';
  /**
   * Copies of people's data in the exports bucket (EXPORT_BUCKET_NAME): `build` writes them (and reads
   * and removes its pages), `serve` reads them and deletes an expired one.
   */
  readonly exportAccess?: 'build' | 'serve';
}

export interface RouteDeclaration {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly functionId: string;
  /** Largest request body accepted, enforced in the handler (and by the API where it can). */
  readonly maxBodyBytes: number;
  readonly throttle: { readonly ratePerSecond: number; readonly burst: number };
  /** For a Meta signed-request callback: which platform and which callback it is. */
  readonly metaCallback?: MetaCallback;
  /** The platform channel it belongs to: absent from a stage that does not serve it. */
  readonly channel?: PlatformChannel;
}

export const FUNCTIONS = {
  metaCallbacks: {
    id: 'MetaCallbacks',
    entry: 'functions/handlers/meta-callbacks.ts',
    trigger: 'api',
    usesPublicBaseUrl: true,
    description:
      'Facebook and Instagram data-deletion and deauthorize callbacks: verifies signed_request, persists, enqueues, marks tokens revoked.',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      REQUEST_INTAKE,
      // A deauthorize marks the user's stored tokens revoked: their items, by the user's key.
      access(INTEGRATION_TOKENS_TABLE, ['Query', 'UpdateItem']),
    ],
    sendsJobs: true,
    sendsEmail: false,
    secrets: ['metaAppSecret', 'instagramAppSecret', 'identifierPepper'],
    channels: ['facebook', 'instagram'],
    usesMetaAppIds: true,
    usesServedChannels: true,
  },
  deletionStatus: {
    id: 'DeletionStatus',
    entry: 'functions/handlers/deletion-status.ts',
    trigger: 'api',
    usesPublicBaseUrl: false,
    description: 'Status page (HTML and JSON) for a confirmation code.',
    timeoutSeconds: 10,
    memoryMb: 256,
    // By confirmation code and request id only: never a Scan of open requests.
    tables: [access(DELETION_REQUESTS_TABLE, ['GetItem'])],
    sendsJobs: false,
    sendsEmail: false,
    secrets: [],
    // The status page tells only of the platforms the stage serves.
    usesServedChannels: true,
  },
  privacyExport: {
    id: 'PrivacyExport',
    entry: 'functions/handlers/privacy-export.ts',
    trigger: 'api',
    usesPublicBaseUrl: false,
    description: 'The copy of the data an access request made (HTML and JSON), for its confirmation code.',
    timeoutSeconds: 10,
    memoryMb: 256,
    // The request by its confirmation code only.
    tables: [access(DELETION_REQUESTS_TABLE, ['GetItem'])],
    sendsJobs: false,
    sendsEmail: false,
    secrets: [],
    // Serves a copy while its link works, and deletes it when asked for after it expired. Apart from the
    // status page, so the most-visited function neither loads S3 nor may read or delete anyone's copy.
    exportAccess: 'serve',
  },
  deletionWorker: {
    id: 'DeletionWorker',
    entry: 'functions/handlers/deletion-worker.ts',
    trigger: 'deletionJobs',
    usesPublicBaseUrl: true,
    description:
      'Processes deletion jobs: resolves identities, purges the data map, suppresses, confirms, completes.',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: mergeAccess(
      access(DELETION_REQUESTS_TABLE, ['GetItem', 'UpdateItem']),
      access(SUPPRESSIONS_TABLE, ['GetItem', 'BatchWriteItem']),
      // The verification link is made and sent by the worker; a completed request's records are deleted.
      access(VERIFICATIONS_TABLE, ['PutItem', 'BatchWriteItem'], ['requestId']),
      // Resolving a subject to every identity of its account.
      access(IDENTITY_LINKS_TABLE, ['BatchGetItem'], ['accountId']),
      // Revoking Meta grants lists the subject's tokens; a phone verification checks the 24-hour window.
      access(INTEGRATION_TOKENS_TABLE, ['Query']),
      access(WHATSAPP_CONTACTS_TABLE, ['GetItem']),
      ...mappedTables().map(purgeAccess),
      // The other rights: a correction reads and updates the declared attribute's item, and an email
      // correction moves the address's identity link; a withdrawal records the preference.
      ...Object.values(CORRECTABLE_ATTRIBUTES).map(({ table }) => access(table, ['GetItem', 'UpdateItem'])),
      access(IDENTITY_LINKS_TABLE, ['PutItem', 'DeleteItem']),
      access(CONSENT_PREFERENCES.table, ['PutItem']),
    ),
    // Continuation jobs, when a subject has more items than one invocation handles.
    sendsJobs: true,
    sendsEmail: true,
    // metaAppSecret: the app access token that revokes a user's grant (Graph API);
    // whatsappAccessToken: the WhatsApp completion notice and verification links to phone numbers.
    secrets: ['identifierPepper', 'metaAppSecret', 'whatsappAccessToken'],
    usesMetaAppIds: true,
    usesServedChannels: true,
    // The receipt of a finished request, signed in KMS.
    receiptKeys: 'sign',
    // Access requests: the worker writes the copy (a page at a time) and puts it together.
    exportAccess: 'build',
  },
  receiptKeys: {
    id: 'ReceiptKeys',
    entry: 'functions/handlers/receipt-keys.ts',
    trigger: 'api',
    usesPublicBaseUrl: false,
    description:
      'Publishes the public keys of the deletion receipts (JWKS): the current key and the previous ones.',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [],
    sendsJobs: false,
    sendsEmail: false,
    secrets: [],
    receiptKeys: 'publish',
  },
  reconciler: {
    id: 'QueueReconciler',
    entry: 'functions/handlers/queue-reconciler.ts',
    trigger: { everyMinutes: DELETION_PIPELINE.reconcileEveryMinutes },
    usesPublicBaseUrl: false,
    description:
      'Enqueues requests that were persisted but never reached the queue; reports requests past their deadline.',
    timeoutSeconds: 60,
    memoryMb: 256,
    // Requests persisted but never enqueued, by their index.
    tables: [access(DELETION_REQUESTS_TABLE, ['UpdateItem'], ['awaitingQueue'])],
    sendsJobs: true,
    sendsEmail: false,
    secrets: [],
  },
  whatsappWebhook: {
    id: 'WhatsAppWebhook',
    entry: 'functions/handlers/whatsapp-webhook.ts',
    trigger: 'api',
    usesPublicBaseUrl: true,
    description:
      'WhatsApp webhook: verification handshake; verifies X-Hub-Signature-256, stores messages and statuses, acts on DELETE MY DATA and STOP.',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: WHATSAPP_INBOX_TABLES,
    sendsJobs: true,
    sendsEmail: false,
    secrets: WHATSAPP_INBOX_SECRETS,
    channels: ['whatsapp'],
  },
  whatsappSweeper: {
    id: 'WhatsAppSweeper',
    entry: 'functions/handlers/whatsapp-sweeper.ts',
    trigger: { everyMinutes: 1 },
    usesPublicBaseUrl: true,
    description: 'Processes stored WhatsApp messages the webhook could not handle at once.',
    timeoutSeconds: 60,
    memoryMb: 256,
    // Stored messages still pending, by their index.
    tables: mergeAccess(...WHATSAPP_INBOX_TABLES, access(WHATSAPP_MESSAGES_TABLE, [], ['pendingProcessing'])),
    sendsJobs: true,
    sendsEmail: false,
    secrets: ['whatsappAccessToken', 'identifierPepper'],
    channels: ['whatsapp'],
  },
  selfService: {
    id: 'SelfService',
    entry: 'functions/handlers/self-service.ts',
    trigger: 'api',
    usesPublicBaseUrl: true,
    description:
      'Self-service deletion: the request form, intake (the worker sends the verification link), and verification.',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      // A pending request's subject pointer is released when its link is never used.
      access(DELETION_REQUESTS_TABLE, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']),
      // A link is spent by an update; a duplicate's verification records are deleted with it.
      access(VERIFICATIONS_TABLE, ['GetItem', 'UpdateItem', 'BatchWriteItem'], ['requestId']),
      access(RATE_LIMITS_TABLE, ['UpdateItem']),
    ],
    // The verification send is a job: the answer never waits for SES or WhatsApp.
    sendsJobs: true,
    sendsEmail: false,
    secrets: ['identifierPepper'],
    // The pages offer only the served channels (no phone number field without WhatsApp).
    usesServedChannels: true,
  },
  deadlineCheck: {
    id: 'DeadlineCheck',
    entry: 'functions/handlers/deadline-check.ts',
    trigger: { everyMinutes: 60 },
    usesPublicBaseUrl: false,
    description: 'Flags open requests nearing or past their due date and emits the deadline gauges.',
    timeoutSeconds: 60,
    memoryMb: 256,
    // Open requests by due date, by their index.
    tables: [access(DELETION_REQUESTS_TABLE, ['UpdateItem'], ['openByDue'])],
    sendsJobs: false,
    sendsEmail: false,
    secrets: [],
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionKey = keyof typeof FUNCTIONS;

/**
 * Stage throttles are shared by every client; the web ACL's per-IP rules (lib/web-acl-construct.ts) stop
 * one address. Each route's throttle sits at least ten addresses' worth above its per-IP limit, so a flood
 * from a few addresses cannot get Meta's own calls answered 429.
 */
export const ROUTES: readonly RouteDeclaration[] = [
  ...(
    [
      ['/meta/data-deletion', { platform: 'facebook', kind: 'data_deletion' }],
      ['/meta/deauthorize', { platform: 'facebook', kind: 'deauthorize' }],
      ['/instagram/data-deletion', { platform: 'instagram', kind: 'data_deletion' }],
      ['/instagram/deauthorize', { platform: 'instagram', kind: 'deauthorize' }],
    ] as const
  ).map(([path, metaCallback]): RouteDeclaration => ({
    method: 'POST',
    path,
    functionId: FUNCTIONS.metaCallbacks.id,
    maxBodyBytes: 8 * 1024,
    throttle: { ratePerSecond: 500, burst: 1_000 },
    metaCallback,
    channel: metaCallback.platform,
  })),
  {
    method: 'GET',
    path: '/deletion-status',
    functionId: FUNCTIONS.deletionStatus.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 100, burst: 200 },
  },
  {
    method: 'GET',
    path: JWKS_PATH,
    functionId: FUNCTIONS.receiptKeys.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 100, burst: 200 },
  },
  {
    method: 'GET',
    path: '/whatsapp/webhook',
    functionId: FUNCTIONS.whatsappWebhook.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 1_000, burst: 2_000 },
    channel: 'whatsapp',
  },
  {
    // WhatsApp batches up to 1,000 updates and sends bodies up to 3 MB.
    method: 'POST',
    path: '/whatsapp/webhook',
    functionId: FUNCTIONS.whatsappWebhook.id,
    maxBodyBytes: 3 * 1024 * 1024,
    throttle: { ratePerSecond: 1_000, burst: 2_000 },
    channel: 'whatsapp',
  },
  {
    method: 'GET',
    path: '/delete-my-data',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 50, burst: 100 },
  },
  {
    method: 'POST',
    path: '/deletion-requests',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 4 * 1024,
    throttle: { ratePerSecond: 50, burst: 100 },
  },
  {
    // The copy of a person's data, through the link in the access email (with the confirmation code).
    method: 'GET',
    path: '/privacy-export',
    functionId: FUNCTIONS.privacyExport.id,
    maxBodyBytes: 0,
    // Ten addresses' worth of the status pages' per-IP limit (the web ACL's StatusPage group).
    throttle: { ratePerSecond: 10, burst: 20 },
  },
  {
    // The same page, under a name that says it serves every right.
    method: 'GET',
    path: '/privacy',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 20, burst: 40 },
  },
  {
    // Every right (deletion, access, correction, withdraw_consent): form or JSON.
    method: 'POST',
    path: '/privacy-requests',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 4 * 1024,
    throttle: { ratePerSecond: 5, burst: 10 },
  },
  {
    // Opens the confirm page only: link scanners and previews fetch it without the person.
    method: 'GET',
    path: '/deletion-requests/verify',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 50, burst: 100 },
  },
  {
    // The confirm button: a form post carrying the token.
    method: 'POST',
    path: '/deletion-requests/verify',
    functionId: FUNCTIONS.selfService.id,
    maxBodyBytes: 1024,
    throttle: { ratePerSecond: 5, burst: 10 },
  },
];

/** The Meta callback a route path serves, if any. */
export function metaCallbackOf(path: string): MetaCallback | undefined {
  return ROUTES.find((route) => route.path === path)?.metaCallback;
}

/** The functions whose declaration names its channels: absent from a stage that serves none of them. */
export type ChannelFunctionKey = {
  [K in FunctionKey]: (typeof FUNCTIONS)[K] extends { readonly channels: readonly PlatformChannel[] }
    ? K
    : never;
}[FunctionKey];

/** Whether a stage serving `channels` has this function. */
export function functionIsServed(
  declaration: FunctionDeclaration,
  channels: ReadonlySet<PlatformChannel>,
): boolean {
  return declaration.channels === undefined || declaration.channels.some((channel) => channels.has(channel));
}

/** The functions of a stage serving `channels`, by key. */
export function servedFunctionKeys(channels: ReadonlySet<PlatformChannel>): FunctionKey[] {
  return (Object.keys(FUNCTIONS) as FunctionKey[]).filter((key) =>
    functionIsServed(FUNCTIONS[key] as FunctionDeclaration, channels),
  );
}

/** The routes of a stage serving `channels`: a left-out channel's paths are not in its API at all. */
export function servedRoutes(channels: ReadonlySet<PlatformChannel>): RouteDeclaration[] {
  return ROUTES.filter((route) => route.channel === undefined || channels.has(route.channel));
}

/** The secrets a function reads on a stage serving `channels`. */
export function servedSecrets(
  declaration: FunctionDeclaration,
  channels: ReadonlySet<PlatformChannel>,
): SecretId[] {
  return [...new Set(declaration.secrets)].filter((name) => secretIsServed(name, channels));
}
