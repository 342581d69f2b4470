// Post-deploy acceptance suite: `npm run test:deployed -- --base-url <url>` or `-- --outputs cdk-outputs.json`.
// Calls a running stage over HTTP(S) as Meta, WhatsApp and people do, prints one line per check and a
// summary, and exits non-zero when any check fails. docs/operations.md says when to run it.
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runAcceptance } from './acceptance/run.js';
import {
  TargetError,
  currentSecretValue,
  readStackOutputs,
  targetFromBaseUrl,
  targetFromOutputs,
  type AcceptanceTarget,
  type SecretValueReader,
} from './acceptance/target.js';

const USAGE = `Usage: npm run test:deployed -- --base-url <url>
       npm run test:deployed -- --outputs cdk-outputs.json [--stack DeletionService-<stage>]

  --base-url <url>    the stage's base URL (https; plain http only on 127.0.0.1 for npm start). Secrets
                      from META_APP_SECRET, INSTAGRAM_APP_SECRET, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
                      (required for a stage; on 127.0.0.1 npm start's local defaults stand in when unset)
  --outputs <file>    the file of cdk deploy --outputs-file: every URL from the outputs, secrets read from
                      Secrets Manager with your AWS credentials
  --stack <name>      which stack of the outputs file (when it holds several)
`;

/** Reads each secret with the operator's credentials, in the stack's region. */
const secretsManager: SecretValueReader = async (secretName, region) => {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    return currentSecretValue(SecretString, secretName);
  } finally {
    client.destroy();
  }
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      outputs: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (values['base-url'] === undefined) === (values.outputs === undefined)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  let target: AcceptanceTarget;
  if (values['base-url'] !== undefined) {
    target = targetFromBaseUrl(values['base-url'], process.env);
  } else {
    const { stack, outputs } = readStackOutputs(values.outputs!, values.stack);
    target = await targetFromOutputs(stack, outputs, secretsManager);
  }
  const report = await runAcceptance(target);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof TargetError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`Acceptance suite could not run: ${(error as Error).name}: ${(error as Error).message}`);
    process.exit(2);
  },
);
