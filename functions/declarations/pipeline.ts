// declarations: the deletion-job queue and the functions around it, shared by the stack and the
// local runner so both honour the same batch size, timeouts and redrive policy.

export const DELETION_PIPELINE = {
  queueId: 'DeletionJobs',
  deadLetterQueueId: 'DeletionJobsDLQ',
  /** Worker Lambda timeout. */
  workerTimeoutSeconds: 60,
  /** At least 6× the worker timeout, as AWS recommends for SQS event sources. */
  visibilityTimeoutSeconds: 360,
  /** Receives before a job is dead-lettered. */
  maxReceiveCount: 5,
  batchSize: 5,
  deadLetterRetentionDays: 14,
  /** A request persisted but not enqueued after this long is enqueued by the reconciler. */
  reconcileGraceSeconds: 60,
  reconcileEveryMinutes: 5,
} as const;

export const QUEUE_URL_ENV = 'DELETION_JOBS_QUEUE_URL';
