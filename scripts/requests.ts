// Support command: `npm run requests -- <verb> [options]`. Files, shows, lists, cancels, retries and
// extends privacy requests of every type (deletion, access, correction, withdraw_consent), and redrives the dead-letter queue, against the local stack or a
// deployed one. Every action is recorded in the request's audit trail with who did it. Raw
// identifiers are never printed.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SESClient } from '@aws-sdk/client-ses';
import { makeDynamoDeletionRequestStore } from '../functions/adapters/dynamo-deletion-requests.js';
import { makeDynamoOpenRequestIndex } from '../functions/adapters/dynamo-open-requests.js';
import { makeDynamoVerificationStore } from '../functions/adapters/dynamo-verifications.js';
import { makeSesVerificationNotifier } from '../functions/adapters/ses-email-notifier.js';
import { makeSqsJobQueue, makeSqsVerificationQueue } from '../functions/adapters/sqs-job-queue.js';
import { isWellFormedConfirmationCode, newConfirmationCode } from '../functions/core/confirmation-code.js';
import {
  isTerminal,
  type DeletionRequest,
  type IdentifierKind,
  type SubjectIdentifier,
} from '../functions/core/deletion-request.js';
import { deadlineState, dueDate, extendDueDate, isJurisdiction } from '../functions/core/due-date.js';
import { parseDeletionJobBody } from '../functions/core/job-message.js';
import { normaliseIdentifier } from '../functions/core/identifiers.js';
import { makeIdentifierHasher } from '../functions/core/keyed-hash.js';
import { newRequestId } from '../functions/core/self-service-identifier.js';
import {
  isRequestType,
  openRequestKey,
  parseRightsRequest,
  type RightsRequest,
} from '../functions/core/privacy-rights.js';
import { rightsFields } from '../functions/use-cases/request-self-service-deletion.js';
import {
  IDENTITY_VERIFIED_STEP,
  needsNewAddressConfirmation,
} from '../functions/use-cases/verify-deletion-request.js';
import { QUEUE_URL_ENV } from '../functions/declarations/pipeline.js';
import {
  DELETION_REQUESTS_TABLE,
  VERIFICATIONS_TABLE,
  tableEnvVar,
} from '../functions/declarations/tables.js';
import { makeSecretReader } from '../functions/runtime/secrets.js';
import { pointSubjectAt, verifiedOpenRequest } from '../functions/use-cases/open-request.js';
import type {
  DeletionRequestStore,
  JobQueue,
  OpenRequestIndex,
  VerificationStore,
} from '../functions/use-cases/ports.js';
import { statusUrl } from '../functions/use-cases/status-url.js';

const USAGE = `Usage: npm run requests -- <verb> [options]

Verbs
  file    --email <address> | --identifier <kind>=<value> ... --verified-by "<how identity was checked>"
          [--type deletion|access|correction|withdraw_consent]   (default: deletion)
          [--attribute name|email|company --value "<new value>"]  (correction)
          [--activity analytics|marketing_messages|ai_transcripts] (withdraw_consent)
          [--priority immediate] [--jurisdiction gdpr|ccpa]
  show    <confirmation code or request id>
  list    [open|overdue|nearing|failed] [--type <type>]   (default: open, every type)
  cancel  <code or id> --reason "<shown to the person>"
  retry   <code or id>                         (a failed request)
  extend  <code or id> --reason "<shown to the person>" [--months 1|2 (GDPR) | --days 1..45 (CCPA)]
                                               (once per request; as long as the work needs)
  redrive [--max <n>]                          (dead-letter queue back to the job queue)

Where
  --local <url>       the local stack (npm start), e.g. http://127.0.0.1:3000
  --outputs <file>    cdk deploy --outputs-file output, with AWS credentials in the environment
  otherwise           ${tableEnvVar(DELETION_REQUESTS_TABLE)}, ${tableEnvVar(VERIFICATIONS_TABLE)}, ${QUEUE_URL_ENV},
                      DELETION_JOBS_DLQ_URL, PUBLIC_BASE_URL, SES_FROM_ADDRESS and
                      IDENTIFIER_PEPPER_SECRET_ARN from the environment
  --by <name>         who is acting (default: your login name)
`;

