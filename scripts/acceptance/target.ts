// acceptance: what the post-deploy suite runs against. Every URL a person or platform uses, and the
// secrets the platforms sign with, either from a base URL and the environment variables `npm start`
// reads, or from `cdk deploy --outputs-file` and Secrets Manager.
import { readFileSync } from 'node:fs';
import { ROUTES } from '../../functions/declarations/functions.js';
import { API_BASE_URL_OUTPUT, routeOutputId, secretOutputId } from '../../lib/output-names.js';
import { LOCAL_DEFAULTS } from '../../local/local-service.js';

/** The routes the suite calls, by what they are. */
export const ACCEPTANCE_ROUTES = {
  facebookDeletion: '/meta/data-deletion',
  facebookDeauthorize: '/meta/deauthorize',
  instagramDeletion: '/instagram/data-deletion',
  instagramDeauthorize: '/instagram/deauthorize',
  whatsappWebhook: '/whatsapp/webhook',
  status: '/deletion-status',
  form: '/delete-my-data',
  selfServiceRequests: '/deletion-requests',
} as const;

export type RouteKey = keyof typeof ACCEPTANCE_ROUTES;

/** The secrets the suite signs with, as the platforms do. */
export const ACCEPTANCE_SECRETS = {
  metaAppSecret: 'META_APP_SECRET',
  instagramAppSecret: 'INSTAGRAM_APP_SECRET',
  whatsappAppSecret: 'WHATSAPP_APP_SECRET',
  whatsappVerifyToken: 'WHATSAPP_VERIFY_TOKEN',
} as const;

export type SecretKey = keyof typeof ACCEPTANCE_SECRETS;

export interface AcceptanceTarget {
  /** Where the suite runs, for the report. */
  readonly label: string;
  readonly urls: Readonly<Record<RouteKey, string>>;
  /** Every declared GET route's URL, for public endpoints beyond the ones above (e.g. a JWKS). */
  readonly routeUrl: (path: string) => string | undefined;
  readonly secrets: Readonly<Record<SecretKey, string>>;
  /** Secrets that still hold the stack's generated placeholder (known only when read from Secrets Manager). */
  readonly placeholderSecrets?: readonly SecretKey[];
}

/**
 * The stack creates each secret with a random 64-letter placeholder in "current" (so callbacks fail closed).
 * Meta's app secrets are 32 hex digits; a placeholder still in place means the dashboard's value was never stored,
 * and a suite signing with it would pass while every real callback fails.
 */
export function isGeneratedPlaceholder(value: string): boolean {
  return /^[A-Za-z0-9]{64}$/.test(value) && !/^[0-9a-f]{64}$/.test(value);
}

/** The secrets Meta issues (the verify token is ours, and may stay generated). */
const META_ISSUED: readonly SecretKey[] = ['metaAppSecret', 'instagramAppSecret', 'whatsappAppSecret'];

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * Only https, except on this machine (the local service speaks plain http): secrets and status codes
 * never cross a network in clear text.
 */
export function requireSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TargetError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new TargetError(`${what} must be https (plain http only on 127.0.0.1 or localhost): ${value}`);
  }
  return url;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The current value of a secret given as `npm start` takes it (`current,previous`), or the local default. */
function fromEnv(env: Env, name: (typeof ACCEPTANCE_SECRETS)[SecretKey]): string {
  const value = env[name]?.split(',')[0]?.trim();
  return value ? value : LOCAL_DEFAULTS[name];
}

/**
 * `--base-url`: every route under one base; secrets from the environment. `npm start`'s defaults stand in for unset
 * ones only on this machine: against a deployed stage they would fail every signed check for the wrong reason.
 */
export function targetFromBaseUrl(baseUrl: string, env: Env): AcceptanceTarget {
  const url = requireSecureUrl(baseUrl, '--base-url');
  const base = url.href.replace(/\/+$/, '');
  const unset = Object.values(ACCEPTANCE_SECRETS).filter((name) => !env[name]?.split(',')[0]?.trim());
  if (!isLoopback(url) && unset.length > 0) {
    throw new TargetError(
      `Set the stage's secrets before running against ${base}: ${unset.join(', ')} (or use --outputs cdk-outputs.json to read them from Secrets Manager)`,
    );
  }
  const declared = new Set(ROUTES.map((route) => route.path));
  return {
    label: base,
    urls: mapRoutes((path) => `${base}${path}`),
    routeUrl: (path) => (declared.has(path) ? `${base}${path}` : undefined),
    secrets: {
      metaAppSecret: fromEnv(env, ACCEPTANCE_SECRETS.metaAppSecret),
      instagramAppSecret: fromEnv(env, ACCEPTANCE_SECRETS.instagramAppSecret),
      whatsappAppSecret: fromEnv(env, ACCEPTANCE_SECRETS.whatsappAppSecret),
      whatsappVerifyToken: fromEnv(env, ACCEPTANCE_SECRETS.whatsappVerifyToken),
    },
  };
}

