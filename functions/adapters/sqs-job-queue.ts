// adapters: the deletion-job queue. The message body is the versioned job contract: a request id.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deletionJob, verificationJob } from '../core/job-message.js';
import type { JobQueue, VerificationQueue } from '../use-cases/ports.js';

export function makeSqsJobQueue(client: SQSClient, queueUrl: string): JobQueue {
  return {
    async sendDeletionJob(requestId) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(deletionJob(requestId)) }),
      );
    },
  };
}

/** Verification sends go through the same queue and worker: only the request id travels. */
export function makeSqsVerificationQueue(client: SQSClient, queueUrl: string): VerificationQueue {
  return {
    async sendVerification(requestId) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(verificationJob(requestId)),
        }),
      );
    },
  };
}