const LOCAL_PEPPER = 'local-identifier-pepper-not-for-production';

interface Target {
  readonly requestsTable: string;
  readonly verificationsTable: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly publicBaseUrl: string;
  readonly fromAddress: string;
  readonly pepper: () => Promise<string>;
  readonly clientConfig: Record<string, unknown>;
  readonly sesConfig: Record<string, unknown>;
}

type Env = Readonly<Record<string, string | undefined>>;

interface LocalInfo {
  endpoints: { dynamodb: string; sqs: string; ses: string };
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** The local stack's stand-ins, from `npm start`'s API; one line naming the URL when it is not there. */
async function localInfo(baseUrl: string): Promise<LocalInfo> {
  const url = `${baseUrl.replace(/\/+$/, '')}/__local/info`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new RefusedError(
      `Could not reach the local stack at ${url} (${connectionProblem(error)}): is npm start running? Give --local the "API:" address it prints.`,
    );
  }
  const info = (await response.json().catch(() => undefined)) as LocalInfo | undefined;
  if (!response.ok || !info?.endpoints?.dynamodb)
    throw new RefusedError(
      `${url} answered HTTP ${response.status}, not the local stack's description: give --local the "API:" address npm start prints.`,
    );
  return info;
}

/** "connection refused", "host not found", …: the network reason behind a failed call. */
function connectionProblem(error: unknown): string {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && codes[code]) return codes[code];
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'timed out';
  }
  return error instanceof Error ? error.message : String(error);
}

/** True for a failure to reach an endpoint at all (as opposed to an answer that refused). */
function isConnectionFailure(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EAI_AGAIN)$/.test(code)
    )
      return true;
  }
  return false;
}

async function localTarget(baseUrl: string, env: Env): Promise<Target> {
  const info = await localInfo(baseUrl);
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    requestsTable: DELETION_REQUESTS_TABLE.id,
    verificationsTable: VERIFICATIONS_TABLE.id,
    queueUrl: info.queueUrl,
    deadLetterQueueUrl: info.deadLetterQueueUrl,
    publicBaseUrl: (env.PUBLIC_BASE_URL || baseUrl).replace(/\/+$/, ''),
    fromAddress: env.SES_FROM_ADDRESS || 'privacy@example.com',
    pepper: async () => env.IDENTIFIER_PEPPER || LOCAL_PEPPER,
    clientConfig: { ...local, endpoint: info.endpoints.dynamodb, sqsEndpoint: info.endpoints.sqs },
    sesConfig: { ...local, endpoint: info.endpoints.ses },
  };
}

/** How to point the command at a stack: said whenever it does not know which one to use. */
const WHICH_STACK =
  'add --local http://127.0.0.1:3000 for the local stack (the "API:" address npm start prints), or --outputs cdk-outputs.json for a deployed stage (written by cdk deploy --outputs-file cdk-outputs.json; AWS credentials in the environment)';

function required(values: Env, name: string, outputsFile: string | undefined): string {
  const value = values[name];
  if (value) return value;
  if (outputsFile)
    throw new RefusedError(
      `${outputsFile} does not give ${name}: write it with cdk deploy --outputs-file for this stack, or set ${name}.`,
    );
  throw new UsageError(`Which stack? ${WHICH_STACK}.`, { withUsage: false });
}

