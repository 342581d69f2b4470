// runtime: secrets. In AWS each secret lives in Secrets Manager as JSON {"current": "...",
// "previous": "..."} and is cached for a bounded time so a rotation takes effect; locally (and only
// locally) the value comes from an environment variable, comma-separated for several candidates.
import { secretArnEnvVar, secretLocalEnvVar } from '../declarations/secrets.js';
import type { SecretReader } from '../use-cases/ports.js';
import { ConfigError, type Env } from './config.js';

/** Seconds a secret is cached in a warm Lambda before it is read again. */
export const SECRET_MAX_AGE_SECONDS = 300;

export function makeSecretReader(env: Env): SecretReader {
  return async (name) => {
    const arn = env[secretArnEnvVar(name)];
    if (arn) return fromSecretsManager(arn, name);
    const local = env[secretLocalEnvVar(name)];
    if (!local)
      throw new ConfigError(
        `Missing ${secretArnEnvVar(name)} (or ${secretLocalEnvVar(name)} for local runs)`,
      );
    return local
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
  };
}

/**
 * A secret the data map names (one per erasure webhook): Secrets Manager at `<envName>_ARN` in AWS, the value
 * of `<envName>` for local runs. Candidates come current first.
 */
export function makeNamedSecretReader(env: Env): (envName: string) => Promise<readonly string[]> {
  return async (envName) => {
    const arn = env[`${envName}_ARN`];
    if (arn) return fromSecretsManager(arn, envName);
    const local = env[envName];
    if (!local) throw new ConfigError(`Missing ${envName}_ARN (or ${envName} for local runs)`);
    return local
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
  };
}

async function fromSecretsManager(arn: string, name: string): Promise<readonly string[]> {
  // Loaded on the first read, not at cold start: a request that needs no secret never loads the
  // Secrets Manager client (the bundle keeps it, evaluated lazily).
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret<{ current?: unknown; previous?: unknown }>(arn, {
    transform: 'json',
    maxAge: SECRET_MAX_AGE_SECONDS,
  });
  const candidates = [value?.current, value?.previous].filter(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0,
  );
  if (candidates.length === 0) throw new ConfigError(`Secret for ${name} has no "current" value`);
  return candidates;
}
