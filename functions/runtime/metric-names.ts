// runtime: the catalogue of metrics (CloudWatch namespace DeletionService or the stage's, dimension service).
// Names are past-tense events. Metrics that alarms watch are also emitted without extra dimensions,
// so an alarm needs no list of routes or channels.

/** The Powertools service name: the `service` dimension of every metric and the `service` key of every log. */
export const SERVICE_NAME = 'deletion-service';
/** CloudWatch namespace when POWERTOOLS_METRICS_NAMESPACE is not set (local runs); deployed stages set their own. */
export const DEFAULT_METRICS_NAMESPACE = 'DeletionService';

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
  /** Milliseconds one worker invocation spent purging tables for a request. */
  PurgeDurationMs: 'PurgeDurationMs',
  /** Dimension: channel (email, whatsapp). */
  ConfirmationSent: 'ConfirmationSent',
  /** Dimension: class (rate_limited, server_error, invalid_token, ...). */
  GraphApiError: 'GraphApiError',
  /** Gauges from the deadline check (alarmed). */
  RequestsOverdue: 'RequestsOverdue',
  RequestsNearingDue: 'RequestsNearingDue',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