function deployedTarget(env: Env, outputsFile?: string): Target {
  const values: Record<string, string | undefined> = { ...env };
  if (outputsFile) {
    // cdk's outputs file: { "<stack name>": { "<output id>": "<value>" } }
    let text: string;
    try {
      text = readFileSync(outputsFile, 'utf8');
    } catch (error) {
      throw new RefusedError(
        `Cannot read ${outputsFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): write it with cdk deploy --outputs-file ${outputsFile}.`,
      );
    }
    let stacks: Record<string, Record<string, string>>;
    try {
      stacks = JSON.parse(text) as Record<string, Record<string, string>>;
    } catch {
      throw new RefusedError(
        `${outputsFile} is not JSON: write it with cdk deploy --outputs-file ${outputsFile}.`,
      );
    }
    const outputs = Object.values(stacks)[0] ?? {};
    values[tableEnvVar(DELETION_REQUESTS_TABLE)] ??= outputs.DeletionRequestsTableName;
    values[tableEnvVar(VERIFICATIONS_TABLE)] ??= outputs.VerificationsTableName;
    values[QUEUE_URL_ENV] ??= outputs.DeletionJobsQueueUrl;
    values.DELETION_JOBS_DLQ_URL ??= outputs.DeadLetterQueueUrl;
    values.PUBLIC_BASE_URL ??= outputs.StatusBaseUrl?.replace(/\/deletion-status$/, '');
  }
  const secrets = makeSecretReader(values);
  return {
    requestsTable: required(values, tableEnvVar(DELETION_REQUESTS_TABLE), outputsFile),
    verificationsTable: required(values, tableEnvVar(VERIFICATIONS_TABLE), outputsFile),
    queueUrl: required(values, QUEUE_URL_ENV, outputsFile),
    deadLetterQueueUrl: required(values, 'DELETION_JOBS_DLQ_URL', outputsFile),
    publicBaseUrl: required(values, 'PUBLIC_BASE_URL', outputsFile).replace(/\/+$/, ''),
    fromAddress: values.SES_FROM_ADDRESS ?? '',
    pepper: async () => (await secrets('identifierPepper'))[0] ?? '',
    clientConfig: {},
    sesConfig: {},
  };
}

/** The command was not given as it must be: the reason, then the usage text (unless it would not help). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly withUsage: boolean;
  constructor(message: string, options: { withUsage?: boolean } = {}) {
    super(message);
    this.withUsage = options.withUsage ?? true;
  }
}

/** A well-formed command the rules refuse: one line saying what and why, exit 1, no usage text. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

const IDENTIFIER_KINDS: readonly IdentifierKind[] = [
  'facebook_asid',
  'instagram_scoped_id',
  'facebook_page_scoped_id',
  'whatsapp_phone',
  'whatsapp_bsuid',
  'email',
  'account_id',
];

/**
 * The identifiers to file, normalised by the same rules as the self-service form (a formatted phone
 * number is filed as its digits, so its data is found and its suppression is written under the right
 * hash); anything that does not fit its kind is refused with a one-line reason.
 */
function parseIdentifiers(emails: readonly string[], identifiers: readonly string[]): SubjectIdentifier[] {
  const given: [IdentifierKind, string][] = emails.map((email) => ['email', email]);
  for (const entry of identifiers) {
    const [kind, ...rest] = entry.split('=');
    if (!IDENTIFIER_KINDS.includes(kind as IdentifierKind) || rest.length === 0)
      throw new UsageError(`--identifier must be <kind>=<value>, kind one of ${IDENTIFIER_KINDS.join(', ')}`);
    given.push([kind as IdentifierKind, rest.join('=')]);
  }
  return given.map(([kind, raw]) => {
    const normalised = normaliseIdentifier(kind, raw);
    if (!normalised.ok) throw new RefusedError(`Refused ${kind}: ${normalised.reason}`);
    return { kind, value: normalised.value };
  });
}

/**
 * Moves deletion jobs from the dead-letter queue back to the job queue. Each message is parsed on its
 * own: a well-formed job is sent and then deleted from the dead-letter queue; anything else stays
 * there (reported by message id), visible again once the run ends so it can be inspected at once, and
 * never stops the others from moving.
 */
