// infra: the Secrets Manager secrets the functions read, as JSON {"current": "...", "previous": "..."}.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { secretIsServed, type PlatformChannel } from '../functions/declarations/channels.js';
import { SECRET_NAMES, type SecretName } from '../functions/declarations/secrets.js';
import { serviceKeyPolicy } from './key-policy.js';

interface SecretSpec {
  readonly constructId: string;
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** Why the secret has no automatic rotation (cdk-nag AwsSolutions-SMG4). */
  readonly noRotationReason: string;
}

const META_ISSUED_NO_ROTATION =
  'Meta issues this value and it is changed in the Meta dashboard; no Lambda can rotate it. Ops store the new value ' +
  'as "current" (and the old one as "previous" where the functions accept both during the change-over), as ' +
  'docs/operations.md describes.';

// The spec of every secret the functions may name. One secret is created per SECRET_NAMES entry; a name without a
// spec here fails the synth.
const SECRET_SPECS: Readonly<Record<string, SecretSpec | undefined>> = {
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
  instagramAppSecret: {
    constructId: 'InstagramAppSecret',
    description:
      'Instagram app secret (Business Login for Instagram) that signs its callbacks. Random placeholder until set: ' +
      'put the Instagram App Secret in "current", the old one in "previous" while rotating.',
    removalPolicy: RemovalPolicy.DESTROY,
    noRotationReason: META_ISSUED_NO_ROTATION,
  },
  whatsappAppSecret: {
    constructId: 'WhatsappAppSecret',
    description:
      'App secret that signs WhatsApp webhooks (X-Hub-Signature-256). Random placeholder until set: put the app ' +
      'secret in "current", the old one in "previous" while rotating.',
    removalPolicy: RemovalPolicy.DESTROY,
    noRotationReason: META_ISSUED_NO_ROTATION,
  },
  whatsappVerifyToken: {
    constructId: 'WhatsappVerifyToken',
    description:
      'Verify token of the WhatsApp webhook handshake: the same string is entered in the WhatsApp configuration ' +
      'page. Generated at random.',
    removalPolicy: RemovalPolicy.DESTROY,
    noRotationReason:
      'The token must equal the value typed into the Meta dashboard when the webhook is verified, so changing it ' +
      'is a manual step done together with that page.',
  },
  whatsappAccessToken: {
    constructId: 'WhatsappAccessToken',
    description:
      'System-user access token that sends WhatsApp confirmations. Random placeholder until set: put the token ' +
      'from Business Settings in "current".',
    removalPolicy: RemovalPolicy.DESTROY,
    noRotationReason:
      'Meta Business Settings issues system-user tokens; no Lambda can create one. Ops generate a new token, ' +
      'store it, then revoke the old one.',
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

export interface SecretsConstructProps {
  /** The platform channels the stage serves: a left-out channel's secrets are not created. */
  readonly channels: ReadonlySet<PlatformChannel>;
}

export class SecretsConstruct extends Construct {
  readonly secretsKey: kms.Key;
  private readonly secretsByName: Partial<Record<SecretName, secretsmanager.Secret>>;

  constructor(scope: Construct, id: string, props: SecretsConstructProps) {
    super(scope, id);

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      policy: serviceKeyPolicy('secretsmanager'),
      description: 'Encrypts the deletion service secrets.',
      enableKeyRotation: true,
      // The pepper secret is retained and must stay readable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // One secret per SecretName of a served channel, so secrets added to the runtime are created (and output)
    // without changes here.
    this.secretsByName = Object.fromEntries(
      SECRET_NAMES.filter((name) => secretIsServed(name, props.channels)).map((name) => {
        const spec = SECRET_SPECS[name];
        if (!spec)
          throw new Error(
            `No secret spec for "${name}": add one to SECRET_SPECS in lib/secrets-construct.ts`,
          );
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
    ) as Partial<Record<SecretName, secretsmanager.Secret>>;
  }

  /** Every secret's name, in declaration order. */
  get names(): readonly SecretName[] {
    return Object.keys(this.secretsByName) as SecretName[];
  }

  /** A secret of the stage; asking for one of a channel the stage leaves out is a bug in the stack. */
  secret(name: SecretName): secretsmanager.Secret {
    const secret = this.secretsByName[name];
    if (!secret) throw new Error(`No secret ${name}: its channel is not among the stage's channels`);
    return secret;
  }
}
