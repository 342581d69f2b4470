// declarations: the catalogue of metrics (CloudWatch namespace DeletionService or the stage's, dimension service).
// Names are past-tense events. Metrics that alarms watch are also emitted without extra dimensions,
// so an alarm needs no list of routes or channels.

/** The Powertools service name: the `service` dimension of every metric and the `service` key of every log. */
export const SERVICE_NAME = 'deletion-service';
/** CloudWatch namespace when POWERTOOLS_METRICS_NAMESPACE is not set (local runs); deployed stages set their own. */
export const DEFAULT_METRICS_NAMESPACE = 'DeletionService';

export const METRICS = {
  /** A deletion request was created. Dimension: channel. */
  DeletionRequested: 'DeletionRequested',
  /** A verified request for another right (access, correction, withdraw_consent). Dimension: type. */
  RightsRequested: 'RightsRequested',
  /** A request for another right was carried out. Dimension: type. */
  RightsCompleted: 'RightsCompleted',
  /** A request for another right failed (retried by the queue). Dimension: type. */
  RightsFailed: 'RightsFailed',
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
  /** A finished request's signed receipt was stored. */
  ReceiptIssued: 'ReceiptIssued',
  /** A receipt key could not be read for the JWKS (it is left out until it can). */
  ReceiptKeyUnavailable: 'ReceiptKeyUnavailable',
  /** Another system acknowledged an erasure request. Dimension: system. */
  ErasureAcknowledged: 'ErasureAcknowledged',
  /**
   * An erasure request to another system failed after its retries. Dimension: system, for every failure;
   * and none (alarmed): a system that keeps failing fails the request visibly.
   */
  ErasureWebhookFailed: 'ErasureWebhookFailed',
  /**
   * A Graph API call failed. Dimension class (rate_limited, server_error, invalid_token, ...) for
   * every error; without dimensions (alarmed) only when the error fails the job.
   */
  GraphApiError: 'GraphApiError',
  /** A Meta callback arrived. Dimensions: platform, kind (data_deletion, deauthorize). */
  MetaCallbackReceived: 'MetaCallbackReceived',
  /** A callback for a user with an open (or recently completed) request joined that request. */
  CallbackJoinedOpenRequest: 'CallbackJoinedOpenRequest',
  /** Stored Meta tokens were marked revoked after a deauthorize. Dimension: platform. */
  IntegrationRevoked: 'IntegrationRevoked',
  /** Marking tokens revoked failed after the request was persisted (the purge still deletes them). */
  IntegrationRevokeFailed: 'IntegrationRevokeFailed',
  /** The app's grant was revoked with DELETE /{user-id}/permissions (or found already revoked). */
  GrantRevoked: 'GrantRevoked',
  /** A subject's Meta identity of a platform the stage does not serve: nothing to revoke with. Dimension: platform. */
  MetaRevocationSkipped: 'MetaRevocationSkipped',
  /** The app was unsubscribed from a page's webhooks (or the page token was already dead). */
  WebhookUnsubscribed: 'WebhookUnsubscribed',
  /** A self-service request was refused by a rate limit. Dimension: by (identifier, source). */
  SelfServiceRateLimited: 'SelfServiceRateLimited',
  /** A self-service request was answered and its link queued for the worker. Dimension: via. */
  VerificationQueued: 'VerificationQueued',
  /** A verification link was sent. Dimension: via (email, whatsapp). */
  VerificationSent: 'VerificationSent',
  /** A verification link was refused. Dimension: reason (unknown, expired, used). */
  VerificationRejected: 'VerificationRejected',
  /** A WhatsApp verification link could not go out. Dimension: reason (outside_window, suppressed, ...). */
  VerificationNotDelivered: 'VerificationNotDelivered',
  /** Gauges from the deadline check (alarmed). */
  RequestsOverdue: 'RequestsOverdue',
  RequestsNearingDue: 'RequestsNearingDue',
  /** A WhatsApp webhook POST was accepted (signature verified). */
  WhatsAppWebhookReceived: 'WhatsAppWebhookReceived',
  /** Inbound WhatsApp messages stored; duplicates (same wamid) dropped. */
  WhatsAppMessageReceived: 'WhatsAppMessageReceived',
  WhatsAppDuplicateDropped: 'WhatsAppDuplicateDropped',
  /** Signed messages addressed to a business number that is not ours: acknowledged, never acted on. */
  WhatsAppForeignNumberIgnored: 'WhatsAppForeignNumberIgnored',
  /** A correctly signed body that was not JSON (logged and dropped). */
  WhatsAppPayloadMalformed: 'WhatsAppPayloadMalformed',
  /** `errors` reported by WhatsApp in a webhook (alarmed). */
  WhatsAppErrorReported: 'WhatsAppErrorReported',
  /** A stored message could not be processed inline; the sweeper retries it. */
  WhatsAppProcessingDeferred: 'WhatsAppProcessingDeferred',
  WhatsAppMessagesSwept: 'WhatsAppMessagesSwept',
  /** An opt-out (STOP, or a deletion request) was recorded. */
  WhatsAppOptedOut: 'WhatsAppOptedOut',
  /** Dimension: kind (text, template). */
  WhatsAppMessageSent: 'WhatsAppMessageSent',
  /** A send was refused because the recipient is on the suppression list. */
  WhatsAppSendSuppressed: 'WhatsAppSendSuppressed',
  /** Dimension: outcome (outside_window, undeliverable, channel_not_served). */
  WhatsAppNoticeNotSent: 'WhatsAppNoticeNotSent',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