export async function redrive(
  sqs: SQSClient,
  target: Pick<Target, 'queueUrl' | 'deadLetterQueueUrl'>,
  max: number,
  onMoved: (requestId: string) => Promise<void>,
): Promise<{ moved: number; malformed: string[] }> {
  let moved = 0;
  /** Message id → receipt handle of each message left in the dead-letter queue. */
  const malformed = new Map<string, string | undefined>();
  while (moved + malformed.size < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved - malformed.size),
        WaitTimeSeconds: 1,
        // Long enough that a message left behind is not received again in this run.
        VisibilityTimeout: 300,
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const id = message.MessageId ?? '(no id)';
      const job = parseDeletionJobBody(message.Body ?? '');
      if (!job) {
        malformed.set(id, message.ReceiptHandle);
        continue;
      }
      await sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: message.Body ?? '' }));
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: target.deadLetterQueueUrl,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
      await onMoved(job.requestId);
      moved += 1;
    }
  }
  for (const ReceiptHandle of malformed.values())
    if (ReceiptHandle)
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: target.deadLetterQueueUrl,
          ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
  return { moved, malformed: [...malformed.keys()] };
}

const DAY = 24 * 60 * 60 * 1000;

export interface CommandContext {
  readonly target: Target;
  readonly by: string;
  readonly now: () => Date;
  readonly print: (line: string) => void;
}

type Options = Readonly<Record<string, string | string[] | boolean | undefined>>;

/** What every verb works with: the stores and queues of the target, who acts, and the output. */
interface Session {
  readonly target: Target;
  /** Who acts, as recorded in the audit trail. */
  readonly by: string;
  readonly now: () => Date;
  readonly print: (line: string) => void;
  readonly store: DeletionRequestStore;
  /** Each identifier's open verified request, per right, as self-service keeps them. */
  readonly openRequests: OpenRequestIndex;
  readonly verifications: VerificationStore;
  readonly queue: JobQueue;
  readonly sqs: SQSClient;
  /** A string option, or undefined. */
  readonly str: (name: string) => string | undefined;
  /** A repeatable option's values. */
  readonly list: (name: string) => string[];
}

type Verb = (session: Session, positionals: readonly string[]) => Promise<number>;

async function find(session: Session, reference: string | undefined): Promise<DeletionRequest> {
  if (!reference) throw new UsageError('Give a confirmation code or a request id');
  const request = isWellFormedConfirmationCode(reference)
    ? await session.store.getByCode(reference)
    : await session.store.get(reference);
  if (!request)
    throw new RefusedError(
      `No request has the ${isWellFormedConfirmationCode(reference) ? 'confirmation code' : 'id'} ${reference} in this stack.`,
    );
  return request;
}

function summary(request: DeletionRequest): string {
  const flag = request.deadlineState ? ` [${request.deadlineState}]` : '';
  const due = request.dueAt ? ` due ${request.dueAt.slice(0, 10)}` : '';
  const detail = request.activity ?? request.correction?.attribute;
  return `${request.requestId}  ${request.confirmationCode}  ${request.type ?? 'deletion'}${detail ? `(${detail})` : ''}  ${request.status}  ${request.channel}${request.priority === 'immediate' ? ' (immediate)' : ''}${due}${flag}`;
}

/** The kind of each identifier hash: recorded at intake, or found by hashing the identifiers still held. */
async function hashKinds(session: Session, request: DeletionRequest): Promise<(string | undefined)[]> {
  if (request.subjectHashKinds?.length === request.subjectHashes.length) return [...request.subjectHashKinds];
  if (request.subject.length === 0) return [];
  const hash = makeIdentifierHasher(await session.target.pepper());
  const byHash = new Map(
    request.subject.map((identifier) => [hash(identifier.kind, identifier.value), identifier.kind]),
  );
  return request.subjectHashes.map((subjectHash) => byHash.get(subjectHash));
}

/** The right asked for by `file`'s --type, --attribute, --value and --activity; a usage error otherwise. */
function rightsAsked(session: Session): RightsRequest {
  const rights = parseRightsRequest({
    type: session.str('type') ?? 'deletion',
    attribute: session.str('attribute'),
    value: session.str('value'),
    activity: session.str('activity'),
  });
  if (!rights.ok)
    throw new UsageError(
      {
        unknown_type: '--type must be deletion, access, correction or withdraw_consent',
        unknown_attribute: 'a correction needs --attribute name, email or company',
        invalid_value: 'a correction needs --value (at most 200 characters; an email address for email)',
        unknown_activity: 'a withdrawal needs --activity analytics, marketing_messages or ai_transcripts',
      }[rights.problem],
    );
  return rights.request;
}

