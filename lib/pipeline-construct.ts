// infra: the DeletionJobs queue and its dead-letter queue, both KMS-encrypted and TLS-only.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELETION_PIPELINE } from '../functions/declarations/pipeline.js';
import { serviceKeyPolicy } from './key-policy.js';

export class PipelineConstruct extends Construct {
  readonly queueKey: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.queueKey = new kms.Key(this, 'QueueKey', {
      policy: serviceKeyPolicy('sqs'),
      description: 'Encrypts the deletion-job queue and its dead-letter queue.',
      enableKeyRotation: true,
      // Jobs carry only request ids and the queues go with the stack, so nothing outlives the key.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.deadLetterQueue = new sqs.Queue(this, DELETION_PIPELINE.deadLetterQueueId, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELETION_PIPELINE.deadLetterRetentionDays),
    });

    this.queue = new sqs.Queue(this, DELETION_PIPELINE.queueId, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(DELETION_PIPELINE.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELETION_PIPELINE.maxReceiveCount },
    });
  }
}