/** Reads a secret's current value by its name, in the given region. */
export type SecretValueReader = (secretName: string, region: string) => Promise<string>;

export type StackOutputs = Readonly<Record<string, string>>;

/**
 * One stack's outputs from a `cdk deploy --outputs-file` file ({ "<stack>": { "<output>": "<value>" } }):
 * the named stack, or the only one in the file.
 */
export function readStackOutputs(file: string, stackName?: string): { stack: string; outputs: StackOutputs } {
  let stacks: Record<string, Record<string, string>>;
  try {
    stacks = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  } catch (error) {
    throw new TargetError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const names = Object.keys(stacks);
  const stack = stackName ?? (names.length === 1 ? names[0] : undefined);
  if (!stack) {
    throw new TargetError(
      `${file} holds ${names.length === 0 ? 'no stack' : `several stacks (${names.join(', ')}); pick one with --stack`}`,
    );
  }
  const outputs = stacks[stack];
  if (!outputs) throw new TargetError(`${file} has no stack ${stack} (it has ${names.join(', ')})`);
  return { stack, outputs };
}

/** The region of an execute-api URL: https://{id}.execute-api.{region}.amazonaws.com/{stage}. */
export function regionOfApiUrl(apiBaseUrl: string | undefined): string | undefined {
  return apiBaseUrl ? /\.execute-api\.([a-z0-9-]+)\./.exec(apiBaseUrl)?.[1] : undefined;
}

/** `--outputs`: the URLs the stack published (the custom domain's, when it has one), secrets from Secrets Manager. */
export async function targetFromOutputs(
  stack: string,
  outputs: StackOutputs,
  readSecret: SecretValueReader,
): Promise<AcceptanceTarget> {
  const output = (id: string) => {
    const value = outputs[id];
    if (!value) throw new TargetError(`The outputs of ${stack} have no ${id}`);
    return value;
  };
  const region = regionOfApiUrl(outputs[API_BASE_URL_OUTPUT]);
  if (!region) throw new TargetError(`Cannot tell the region from ${API_BASE_URL_OUTPUT} of ${stack}`);
  const urls = mapRoutes((path) => requireSecureUrl(output(routeOutputId(path)), routeOutputId(path)).href);
  const secretNames = Object.keys(ACCEPTANCE_SECRETS) as SecretKey[];
  const values = await Promise.all(
    secretNames.map(async (key) => [key, await readSecret(output(secretOutputId(key)), region)] as const),
  );
  return {
    label: `${stack} (${new URL(urls.status).origin})`,
    urls,
    routeUrl: (path) => outputs[routeOutputId(path)],
    secrets: Object.fromEntries(values) as Record<SecretKey, string>,
    placeholderSecrets: values
      .filter(([key, value]) => META_ISSUED.includes(key) && isGeneratedPlaceholder(value))
      .map(([key]) => key),
  };
}

/** The current value of a secret stored as `{"current": "...", "previous": "..."}` (or a bare string). */
export function currentSecretValue(secretString: string | undefined, secretName: string): string {
  if (!secretString) throw new TargetError(`Secret ${secretName} has no value`);
  try {
    const parsed = JSON.parse(secretString) as { current?: unknown };
    if (typeof parsed?.current === 'string' && parsed.current !== '') return parsed.current;
  } catch {
    return secretString;
  }
  throw new TargetError(`Secret ${secretName} has no "current" value; fill it first (docs/operations.md)`);
}

function mapRoutes(urlOf: (path: string) => string): Record<RouteKey, string> {
  return Object.fromEntries(
    (Object.entries(ACCEPTANCE_ROUTES) as [RouteKey, string][]).map(([key, path]) => [key, urlOf(path)]),
  ) as Record<RouteKey, string>;
}
