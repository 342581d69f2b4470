// infra: the names of the stack outputs that tools outside the stack read (the support command and the
// post-deploy acceptance suite read `cdk deploy --outputs-file`). No CDK imports, so scripts can use them.

/**
 * The URL outputs under the names the README and the channel guides give them (and the dashboards ask for):
 * one output per route path, never a second one with the same URL.
 */
export const NAMED_ROUTE_OUTPUTS: Readonly<Record<string, { id: string; description: string }>> = {
  '/meta/data-deletion': {
    id: 'MetaDataDeletionCallbackUrl',
    description:
      'Facebook Data Deletion Request callback URL to enter in the App Dashboard (Settings > Basic).',
  },
  '/meta/deauthorize': {
    id: 'MetaDeauthorizeCallbackUrl',
    description:
      'Facebook Deauthorize callback URL to enter in the App Dashboard (Facebook Login > Settings).',
  },
  '/instagram/data-deletion': {
    id: 'InstagramDataDeletionCallbackUrl',
    description: 'Instagram Data Deletion Request callback URL to enter in the App Dashboard.',
  },
  '/instagram/deauthorize': {
    id: 'InstagramDeauthorizeCallbackUrl',
    description: 'Instagram Deauthorize callback URL to enter in the App Dashboard.',
  },
  '/whatsapp/webhook': {
    id: 'WhatsAppWebhookUrl',
    description: 'WhatsApp webhook callback URL to enter in the App Dashboard (WhatsApp > Configuration).',
  },
  '/deletion-status': {
    id: 'StatusBaseUrl',
    description: 'Status page; a person opens it with ?code=<confirmation code>.',
  },
  '/delete-my-data': {
    id: 'DataDeletionInstructionsUrl',
    description: "Self-service page; also the Data Deletion Instructions URL for Meta's App Dashboard.",
  },
  '/.well-known/jwks.json': {
    id: 'ReceiptKeysUrl',
    description: 'Public keys of the deletion receipts (JWKS): anyone verifies a receipt with them.',
  },
};

/** Output id of a route's URL: its name above, else from the path (/deletion-requests -> DeletionRequestsUrl). */
export function routeOutputId(path: string): string {
  return NAMED_ROUTE_OUTPUTS[path]?.id ?? `${pascal(path)}Url`;
}

/** Output id of a secret's name: metaAppSecret -> MetaAppSecretName, whatsappVerifyToken -> WhatsappVerifyTokenSecretName. */
export function secretOutputId(name: string): string {
  return `${pascal(name)}${/secret$/i.test(name) ? '' : 'Secret'}Name`;
}

/** The API stage's own URL (execute-api), also when a custom domain is in front of it. */
export const API_BASE_URL_OUTPUT = 'ApiBaseUrl';
/** The platform channels the stage serves, comma-separated (`none` for none): the acceptance suite skips the rest. */
export const SERVED_CHANNELS_OUTPUT = 'ServedChannels';
/** The command that runs the acceptance suite against the deployed stage. */
export const ACCEPTANCE_COMMAND_OUTPUT = 'AcceptanceTestCommand';

function pascal(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
