// core: the deletion request, its lifecycle and the rules for moving between states.
import type { IdentifierKind } from './identifiers.js';
import type { Jurisdiction } from './due-date.js';
import { scopeOfRequest, type ScopeName } from './scope.js';
import type { RequestType } from './privacy-rights.js';
import type { ConsentActivity, CorrectableAttribute } from '../declarations/rights.js';

export const REQUEST_STATUSES = [
  'pending_verification',
  'received',
  'queued',
  'in_progress',
  'completed',
  'completed_with_retention',
  'failed',
  'canceled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RequestStatus[] = [
  'completed',
  'completed_with_retention',
  'canceled',
];

export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** From which states a request may move into each state. Terminal states never change. */
export const ALLOWED_PREDECESSORS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  pending_verification: [],
  received: ['pending_verification'],
  queued: ['received'],
  in_progress: ['received', 'queued', 'in_progress', 'failed'],
  completed: ['in_progress'],
  completed_with_retention: ['in_progress'],
  failed: ['received', 'queued', 'in_progress'],
  canceled: ['pending_verification', 'received', 'queued', 'failed'],
};

/** `email`: filed by support from an email; `support`: filed by support from any other contact (phone, chat, letter). */
export type Channel = 'facebook' | 'instagram' | 'whatsapp' | 'web' | 'email' | 'support';

/** Which identifiers a subject can be known by. Values stay on the request only until it completes. */
export type { IdentifierKind } from './identifiers.js';

export interface SubjectIdentifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}

export interface TableOutcome {
  /** The data-map id of the store: a table, an object prefix or another system told to erase. */
  readonly table: string;
  readonly deleted: number;
  readonly anonymised: number;
  readonly retained: number;
  /** Reason code of a retention rule (see the data map); worded for people on the status page. */
  readonly retentionReason?: string;
  /** Until when retained records are kept (ISO date). */
  readonly retainedUntil?: string;
  /** When another system acknowledged the erasure (an erasure webhook). */
  readonly acknowledgedAt?: string;
}

/** A correction: which attribute, and (while the request is open) the new value. */
export interface CorrectionDetails {
  readonly attribute: CorrectableAttribute;
  /** Personal data: removed with the subject when the request ends. */
  readonly value?: string;
}

export interface DeletionRequest {
  readonly requestId: string;
  /** What the person asked for; absent on requests filed before other rights existed (deletion). */
  readonly type?: RequestType;
  readonly correction?: CorrectionDetails;
  readonly activity?: ConsentActivity;
  /** Access: when the link to the export stops working and the files are deleted. */
  readonly exportExpiresAt?: string;
  readonly confirmationCode: string;
  readonly status: RequestStatus;
  readonly channel: Channel;
  /** Raw identifiers of the subject: needed to find their data, removed when the request ends. */
  readonly subject: readonly SubjectIdentifier[];
  /** Keyed hashes of the subject's identifiers: what logs and audit records may carry. */
  readonly subjectHashes: readonly string[];
  /** The identifier kind of each of `subjectHashes` (same order): kinds only, kept after completion. */
  readonly subjectHashKinds?: readonly IdentifierKind[];
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly completedAt?: string;
  readonly outcomes: readonly TableOutcome[];
  readonly lastError?: string;
  readonly attempts: number;
  /** Identities the request reached through identity links: kinds only, never values. */
  readonly identitiesReached?: readonly string[];
  /** Whether `subject` already holds the resolved (linked) identities. */
  readonly resolved?: boolean;
  /** Index of the next purge-plan step; lets a continued or retried job resume. */
  readonly nextStep?: number;
  readonly emailConfirmationSentAt?: string;
  /** Names of the job steps around the purge already done (token revocation, notices). */
  readonly stepsDone?: readonly string[];
  /** Set when the request was started by the person removing our app, not by a deletion request. */
  readonly startedBy?: 'deauthorize';
  /** When the deletion of a deauthorized user's data runs (see DEAUTHORIZE_SCHEDULE). */
  readonly schedule?: string;
  /** Where a WhatsApp request came in: for the completion notice. No personal data. */
  readonly whatsappContext?: WhatsAppContext;
  /** When the answer is owed (set when the request is received; see core/due-date.ts). */
  readonly dueAt?: string;
  readonly jurisdiction?: Jurisdiction;
  /** Narrower than the channel's scope: a web request verified by phone covers WhatsApp data only. */
  readonly scope?: ScopeName;
  /** `immediate`: children under 13, deleted without waiting (the policy's promise). */
  readonly priority?: 'normal' | 'immediate';
  /** Why the request was canceled, in words the person reads on the status page. */
  readonly cancelReason?: string;
  /** Why the due date was extended, shown to the person. */
  readonly extensionReason?: string;
  /** Set by the deadline check: the request is close to or past its due date. */
  readonly deadlineState?: 'nearing' | 'overdue';
  /** The signed receipt (compact JWS), stored once just before the request completes. */
  readonly receipt?: string;
  /** When the last automatic attempt failed (the job went to the dead-letter queue). */
  readonly retriesExhaustedAt?: string;
}

