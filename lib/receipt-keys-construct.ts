// infra: the asymmetric KMS keys that sign deletion receipts (ECC_NIST_P256, SIGN_VERIFY), one per key
// generation named in the configuration, newest first. The private keys never leave KMS. Keys are
// retained when the stack drops them: a receipt must stay checkable long after a rotation.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KEY_ADMIN_ACTIONS } from './key-policy.js';

export interface ReceiptKeysConstructProps {
  /** Key generations, current first (`receiptKeyGenerations` in the configuration). */
  readonly generations: readonly string[];
}

export class ReceiptKeysConstruct extends Construct {
  /** The key the worker signs with. */
  readonly current: kms.Key;
  /** Every published key: current first, then the previous ones. */
  readonly published: readonly kms.Key[];

  constructor(scope: Construct, id: string, props: ReceiptKeysConstructProps) {
    super(scope, id);
    if (props.generations.length === 0) throw new Error('At least one receipt key generation is needed');
    this.published = props.generations.map(
      (generation, index) =>
        new kms.Key(this, `ReceiptKey${generation}`, {
          description: `Signs deletion receipts (generation ${generation}${index === 0 ? ', current' : ', previous'}).`,
          keySpec: kms.KeySpec.ECC_NIST_P256,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          // Asymmetric keys cannot rotate automatically: a new generation is a new key (docs/operations.md).
          enableKeyRotation: false,
          removalPolicy: RemovalPolicy.RETAIN,
          // The account administers the key; who may sign or read the public key is granted to
          // each function by name below, and by its own role's policy.
          policy: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                sid: 'KeyAdministration',
                principals: [new iam.AccountRootPrincipal()],
                actions: KEY_ADMIN_ACTIONS,
                resources: ['*'],
              }),
            ],
          }),
        }),
    );
    this.current = this.published[0]!;
  }

  /** kms:Sign with the current key, and nothing else with any receipt key. */
  grantSign(role: iam.IRole): void {
    this.allow(this.current, role, 'AllowSignByTheWorker', ['kms:Sign']);
  }

  /** kms:GetPublicKey on every published key (current and previous). */
  grantPublish(role: iam.IRole): void {
    for (const key of this.published) this.allow(key, role, 'AllowPublicKeyForTheJwks', ['kms:GetPublicKey']);
  }

  private allow(key: kms.Key, role: iam.IRole, sid: string, actions: string[]): void {
    key.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [role], actions, resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [key.keyArn] }));
  }
}
