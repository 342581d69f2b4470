// declarations: the secrets the functions read. The stack creates one Secrets Manager secret each and
// hands its ARN to the functions that need it; local runs read the plain environment variable.

export type SecretName =
  | 'metaAppSecret'
  | 'instagramAppSecret'
  | 'identifierPepper'
  | 'whatsappAppSecret'
  | 'whatsappVerifyToken'
  | 'whatsappAccessToken';

const ENV_NAMES: Record<SecretName, string> = {
  metaAppSecret: 'META_APP_SECRET',
  instagramAppSecret: 'INSTAGRAM_APP_SECRET',
  identifierPepper: 'IDENTIFIER_PEPPER',
  whatsappAppSecret: 'WHATSAPP_APP_SECRET',
  whatsappVerifyToken: 'WHATSAPP_VERIFY_TOKEN',
  whatsappAccessToken: 'WHATSAPP_ACCESS_TOKEN',
};

/** Every secret name, at run time (the stack creates one secret each). */
export const SECRET_NAMES = Object.keys(ENV_NAMES) as SecretName[];

/** The environment variable holding the secret's value in local runs (comma-separated candidates). */
export function secretLocalEnvVar(name: SecretName): string {
  return ENV_NAMES[name];
}

/** The environment variable holding the secret's ARN in AWS. */
export function secretArnEnvVar(name: SecretName): string {
  return `${ENV_NAMES[name]}_SECRET_ARN`;
}