/** An email correction filed by support: the new address is confirmed by its owner, as on the form. */
async function fileAwaitingNewAddress(
  session: Session,
  request: DeletionRequest,
  note: string,
): Promise<void> {
  const { store, target, print, by } = session;
  const now = session.now();
  const pending: DeletionRequest = { ...request, status: 'pending_verification' };
  await store.create(pending, {
    by,
    note: `identity verified: ${note}`,
    expiresAt: new Date(now.getTime() + 7 * DAY),
  });
  await store.markStepDone(request.requestId, IDENTITY_VERIFIED_STEP, now);
  // The worker sends the link to the new address, as it does for the form (send-verification.ts).
  await makeSqsVerificationQueue(session.sqs, target.queueUrl).sendVerification(request.requestId);
  print(`Filed ${request.requestId}; a link goes to the new address: it changes once that link is opened.`);
  print(`Confirmation code: ${request.confirmationCode}`);
  print(`Status page (send it to the person): ${statusUrl(target.publicBaseUrl, request.confirmationCode)}`);
}

/** `file`: a request that reached support, with a note of how identity was verified. */
const fileRequest: Verb = async (session) => {
  const { store, queue, target, print, by, str, list } = session;
  const note = str('verified-by');
  if (!note) throw new UsageError('file needs --verified-by "<how identity was checked>"');
  const subject = parseIdentifiers(list('email'), list('identifier'));
  if (subject.length === 0) throw new UsageError('file needs --email or --identifier');
  const jurisdiction = str('jurisdiction');
  if (jurisdiction !== undefined && !isJurisdiction(jurisdiction))
    throw new UsageError('--jurisdiction must be gdpr or ccpa');
  const priority = str('priority');
  if (priority !== undefined && priority !== 'immediate' && priority !== 'normal')
    throw new UsageError('--priority must be immediate or normal');
  const asked = rightsAsked(session);
  const hash = makeIdentifierHasher(await target.pepper());
  const now = session.now();
  for (const identifier of subject) {
    const open = await verifiedOpenRequest(
      session,
      openRequestKey(asked, hash(identifier.kind, identifier.value)),
    );
    if (open) {
      print(`A request for this ${identifier.kind} is already open: ${summary(open)}`);
      print(`Status page: ${statusUrl(target.publicBaseUrl, open.confirmationCode)}`);
      return 1;
    }
  }
  const request: DeletionRequest = {
    requestId: newRequestId(),
    confirmationCode: newConfirmationCode(),
    status: 'received',
    // How the person reached us: an email address says email; otherwise support staff took it
    // by phone, chat or letter (a WhatsApp number is not an email).
    channel: subject.some((identifier) => identifier.kind === 'email') ? 'email' : 'support',
    ...rightsFields(asked),
    subject,
    subjectHashes: subject.map((identifier) => hash(identifier.kind, identifier.value)),
    receivedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    outcomes: [],
    attempts: 0,
    // Children under 13: deleted at once; due the next day at the latest.
    ...(priority === 'immediate'
      ? { priority: 'immediate' as const, dueAt: new Date(now.getTime() + DAY).toISOString() }
      : {
          dueAt: dueDate(
            now,
            jurisdiction && isJurisdiction(jurisdiction) ? jurisdiction : 'gdpr',
          ).toISOString(),
        }),
    ...(jurisdiction && isJurisdiction(jurisdiction) ? { jurisdiction } : {}),
  };
  if (needsNewAddressConfirmation(request)) {
    await fileAwaitingNewAddress(session, request, note);
    return 0;
  }
  await store.create(request, { by, note: `identity verified: ${note}` });
  for (const subjectHash of request.subjectHashes)
    await pointSubjectAt(session.openRequests, openRequestKey(request, subjectHash), request.requestId, now);
  try {
    await queue.sendDeletionJob(request.requestId);
    await store.transition(request.requestId, ['received'], 'queued', {
      event: 'queued',
      at: session.now(),
      by,
    });
  } catch (error) {
    // Persisted: the reconciler enqueues it within minutes.
    print(`Not queued yet (${(error as Error).name}); the reconciler will queue it.`);
  }
  print(`Filed ${request.requestId}`);
  print(`Confirmation code: ${request.confirmationCode}`);
  print(`Status page (send it to the person): ${statusUrl(target.publicBaseUrl, request.confirmationCode)}`);
  return 0;
};

