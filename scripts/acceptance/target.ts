// acceptance: what the post-deploy suite runs against. Every URL a person or platform uses, and the
// secrets the platforms sign with, either from a base URL and the environment variables `npm start`
// reads, or from `cdk deploy --outputs-file` and Secrets Manager.
import { readFileSync } from 'node:fs';
import {
  PLATFORM_CHANNELS,
  SECRET_CHANNEL,
  SERVED_CHANNELS_ENV,
  parseChannelList,
  type PlatformChannel,
} from '../../functions/declarations/channels.js';
import { ROUTES } from '../../functions/declarations/functions.js';
import {
  API_BASE_URL_OUTPUT,
  SERVED_CHANNELS_OUTPUT,
  routeOutputId,
  secretOutputId,
} from '../../lib/output-names.js';
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
  /** The platform channels the stage serves: checks of the others are skipped, and say so. */
  readonly channels: ReadonlySet<PlatformChannel>;
  /** The URL of each route the stage has (a left-out channel's routes are absent). */
  readonly urls: Readonly<Partial<Record<RouteKey, string>>>;
  /** Every declared GET route's URL, for public endpoints beyond the ones above (e.g. a JWKS). */
  readonly routeUrl: (path: string) => string | undefined;
  /** The secrets of the served channels. */
  readonly secrets: Readonly<Partial<Record<SecretKey, string>>>;
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

/** The channel a suite route or secret belongs to, if any. */
const channelOfRoute = (key: RouteKey) =>
  ROUTES.find((route) => route.path === ACCEPTANCE_ROUTES[key])?.channel;
const channelOfSecret = (key: SecretKey) => SECRET_CHANNEL[key];

/** A served-channels list (the stack's output, or SERVED_CHANNELS for npm start): unset means every channel. */
export function channelsFrom(value: string | undefined, where: string): ReadonlySet<PlatformChannel> {
  if (value === undefined) return new Set(PLATFORM_CHANNELS);
  if (value.trim() === 'none') return new Set();
  const { channels, unknown } = parseChannelList(value);
  if (unknown.length > 0) throw new TargetError(`${where} names unknown channels: ${unknown.join(', ')}`);
  return new Set(channels);
}

const servedRouteKeys = (channels: ReadonlySet<PlatformChannel>) =>
  (Object.keys(ACCEPTANCE_ROUTES) as RouteKey[]).filter((key) => {
    const channel = channelOfRoute(key);
    return channel === undefined || channels.has(channel);
  });
const servedSecretKeys = (channels: ReadonlySet<PlatformChannel>) =>
  (Object.keys(ACCEPTANCE_SECRETS) as SecretKey[]).filter((key) => {
    const channel = channelOfSecret(key);
    return channel === undefined || channels.has(channel);
  });

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
  // The same variable npm start reads: a stage that leaves a channel out has no secret for it to sign with.
  const channels = channelsFrom(env[SERVED_CHANNELS_ENV], SERVED_CHANNELS_ENV);
  const secretKeys = servedSecretKeys(channels);
  const unset = secretKeys
    .map((key) => ACCEPTANCE_SECRETS[key])
    .filter((name) => !env[name]?.split(',')[0]?.trim());
  if (!isLoopback(url) && unset.length > 0) {
    throw new TargetError(
      `Set the stage's secrets before running against ${base}: ${unset.join(', ')} (or use --outputs cdk-outputs.json to read them from Secrets Manager)`,
    );
  }
  const declared = new Set(ROUTES.map((route) => route.path));
  return {
    label: base,
    channels,
    urls: mapRoutes(servedRouteKeys(channels), (path) => `${base}${path}`),
    routeUrl: (path) => (declared.has(path) ? `${base}${path}` : undefined),
    secrets: Object.fromEntries(secretKeys.map((key) => [key, fromEnv(env, ACCEPTANCE_SECRETS[key])])),
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
  // A stack from before ServedChannels existed serves every channel.
  const channels = channelsFrom(outputs[SERVED_CHANNELS_OUTPUT], `${SERVED_CHANNELS_OUTPUT} of ${stack}`);
  const urls = mapRoutes(
    servedRouteKeys(channels),
    (path) => requireSecureUrl(output(routeOutputId(path)), routeOutputId(path)).href,
  );
  const values = await Promise.all(
    servedSecretKeys(channels).map(
      async (key) => [key, await readSecret(output(secretOutputId(key)), region)] as const,
    ),
  );
  return {
    label: `${stack} (${new URL(output(routeOutputId(ACCEPTANCE_ROUTES.status))).origin})`,
    channels,
    urls,
    routeUrl: (path) => outputs[routeOutputId(path)],
    secrets: Object.fromEntries(values),
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

function mapRoutes(
  keys: readonly RouteKey[],
  urlOf: (path: string) => string,
): Partial<Record<RouteKey, string>> {
  return Object.fromEntries(keys.map((key) => [key, urlOf(ACCEPTANCE_ROUTES[key])]));
}
