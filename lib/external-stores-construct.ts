// infra: the data map's stores that are not DynamoDB tables, as a stage names them in `dataStores`. An erasure
// webhook gets a signing secret in Secrets Manager (generated; the receiving system reads the same secret) and
// its URL; an S3 prefix gets its bucket. The worker may read only those secrets, and list and delete only under
// each declared prefix of each named bucket.
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  EXTERNAL_STORES,
  EXTERNAL_STORES_ENV,
  erasureWebhookSecretEnvName,
  externalStoreEnvVar,
  type ErasureWebhookDeclaration,
  type ExternalStoreDeclaration,
  type ObjectPrefixDeclaration,
} from '../functions/declarations/external-stores.js';
import type { DeploymentConfig } from './config.js';
import { externalLocationOf } from './data-stores.js';

export interface ExternalStoresConstructProps {
  readonly stage: string;
  readonly stores: Pick<DeploymentConfig, 'dataStores'>;
  /** Encrypts the webhook secrets (the service's secrets key). */
  readonly secretsKey: kms.IKey;
  readonly externalStores?: readonly ExternalStoreDeclaration[];
}

/** An erasure webhook as the stage wires it. */
export interface WiredWebhook {
  readonly store: ErasureWebhookDeclaration;
  readonly url: string;
  readonly secret: secretsmanager.Secret;
}

/** An S3 prefix as the stage wires it. */
export interface WiredPrefix {
  readonly store: ObjectPrefixDeclaration;
  readonly bucketName: string;
}

export class ExternalStoresConstruct extends Construct {
  readonly webhooks: readonly WiredWebhook[];
  readonly prefixes: readonly WiredPrefix[];

  constructor(scope: Construct, id: string, props: ExternalStoresConstructProps) {
    super(scope, id);
    const declared = props.externalStores ?? EXTERNAL_STORES;
    const webhooks: WiredWebhook[] = [];
    const prefixes: WiredPrefix[] = [];
    // A demo stage may leave these out (the synth check requires them everywhere else).
    for (const store of declared) {
      const location = externalLocationOf(props.stores, store);
      if (!location) continue;
      if (store.kind === 'object_prefix') {
        prefixes.push({ store, bucketName: location });
        continue;
      }
      const secret = new secretsmanager.Secret(this, `${store.id}ErasureWebhookSecret`, {
        description:
          `Signs the erasure requests the deletion service (${props.stage}) sends to ${store.id}. Generated; ` +
          'the receiving system verifies with the same value ("current", and "previous" while rotating).',
        encryptionKey: props.secretsKey,
        removalPolicy: RemovalPolicy.DESTROY,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({}),
          generateStringKey: 'current',
          passwordLength: 64,
          excludePunctuation: true,
        },
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Shared with another system that verifies with it: a rotation is coordinated with that team (both ' +
          'values accepted during the change-over, docs/data-stores.md), not done on a schedule by a Lambda.',
      });
      webhooks.push({ store, url: location, secret });
    }
    this.webhooks = webhooks;
    this.prefixes = prefixes;
  }

  /**
   * Tells the worker where each wired store is (and which are wired), and grants exactly what it needs: read
   * each webhook's secret; list the bucket only under the prefix, delete objects and versions only under it.
   */
  grantTo(fn: lambda.Function): void {
    const role = fn.role as iam.Role;
    fn.addEnvironment(
      EXTERNAL_STORES_ENV,
      [...this.prefixes, ...this.webhooks].map((wired) => wired.store.id).join(','),
    );
    for (const { store, url, secret } of this.webhooks) {
      fn.addEnvironment(externalStoreEnvVar(store), url);
      fn.addEnvironment(`${erasureWebhookSecretEnvName(store)}_ARN`, secret.secretArn);
      secret.grantRead(fn);
    }
    const partition = Stack.of(this).partition;
    for (const { store, bucketName } of this.prefixes) {
      fn.addEnvironment(externalStoreEnvVar(store), bucketName);
      const bucketArn = `arn:${partition}:s3:::${bucketName}`;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket', 's3:ListBucketVersions'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${store.keyPrefix}*`] } },
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [`${bucketArn}/${store.keyPrefix}*`],
        }),
      );
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName}/${store.keyPrefix}*]`,
        reason: `Deletes a subject's objects under the ${store.id} prefix (${store.keyPrefix}<id>/) only; keys are per subject, so no fixed list exists.`,
      });
    }
  }
}
