// infra: least-privilege key policies for the service's customer-managed keys. The account may administer a key, and
// may use it only through the one AWS service whose data it encrypts (kms:ViaService), never directly; which
// principal may use it is then decided by identity policies (the function roles' grants).
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Administration without use: enough for CloudFormation and key admins to manage, rotate and retire a key. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** Encryption and decryption as AWS services perform them for a caller (and the grants they create for it). */
export const KEY_USE_ACTIONS = [
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/** A key policy: administration by the account; use by the account's principals only via `service` (e.g. "sqs"). */
export function serviceKeyPolicy(service: string): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'KeyAdministration',
        principals: [account],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: `UseVia${service[0]!.toUpperCase()}${service.slice(1)}`,
        principals: [account],
        actions: KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com`,
            'kms:CallerAccount': Aws.ACCOUNT_ID,
          },
        },
      }),
    ],
  });
}