/** One entry of a request's audit trail: what happened, when, and who did it. */
export interface AuditEvent {
  readonly at: string;
  readonly event: string;
  /** Person or system that did it (`support:<name>`, `self-service`, `deadline-check`). */
  readonly by?: string;
  /** Free text (a reason or a note); never an identifier of the person. */
  readonly note?: string;
}

export interface WhatsAppContext {
  /** The business phone-number id the person wrote to. */
  readonly phoneNumberId: string;
  /** Their latest inbound message when the request was made (opens the 24-hour window). */
  readonly lastInboundAt: string;
  /** Which of the subject's identifiers to reply to (the first of that kind in `subject`). */
  readonly replyVia: 'whatsapp_phone' | 'whatsapp_bsuid';
}

/** What the status page may show: no identifier of the person, ever. */
export interface DeletionStatusView {
  readonly v: 1;
  /** What the person asked for: deletion, access (a copy), correction or withdraw_consent. */
  readonly type: RequestType;
  readonly confirmation_code: string;
  readonly status: RequestStatus;
  readonly channel: Channel;
  /** What the request covers (see core/scope.ts). */
  readonly scope: ScopeName;
  readonly received_at: string;
  readonly updated_at: string;
  /** When we owe the answer; absent until the request is verified. */
  readonly due_at?: string;
  /** Why the due date was extended. */
  readonly extension_reason?: string;
  readonly cancel_reason?: string;
  readonly completed_at?: string;
  readonly tables_purged?: number;
  readonly items_deleted?: number;
  readonly items_anonymised?: number;
  /** Set when removing our app (Meta's deauthorize) started the request; with its schedule. */
  readonly started_by?: 'deauthorize';
  readonly schedule?: string;
  /** Failed after the last automatic attempt: a person on the team has it (the DLQ alarm). */
  readonly with_our_team?: true;
  /** True when the request completed and we held nothing it covers. */
  readonly no_data_held?: boolean;
  /** Correction: which attribute (never its value). */
  readonly attribute?: CorrectableAttribute;
  /** Withdrawal: which processing activity stops. */
  readonly activity?: ConsentActivity;
  /** Access: until when the export can be downloaded (with the confirmation code). */
  readonly export_expires_at?: string;
  /** Email correction: the identity is confirmed, the new address not yet. */
  readonly awaiting_new_address?: boolean;
  /** Correction: how many records were changed. */
  readonly records_corrected?: number;
  /** Withdrawal: whether the preference was recorded (false when we hold no account). */
  readonly preference_recorded?: boolean;
  /** What was erased where: one entry per store of the data map that held something (or was told to erase). */
  readonly erased_where?: readonly {
    readonly store: string;
    /** Records erased (deleted, or erased by the other system). */
    readonly records: number;
    /** Records whose personal details were removed and the rest kept (anonymised). */
    readonly details_removed?: number;
    /** When another system acknowledged the erasure. */
    readonly acknowledged_at?: string;
  }[];
  /** How long backups keep deleted records restorable, and the day the person's are gone from them too. */
  readonly backups?: { readonly retention_days: number; readonly gone_by: string };
  /** Records kept for a legal reason, and until when: Meta asks for a justification of any refusal. */
  readonly kept?: readonly {
    readonly records: number;
    readonly reason_code: string;
    readonly until?: string;
  }[];
  /** The signed deletion receipt (compact JWS; see core/deletion-receipt.ts), once completed. */
  readonly receipt?: string;
}