/** `show`: one request, its last failure, its counts and its audit trail, without identifier values. */
const showRequest: Verb = async (session, positionals) => {
  const { store, target, print } = session;
  const request = await find(session, positionals[0]);
  print(summary(request));
  print(
    `received ${request.receivedAt}  updated ${request.updatedAt}${request.completedAt ? `  completed ${request.completedAt}` : ''}`,
  );
  if (request.subject.length > 0)
    print(`identifiers: ${request.subject.map((identifier) => identifier.kind).join(', ')} (values hidden)`);
  const kinds = await hashKinds(session, request);
  print(
    `identifier hashes: ${request.subjectHashes.map((hash, index) => `${kinds[index] ?? 'kind not recorded'} ${hash}`).join(', ')}`,
  );
  const trail = await store.events(request.requestId);
  if (request.lastError) {
    const failedAt = trail.filter((event) => event.event === 'failed').at(-1)?.at;
    print(
      `last failure${failedAt ? ` ${failedAt}` : ''} (attempt ${request.attempts}${request.retriesExhaustedAt ? ', the last automatic one' : ''}): ${request.lastError}`,
    );
  }
  if (request.cancelReason) print(`cancel reason: ${request.cancelReason}`);
  if (request.extensionReason) print(`extension reason: ${request.extensionReason}`);
  for (const outcome of request.outcomes.filter((o) => o.deleted + o.anonymised + o.retained > 0))
    print(
      `  ${outcome.table}: deleted ${outcome.deleted}, anonymised ${outcome.anonymised}, retained ${outcome.retained}`,
    );
  print('audit trail:');
  for (const event of trail)
    print(
      `  ${event.at}  ${event.event}${event.by ? `  by ${event.by}` : ''}${event.note ? `  — ${event.note}` : ''}`,
    );
  print(`status page: ${statusUrl(target.publicBaseUrl, request.confirmationCode)}`);
  return 0;
};

/** `list`: open requests, or those overdue, nearing their due date, or failed; of one type or all. */
const listRequests: Verb = async (session, positionals) => {
  const which = positionals[0] ?? 'open';
  if (!['open', 'overdue', 'nearing', 'failed'].includes(which))
    throw new UsageError('list open, overdue, nearing or failed');
  const now = session.now();
  const open = await session.store.listOpen(10_000);
  const type = session.str('type');
  if (type !== undefined && !isRequestType(type))
    throw new UsageError('--type must be deletion, access, correction or withdraw_consent');
  const shown = open.filter((request) => {
    if (type && (request.type ?? 'deletion') !== type) return false;
    if (which === 'failed') return request.status === 'failed';
    if (which === 'open') return true;
    return request.dueAt !== undefined && deadlineState(new Date(request.dueAt), now, 7) === which;
  });
  for (const request of shown) session.print(summary(request));
  session.print(`${shown.length} ${which}`);
  return 0;
};

