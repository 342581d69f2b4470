// infra: the bucket that holds copies of people's data (access requests): encrypted with its own
// customer-managed key, private, TLS only, and emptied by a lifecycle rule when the links expire. Only
// functions that declare `exportAccess` may reach it, and only under `exports/`.
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_BUCKET_ENV } from '../functions/runtime/config.js';
import { serviceKeyPolicy } from './key-policy.js';

export interface ExportsConstructProps {
  /** How long a link to a copy works; the lifecycle rule deletes copies after it. */
  readonly linkDays: number;
}

export class ExportsConstruct extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  private readonly linkDays: number;

  constructor(scope: Construct, id: string, props: ExportsConstructProps) {
    super(scope, id);
    this.linkDays = props.linkDays;
    this.key = new kms.Key(this, 'ExportKey', {
      policy: serviceKeyPolicy('s3'),
      description: "Encrypts copies of people's data made for access requests.",
      enableKeyRotation: true,
      // Copies live a week; nothing needs the key after the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.bucket = new s3.Bucket(this, 'ExportBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Whole days, counted from when each object was written: the copy is written just before the link is sent.
      lifecycleRules: [
        { prefix: 'exports/', expiration: Duration.days(props.linkDays) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are reached only through the service functions (their access is in their logs and CloudTrail); ' +
        'server access logs would keep request paths naming request ids for longer than the copies exist.',
    });
  }

  /**
   * Lets a function reach copies under exports/ and tells it where they are: `build` reads, writes and
   * deletes (the worker); `serve` reads and deletes an expired copy (the copy download), never writes.
   */
  grantTo(fn: lambda.Function, access: 'build' | 'serve'): void {
    fn.addEnvironment(EXPORT_BUCKET_ENV, this.bucket.bucketName);
    fn.addEnvironment('EXPORT_LINK_DAYS', String(this.linkDays));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject', ...(access === 'build' ? ['s3:PutObject'] : [])],
        resources: [this.bucket.arnForObjects('exports/*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['exports/*'] } },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', ...(access === 'build' ? ['kms:GenerateDataKey'] : [])],
        resources: [this.key.keyArn],
      }),
    );
    const bucketId = Stack.of(this.bucket).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    if (fn.role)
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/exports/*]`,
        reason: "Objects under exports/ only: the copies of people's data this function serves or writes.",
      });
  }
}
