// declarations: the Lambda functions and the HTTP routes in front of them. The stack turns each
// entry into a NodejsFunction with exactly the grants listed here; the local runner serves the same
// routes with the same handlers.
import type { SecretName } from '../runtime/secrets.js';
import { DELETION_PIPELINE } from './pipeline.js';
import {
  DELETION_REQUESTS_TABLE,
  SUPPRESSIONS_TABLE,
  mappedTables,
  type TableDeclaration,
} from './tables.js';

export type SecretId = SecretName;

export interface FunctionDeclaration {
  readonly id: string;
  /** Path of the handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly readTables: readonly TableDeclaration[];
  readonly writeTables: readonly TableDeclaration[];
  readonly sendsJobs: boolean;
  /** What invokes it: API routes, the deletion-job queue, or a schedule. */
  readonly trigger: 'api' | 'deletionJobs' | { readonly everyMinutes: number };
  /** Builds links for people (status page), so it needs PUBLIC_BASE_URL. */
  readonly usesPublicBaseUrl: boolean;
  /** Sends email through SES (the confirmation after a deletion). */
  readonly sendsEmail: boolean;
  readonly secrets: readonly SecretId[];
}

export interface RouteDeclaration {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly functionId: string;
  /** Largest request body accepted, enforced in the handler (and by the API where it can). */
  readonly maxBodyBytes: number;
  readonly throttle: { readonly ratePerSecond: number; readonly burst: number };
}

export const FUNCTIONS = {
  metaCallbacks: {
    id: 'MetaCallbacks',
    entry: 'functions/handlers/meta-data-deletion.ts',
    trigger: 'api',
    usesPublicBaseUrl: true,
    description: 'Meta Data Deletion Request callback: verifies signed_request, persists and enqueues.',
    timeoutSeconds: 10,
    memoryMb: 256,
    readTables: [],
    writeTables: [DELETION_REQUESTS_TABLE],
    sendsJobs: true,
    sendsEmail: false,
    secrets: ['metaAppSecret', 'identifierPepper'],
  },
  deletionStatus: {
    id: 'DeletionStatus',
    entry: 'functions/handlers/deletion-status.ts',
    trigger: 'api',
    usesPublicBaseUrl: false,
    description: 'Status page (HTML and JSON) for a confirmation code.',
    timeoutSeconds: 5,
    memoryMb: 256,
    readTables: [DELETION_REQUESTS_TABLE],
    writeTables: [],
    sendsJobs: false,
    sendsEmail: false,
    secrets: [],
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
    readTables: [],
    writeTables: [DELETION_REQUESTS_TABLE, SUPPRESSIONS_TABLE, ...mappedTables()],
    // Continuation jobs, when a subject has more items than one invocation handles.
    sendsJobs: true,
    sendsEmail: true,
    secrets: ['identifierPepper'],
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
    readTables: [],
    writeTables: [DELETION_REQUESTS_TABLE],
    sendsJobs: true,
    sendsEmail: false,
    secrets: [],
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionKey = keyof typeof FUNCTIONS;

export const ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'POST',
    path: '/meta/data-deletion',
    functionId: FUNCTIONS.metaCallbacks.id,
    maxBodyBytes: 8 * 1024,
    throttle: { ratePerSecond: 50, burst: 100 },
  },
  {
    method: 'GET',
    path: '/deletion-status',
    functionId: FUNCTIONS.deletionStatus.id,
    maxBodyBytes: 0,
    throttle: { ratePerSecond: 20, burst: 40 },
  },
];

export function functionById(id: string): FunctionDeclaration {
  const found = Object.values(FUNCTIONS).find((fn) => fn.id === id);
  if (!found) throw new Error(`No function declared with id ${id}`);
  return found;
}