/** `cancel`: ends a request whose work has not started (or has failed), with the reason shown to the person. */
const cancelRequest: Verb = async (session, positionals) => {
  const { store, verifications, print, by } = session;
  const reason = session.str('reason');
  if (!reason) throw new UsageError('cancel needs --reason (shown to the person)');
  const request = await find(session, positionals[0]);
  const now = session.now();
  const moved = await store.transition(
    request.requestId,
    ['pending_verification', 'received', 'queued', 'failed'],
    'canceled',
    {
      event: 'canceled',
      at: now,
      by,
      note: reason,
      cancelReason: reason,
      forgetSubject: true,
      expiresAt: new Date(now.getTime() + 400 * DAY),
    },
  );
  if (!moved)
    throw new RefusedError(
      `Cannot cancel ${request.requestId}: it is ${request.status}, and only a request whose deletion has not started (or has failed) can be canceled.`,
    );
  await verifications.forgetRequest(request.requestId, request.confirmationCode);
  print(`Canceled ${request.requestId}`);
  return 0;
};

/** `retry`: sends a failed request's job again. */
const retryRequest: Verb = async (session, positionals) => {
  const request = await find(session, positionals[0]);
  if (request.status !== 'failed')
    throw new RefusedError(
      `Cannot retry ${request.requestId}: it is ${request.status}, and only a failed request can be retried.`,
    );
  await session.store.appendEvent(request.requestId, {
    at: session.now().toISOString(),
    event: 'retry_requested',
    by: session.by,
  });
  await session.queue.sendDeletionJob(request.requestId);
  session.print(`Retrying ${request.requestId}`);
  return 0;
};

/** `extend`: moves an open request's due date later, once, and tells the person by email when it can. */
const extendRequest: Verb = async (session, positionals) => {
  const { store, target, print, by, str } = session;
  const reason = str('reason');
  if (!reason) throw new UsageError('extend needs --reason (shown to the person)');
  const request = await find(session, positionals[0]);
  if (!request.dueAt || isTerminal(request.status))
    throw new RefusedError(`Only an open request can be extended (it is ${request.status})`);
  const amount = (name: string) => (str(name) === undefined ? undefined : Number(str(name)));
  const decision = extendDueDate(
    {
      dueAt: new Date(request.dueAt),
      ...(request.jurisdiction ? { jurisdiction: request.jurisdiction } : {}),
      alreadyExtended: request.extensionReason !== undefined,
    },
    {
      ...(amount('months') !== undefined ? { months: amount('months') } : {}),
      ...(amount('days') !== undefined ? { days: amount('days') } : {}),
    },
  );
  if (!decision.ok) throw new RefusedError(decision.why);
  const due = decision.dueAt;
  if (!(await store.extendDueDate(request.requestId, due, reason, session.now(), by)))
    throw new RefusedError('Could not extend: the request is no longer open, or was already extended');
  const email = request.subject.find((identifier) => identifier.kind === 'email');
  if (email && target.fromAddress) {
    const ses = new SESClient({ ...target.sesConfig });
    try {
      await makeSesVerificationNotifier(ses, { from: target.fromAddress }).sendExtension(email.value, {
        statusUrl: statusUrl(target.publicBaseUrl, request.confirmationCode),
        dueAt: due,
        reason,
      });
    } finally {
      ses.destroy();
    }
    await store.appendEvent(request.requestId, {
      at: session.now().toISOString(),
      event: 'extension_notified',
      by,
    });
    print('The person was told by email.');
  } else {
    print('No email address on the request: tell the person through the channel they used.');
  }
  print(`Extended ${request.requestId} to ${due.toISOString().slice(0, 10)}`);
  return 0;
};

/** `redrive`: moves jobs from the dead-letter queue back to the job queue, one line per job moved. */
const redriveDeadLetters: Verb = async (session) => {
  const { store, print, by } = session;
  const max = Number(session.str('max') ?? '100');
  if (!Number.isInteger(max) || max < 1) throw new UsageError('--max must be a positive whole number');
  // Only a request still open gets `redriven` in its audit trail.
  const result = await redrive(session.sqs, session.target, max, async (requestId) => {
    const request = await store.get(requestId);
    if (!request) {
      print(`  ${requestId}  no such request: the worker will drop the job`);
    } else if (isTerminal(request.status)) {
      print(`  ${summary(request)}  already finished: the worker will drop the job; nothing recorded`);
    } else {
      await store.appendEvent(requestId, { at: session.now().toISOString(), event: 'redriven', by });
      print(`  ${summary(request)}  queued again`);
    }
  });
  print(`Redrove ${result.moved} job(s) from the dead-letter queue`);
  if (result.malformed.length === 0) return 0;
  // Left where they are (never printed: a malformed body may hold anything).
  print(
    `Left ${result.malformed.length} message(s) that are not deletion jobs in the dead-letter queue: ${result.malformed.join(', ')}`,
  );
  return 1;
};

