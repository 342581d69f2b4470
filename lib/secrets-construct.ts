// infra: the Secrets Manager secrets the functions read, as JSON {"current": "...", "previous": "..."}.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretName } from '../functions/runtime/secrets.js';
import { serviceKeyPolicy } from './key-policy.js';

interface SecretSpec {
  readonly constructId: string;
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** Why the secret has no automatic rotation (cdk-nag AwsSolutions-SMG4). */
  readonly noRotationReason: string;
}

// A Record keyed by SecretName, so a secret added to the runtime fails type-checking here until it exists.
const SECRET_SPECS: Record<SecretName, SecretSpec> = {
  metaAppSecret: {
    constructId: 'MetaAppSecret',
    description:
      'Meta app secret that signs signed_request. Created with a random placeholder (so callbacks fail closed): ' +
      'put the App Secret from the Meta App Dashboard in "current", and the old one in "previous" while rotating.',
    // Meta can show the app secret again, so nothing is lost with the stack.
    removalPolicy: RemovalPolicy.DESTROY,
    noRotationReason:
      'Meta issues the app secret and rotates it in the App Dashboard; no Lambda can rotate it. Ops store the new ' +
      'value as "current" and the old one as "previous", which the functions accept during the change-over.',
  },
  identifierPepper: {
    constructId: 'IdentifierPepper',
    description:
      'Pepper keying the hashes of subject identifiers in requests and logs. Generated once; changing it breaks ' +
      'matching of earlier hashes.',
    // Hashes kept in the retained tables are useless without it.
    removalPolicy: RemovalPolicy.RETAIN,
    noRotationReason:
      'Rotating the pepper changes every identifier hash, so it is a deliberate manual change, not a schedule.',
  },
};

export class SecretsConstruct extends Construct {
  readonly secretsKey: kms.Key;
  private readonly secretsByName: Record<SecretName, secretsmanager.Secret>;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      policy: serviceKeyPolicy('secretsmanager'),
      description: 'Encrypts the deletion service secrets.',
      enableKeyRotation: true,
      // The pepper secret is retained and must stay readable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // One secret per SecretName, so secrets added to the runtime are created (and output) without changes here.
    const names = Object.keys(SECRET_SPECS) as SecretName[];
    this.secretsByName = Object.fromEntries(
      names.map((name) => {
        const spec = SECRET_SPECS[name];
        const secret = new secretsmanager.Secret(this, spec.constructId, {
          description: spec.description,
          encryptionKey: this.secretsKey,
          removalPolicy: spec.removalPolicy,
          generateSecretString: {
            secretStringTemplate: JSON.stringify({}),
            generateStringKey: 'current',
            passwordLength: 64,
            excludePunctuation: true,
          },
        });
        Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: spec.noRotationReason });
        return [name, secret];
      }),
    ) as Record<SecretName, secretsmanager.Secret>;
  }

  /** Every secret's name, in declaration order. */
  get names(): readonly SecretName[] {
    return Object.keys(this.secretsByName) as SecretName[];
  }

  secret(name: SecretName): secretsmanager.Secret {
    return this.secretsByName[name];
  }
}
