// infra: the names of the stack outputs that tools outside the stack read (the support command and the
// post-deploy acceptance suite read `cdk deploy --outputs-file`). No CDK imports, so scripts can use them.

/** Output id of a route's URL: /meta/data-deletion -> RouteMetaDataDeletionUrl. */
export function routeOutputId(path: string): string {
  return `Route${pascal(path)}Url`;
}

/** Output id of a secret's name: metaAppSecret -> MetaAppSecretName, whatsappVerifyToken -> WhatsappVerifyTokenSecretName. */
export function secretOutputId(name: string): string {
  return `${pascal(name)}${/secret$/i.test(name) ? '' : 'Secret'}Name`;
}

/** The API stage's own URL (execute-api), also when a custom domain is in front of it. */
export const API_BASE_URL_OUTPUT = 'ApiBaseUrl';
/** The command that runs the acceptance suite against the deployed stage. */
export const ACCEPTANCE_COMMAND_OUTPUT = 'AcceptanceTestCommand';

function pascal(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