export interface StatusViewOptions {
  /** Days backups keep deleted records restorable (point-in-time recovery: up to 35). */
  readonly backupRetentionDays?: number;
}

const DAY_MS = 86_400_000;

export function toStatusView(request: DeletionRequest, options: StatusViewOptions = {}): DeletionStatusView {
  const done = isTerminal(request.status);
  const sum = (count: (outcome: TableOutcome) => number) =>
    request.outcomes.reduce((total, o) => total + count(o), 0);
  const touched = sum((o) => o.deleted + o.anonymised + o.retained);
  return {
    v: 1,
    type: request.type ?? 'deletion',
    confirmation_code: request.confirmationCode,
    status: request.status,
    channel: request.channel,
    scope: scopeOfRequest(request).name,
    received_at: request.receivedAt,
    updated_at: request.updatedAt,
    ...(request.dueAt ? { due_at: request.dueAt } : {}),
    ...(request.extensionReason ? { extension_reason: request.extensionReason } : {}),
    ...(request.status === 'canceled' && request.cancelReason ? { cancel_reason: request.cancelReason } : {}),
    ...(request.completedAt ? { completed_at: request.completedAt } : {}),
    ...(request.startedBy ? { started_by: request.startedBy } : {}),
    ...(request.correction ? { attribute: request.correction.attribute } : {}),
    ...(request.activity ? { activity: request.activity } : {}),
    ...(request.exportExpiresAt ? { export_expires_at: request.exportExpiresAt } : {}),
    ...(request.status === 'pending_verification' && request.stepsDone?.includes('identity-verified')
      ? { awaiting_new_address: true }
      : {}),
    ...(done && request.type === 'correction'
      ? {
          records_corrected: (request.stepsDone ?? []).filter((step) => step.startsWith('corrected:')).length,
        }
      : {}),
    ...(done && request.type === 'withdraw_consent' && request.status !== 'canceled'
      ? {
          // An account preference, or (WhatsApp messages) the suppression list the gateway reads.
          preference_recorded: (request.stepsDone ?? []).some(
            (step) => step.startsWith('preference:') || step === 'suppressed',
          ),
        }
      : {}),
    ...(request.schedule ? { schedule: request.schedule } : {}),
    ...(request.status === 'failed' && request.retriesExhaustedAt ? { with_our_team: true as const } : {}),
    // Deletion counts say what a deletion or withdrawal removed; a copy or a correction removes nothing.
    ...(done && request.type !== 'access' && request.type !== 'correction'
      ? {
          tables_purged: request.outcomes.filter((o) => o.deleted + o.anonymised + o.retained > 0).length,
          items_deleted: sum((o) => o.deleted),
          items_anonymised: sum((o) => o.anonymised),
          no_data_held: request.status !== 'canceled' && touched === 0,
          erased_where: request.outcomes
            .filter((outcome) => outcome.deleted + outcome.anonymised > 0 || outcome.acknowledgedAt)
            .map((outcome) => ({
              store: outcome.table,
              records: outcome.deleted,
              ...(outcome.anonymised > 0 ? { details_removed: outcome.anonymised } : {}),
              ...(outcome.acknowledgedAt ? { acknowledged_at: outcome.acknowledgedAt } : {}),
            })),
          ...(request.completedAt && request.status !== 'canceled' && touched > 0
            ? {
                backups: {
                  retention_days: options.backupRetentionDays ?? 35,
                  gone_by: new Date(
                    new Date(request.completedAt).getTime() + (options.backupRetentionDays ?? 35) * DAY_MS,
                  )
                    .toISOString()
                    .slice(0, 10),
                },
              }
            : {}),
          kept: request.outcomes
            .filter((outcome) => outcome.retained > 0)
            .map((outcome) => ({
              records: outcome.retained,
              reason_code: outcome.retentionReason ?? 'legal_obligation',
              ...(outcome.retainedUntil ? { until: outcome.retainedUntil } : {}),
            })),
        }
      : {}),
    // Only a completed request has a receipt to show; a canceled one never gets one.
    ...((request.status === 'completed' || request.status === 'completed_with_retention') && request.receipt
      ? { receipt: request.receipt }
      : {}),
  };
}
