// runtime: the catalogue of metrics (CloudWatch namespace DeletionService, dimension service).
// Names are past-tense events. Metrics that alarms watch are also emitted without extra dimensions,
// so an alarm needs no list of routes or channels.
export const METRICS = {
  /** A deletion request was created. Dimension: channel. */
  DeletionRequested: 'DeletionRequested',
  /** A request failed signature or payload checks. Dimensions: route, reason; and none (alarmed). */
  SignatureRejected: 'SignatureRejected',
  /** A signature matched; dimensions route and candidate (current, previous, fallback). */
  SecretMatched: 'SecretMatched',
  /** A signature matched a fallback or previous secret (alarmed: rotation or misconfiguration). */
  FallbackSecretMatched: 'FallbackSecretMatched',
  /** A persisted request could not be handed to the queue (the reconciler will). */
  JobEnqueueFailed: 'JobEnqueueFailed',
  RequestsReconciled: 'RequestsReconciled',
  JobForUnknownRequest: 'JobForUnknownRequest',
  /** Items deleted, anonymised or retained by the purge. */
  ItemsPurged: 'ItemsPurged',
  PurgeContinued: 'PurgeContinued',
  /** Dimension: channel; and none (the count alarms watch). */
  DeletionCompleted: 'DeletionCompleted',
  DeletionFailed: 'DeletionFailed',
  /** Milliseconds from receipt to completion. */
  DeletionLatencyMs: 'DeletionLatencyMs',
  /** Dimension: channel (email, whatsapp). */
  ConfirmationSent: 'ConfirmationSent',
  /** Dimension: class (rate_limited, server_error, invalid_token, ...). */
  GraphApiError: 'GraphApiError',
  /** A self-service request was refused by a rate limit. Dimension: by (identifier, source). */
  SelfServiceRateLimited: 'SelfServiceRateLimited',
  /** A verification link was sent. Dimension: via (email, whatsapp). */
  VerificationSent: 'VerificationSent',
  /** A verification link was refused. Dimension: reason (unknown, expired, used). */
  VerificationRejected: 'VerificationRejected',
  /** A request's due date was extended (with a reason given to the person). */
  DueDateExtended: 'DueDateExtended',
  /** Gauges from the deadline check (alarmed). */
  RequestsOverdue: 'RequestsOverdue',
  RequestsNearingDue: 'RequestsNearingDue',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