const VERBS: Readonly<Record<string, Verb>> = {
  file: fileRequest,
  show: showRequest,
  list: listRequests,
  cancel: cancelRequest,
  retry: retryRequest,
  extend: extendRequest,
  redrive: redriveDeadLetters,
};

export async function runCommand(
  verb: string,
  positionals: readonly string[],
  options: Options,
  context: CommandContext,
): Promise<number> {
  const { target } = context;
  const dynamo = new DynamoDBClient({
    ...target.clientConfig,
    endpoint: target.clientConfig.endpoint as string | undefined,
  });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({
    ...target.clientConfig,
    endpoint: target.clientConfig.sqsEndpoint as string | undefined,
    useQueueUrlAsEndpoint: false,
  });
  const session: Session = {
    target,
    by: `support:${context.by}`,
    now: context.now,
    print: context.print,
    store: makeDynamoDeletionRequestStore(documents, target.requestsTable),
    openRequests: makeDynamoOpenRequestIndex(documents, target.requestsTable, 'SUBJECT#'),
    verifications: makeDynamoVerificationStore(documents, target.verificationsTable),
    queue: makeSqsJobQueue(sqs, target.queueUrl),
    sqs,
    str: (name) => (typeof options[name] === 'string' ? (options[name] as string) : undefined),
    list: (name) => (Array.isArray(options[name]) ? (options[name] as string[]) : []),
  };
  try {
    const run = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
    if (!run) throw new UsageError(`Unknown verb "${verb}"`);
    return await run(session, positionals);
  } finally {
    documents.destroy();
    sqs.destroy();
  }
}

async function main(argv: readonly string[], env: Env): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  const [verb, ...rest] = positionals;
  if (!verb || values.help) {
    process.stdout.write(USAGE);
    return verb ? 0 : 2;
  }
  const target = values.local ? await localTarget(values.local, env) : deployedTarget(env, values.outputs);
  try {
    return await runCommand(verb, rest, values, {
      target,
      by: values.by || userInfo().username,
      now: () => new Date(),
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    const where = values.local
      ? `the local stack's stand-ins (${[target.clientConfig.endpoint, target.clientConfig.sqsEndpoint].join(', ')}); is npm start still running at ${values.local}?`
      : `AWS (${(target.clientConfig.endpoint as string | undefined) ?? `region ${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'not set'}`})`;
    throw new RefusedError(`Could not connect to ${where} (${connectionProblem(error)})`);
  }
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseOptionsStrictly(argv);
  } catch (error) {
    // node:util's own wording ("Unknown option '--x'. To specify a positional argument…"): first sentence.
    throw new UsageError(((error as Error).message.split('. ')[0] ?? '').trim());
  }
}

function parseOptionsStrictly(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      local: { type: 'string' },
      outputs: { type: 'string' },
      by: { type: 'string' },
      email: { type: 'string', multiple: true },
      identifier: { type: 'string', multiple: true },
      'verified-by': { type: 'string' },
      type: { type: 'string' },
      attribute: { type: 'string' },
      value: { type: 'string' },
      activity: { type: 'string' },
      priority: { type: 'string' },
      jurisdiction: { type: 'string' },
      reason: { type: 'string' },
      months: { type: 'string' },
      days: { type: 'string' },
      max: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(error.withUsage ? `${error.message}\n\n${USAGE}` : `${error.message}\n`);
        process.exit(2);
      }
      if (error instanceof RefusedError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${(error as Error).name}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
