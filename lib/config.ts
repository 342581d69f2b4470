// infra: the one typed deployment configuration, read from config/<stage>.json and CDK context (-c key=value,
// which wins) and validated at synth. docs/configuration.md describes every field.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PLATFORM_CHANNELS } from '../functions/declarations/channels.js';
import { GRAPH_API_DEFAULT_VERSION } from '../functions/runtime/config.js';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address');
/** A DNS name: labels of letters, digits and hyphens, at least two, no trailing dot. */
const hostname = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
        'must be a DNS name like privacy.example.com',
      ),
  );

/** Context values arrive as strings (`-c dataStores='{...}'`); files as JSON. */
const fromJsonText = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/**
 * Where one store of the data map really is. A company table: its name in this account and region, or (in
 * another account) its ARN with the role the functions assume there; `encryptionKeyArn` when the table is
 * encrypted with a customer-managed key. An object prefix: the bucket (`bucketName`). An erasure webhook: the
 * `https://` URL the worker posts to. An empty value counts as not filled in.
 */
export const DataStoreLocationSchema = z
  .object({
    tableName: optionalText(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)'),
    ),
    tableArn: optionalText(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/,
          'must be the ARN of a DynamoDB table',
        ),
    ),
    roleArn: optionalText(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be the ARN of an IAM role'),
    ),
    encryptionKeyArn: optionalText(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be the ARN of a KMS key'),
    ),
    bucketName: optionalText(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          'must be an S3 bucket name (3-63 of a-z 0-9 . -, starting and ending with a letter or digit)',
        ),
    ),
    url: optionalText(
      z.string().refine((value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' && url.username === '' && url.password === '' && url.hash === '';
        } catch {
          return false;
        }
      }, 'must be an https:// URL without credentials or fragment (erasure requests carry identifiers)'),
    ),
  })
  .strict()
  .superRefine((location, context) => {
    const kinds = [
      location.tableName || location.tableArn ? 'a table' : '',
      location.bucketName ? 'a bucket' : '',
      location.url ? 'a URL' : '',
    ].filter(Boolean);
    if (kinds.length > 1) {
      context.addIssue({ code: 'custom', message: `names ${kinds.join(' and ')}: give only one` });
    }
    if (location.tableName && location.tableArn) {
      context.addIssue({ code: 'custom', message: 'give tableName or tableArn, not both' });
    }
    if (location.tableArn && !location.roleArn) {
      context.addIssue({
        code: 'custom',
        path: ['roleArn'],
        message:
          'is required with tableArn: the role the functions assume in the account that owns the table',
      });
    }
    if (location.roleArn && !location.tableArn) {
      context.addIssue({
        code: 'custom',
        path: ['roleArn'],
        message: 'goes with tableArn (a table in another account)',
      });
    }
  });
export type DataStoreLocation = z.output<typeof DataStoreLocationSchema>;

export const DeploymentConfigSchema = z
  .object({
    /** Stage name: part of the stack name, the API stage and every named resource. */
    stage: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/,
        'use 1-32 letters, digits or hyphens, starting with a letter or digit',
      )
      .default('dev'),
    /** Base of the status links handed to people; defaults to https://<domainName>, else the API's own stage URL. */
    publicBaseUrl: optionalText(
      z
        .string()
        .refine((value) => {
          try {
            const url = new URL(value);
            return url.protocol === 'https:' && url.search === '' && url.hash === '';
          } catch {
            return false;
          }
        }, 'must be an https URL without query or fragment')
        .transform((value) => value.replace(/\/+$/, '')),
    ),
    /** Custom domain of the API (people's status links, the form, every callback URL); needs certificateArn. */
    domainName: optionalText(hostname),
    /** ACM certificate for domainName, in the stack's region (a regional API endpoint). */
    certificateArn: optionalText(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
          'must be the ARN of an ACM certificate',
        ),
    ),
    /** Route 53 hosted zone (id and name) in which to create the domain's alias record; without it, DNS is yours. */
    hostedZoneId: optionalText(z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id')),
    hostedZoneName: optionalText(hostname),
    /** Default of the EmailFromAddress parameter (the verified SES sender identity). */
    emailFromAddress: optionalText(email),
    /** SES configuration set for confirmation emails (delivery, bounce and complaint events). */
    sesConfigurationSet: optionalText(
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an SES configuration set name'),
    ),
    /** Pinned Graph API version for token revocation and WhatsApp messages. */
    graphApiVersion: z
      .string()
      .regex(/^v\d+\.\d+$/, 'must look like v27.0')
      .default(GRAPH_API_DEFAULT_VERSION),
    /** Days a finished request's status page stays available (it holds no personal data). */
    statusRetentionDays: integer(1, 3650).default(400),
    /**
     * Days backups keep deleted records restorable, told to the person with the date they are gone. DynamoDB
     * point-in-time recovery keeps up to 35 days; raise it if the company keeps other backups longer.
     */
    backupRetentionDays: integer(1, 3650).default(35),
    /** Days before its due date an open request is reported as nearing it (alarmed). Due dates follow the law of the request (one month, GDPR; 45 days, CCPA). */
    deadlineNearingDays: integer(1, 30).default(7),
    /** Retention of every log group (a value CloudWatch Logs accepts). */
    logRetentionDays: integer(1, 3653)
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    /** Address subscribed to the alarm topic; without it alarms only show in the console. */
    alarmEmail: optionalText(email),
    /** A demo stage: no web ACL of its own is created (nothing real to protect). */
    demo: z
      .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
      .default(false),
    /** Alarm when the stage's own web ACL blocks at least this many requests in five minutes. */
    wafBlockAlarmThreshold: integer(1, 1_000_000).default(100),
    /**
     * Regional WAFv2 web ACL to associate with the API stage. Without it, a stage that is not a demo gets
     * its own, with per-IP rate-based rules per route group (lib/web-acl-construct.ts).
     */
    wafWebAclArn: optionalText(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/,
          'must be the ARN of a regional WAFv2 web ACL',
        ),
    ),
    /**
     * The platform channels the stage serves: the company's Facebook app, Instagram app, WhatsApp business
     * number. A channel left out gets no route, secret, function, parameter or alarm, and no page promises
     * it; the web form, email and support requests are always served.
     */
    channels: z.preprocess(
      // From CDK context (-c channels=facebook,whatsapp) it is a comma-separated string; "" serves none.
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((name) => name.trim())
              .filter(Boolean)
          : value,
      z
        .array(
          z.enum(PLATFORM_CHANNELS, { error: `must list channels among ${PLATFORM_CHANNELS.join(', ')}` }),
        )
        .refine((names) => new Set(names).size === names.length, 'must not repeat a channel')
        .default([...PLATFORM_CHANNELS]),
    ),
    /** Defaults of the MetaAppId and InstagramAppId stack parameters (public app ids, not secrets). */
    metaAppId: optionalText(z.string().regex(/^[0-9]{1,32}$/, 'must be a numeric app id')),
    instagramAppId: optionalText(z.string().regex(/^[0-9]{1,32}$/, 'must be a numeric app id')),
    /** Approved WhatsApp utility template for the completion notice outside the 24-hour window. */
    whatsappCompletionTemplate: optionalText(
      z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase, digits, _)'),
    ),
    /**
     * Business numbers (Cloud API phone-number ids) the WhatsApp webhook acts for, besides
     * whatsappPhoneNumberId; a signed message to any other number is acknowledged and ignored.
     */
    whatsappBusinessNumberIds: z.preprocess(
      // From CDK context (-c whatsappBusinessNumberIds=1,2) it is a comma-separated string.
      (value) => (typeof value === 'string' ? value.split(',').filter((id) => id.trim() !== '') : value),
      z
        .array(
          z
            .string()
            .trim()
            .regex(/^[0-9]{1,32}$/, 'must be numeric ids'),
        )
        .default([]),
    ),
    /** Business number (Cloud API phone-number id) that sends verification links to phone numbers. */
    whatsappPhoneNumberId: optionalText(z.string().regex(/^[0-9]{1,32}$/, 'must be a numeric id')),
    /** Approved template (one body parameter: the link) for verification links outside the 24-hour window. */
    whatsappVerificationTemplate: optionalText(
      z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase, digits, _)'),
    ),
    whatsappTemplateLanguage: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code like en_US')
      .default('en_US'),
    /**
     * Receipt signing keys, one KMS key per generation name, current first: the worker signs with the
     * first, the JWKS publishes all (receipts signed before a rotation still verify). Rotating: put a
     * new name first and keep the old ones listed as long as their receipts must verify.
     */
    receiptKeyGenerations: z
      .preprocess(
        (value) => (typeof value === 'string' ? value.split(',').map((name) => name.trim()) : value),
        z
          .array(z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'use 1-32 letters or digits'))
          .min(1)
          .max(5)
          .refine((names) => new Set(names).size === names.length, 'must not repeat a generation'),
      )
      .default(['1']),
    /** Alarm when the oldest waiting deletion job is older than this (minutes). */
    oldestJobAlarmMinutes: integer(5, 24 * 60).default(60),
    /** Alarm when more signatures than this are rejected in five minutes (all routes together). */
    signatureRejectionAlarmThreshold: integer(1, 100_000).default(20),
    /** Alarm when the API answers at least this many 5xx in five minutes. */
    api5xxAlarmThreshold: integer(1, 100_000).default(1),
    /**
     * The company's existing stores, by data-map id (docs/data-stores.md). Outside a demo stage every company
     * table must be named here; the stack imports them and never creates or changes them.
     */
    dataStores: z.preprocess(fromJsonText, z.record(z.string(), DataStoreLocationSchema)).default({}),
    /** The stack creates empty company tables with demo names: for a demo stage only (config/dev.json). */
    demoDataStores: z
      .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
      .default(false),
  })
  .strict()
  .superRefine((config, context) => {
    const requireWith = (key: keyof typeof config, other: keyof typeof config, why: string) => {
      if (config[key] !== undefined && config[other] === undefined) {
        context.addIssue({ code: 'custom', path: [other], message: `is required with ${key}: ${why}` });
      }
    };
    requireWith('domainName', 'certificateArn', 'API Gateway serves the domain with that certificate');
    requireWith('certificateArn', 'domainName', 'the certificate is for a custom domain');
    requireWith('hostedZoneId', 'hostedZoneName', 'the alias record is named within the zone');
    requireWith('hostedZoneName', 'hostedZoneId', 'the alias record is created in that zone');
    requireWith('hostedZoneId', 'domainName', 'the zone gets an alias record for the domain');
    const { domainName, hostedZoneName } = config;
    if (
      domainName &&
      hostedZoneName &&
      domainName !== hostedZoneName &&
      !domainName.endsWith(`.${hostedZoneName}`)
    ) {
      context.addIssue({
        code: 'custom',
        path: ['hostedZoneName'],
        message: `must be ${domainName} or a parent of it`,
      });
    }
    // A setting of a channel the stage leaves out would do nothing: say so rather than ignore it.
    const channelSettings = {
      facebook: ['metaAppId'],
      instagram: ['instagramAppId'],
      whatsapp: [
        'whatsappCompletionTemplate',
        'whatsappPhoneNumberId',
        'whatsappVerificationTemplate',
        'whatsappBusinessNumberIds',
      ],
    } as const satisfies Record<(typeof PLATFORM_CHANNELS)[number], readonly (keyof typeof config)[]>;
    for (const channel of PLATFORM_CHANNELS) {
      if (config.channels.includes(channel)) continue;
      for (const key of channelSettings[channel]) {
        const value = config[key];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `is a setting of ${channel}, but channels leaves ${channel} out: remove it or add ${channel} to channels`,
        });
      }
    }
    if (config.stage === 'prod' && !config.alarmEmail) {
      context.addIssue({
        code: 'custom',
        path: ['alarmEmail'],
        message: 'is required for the prod stage, so alarms reach someone',
      });
    }
  });

export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
export type DeploymentConfig = z.output<typeof DeploymentConfigSchema>;
export const CONFIG_KEYS = Object.keys(DeploymentConfigSchema.shape) as (keyof DeploymentConfig)[];

export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

/** Validates a configuration; the error lists every invalid field with what it must be. */
export function parseDeploymentConfig(input: unknown): DeploymentConfig {
  const parsed = DeploymentConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(config)';
    return issue.code === 'unrecognized_keys'
      ? `  ${issue.keys.join(', ')}: unknown setting`
      : `  ${key}: ${issue.message}`;
  });
  throw new DeploymentConfigError(`Invalid deployment configuration:\n${problems.join('\n')}`);
}

/** Edit distance between two keys, ignoring case (a mis-cased key is distance 0 from the right one). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= y.length; j += 1)
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/** The known setting closest to a key (for "did you mean"). */
export function closestConfigKey(key: string): string {
  return [...CONFIG_KEYS].sort((a, b) => distance(key, a) - distance(key, b))[0] ?? 'stage';
}

/**
 * Context keys that are not ours nor the CDK's: CDK's own keys carry a ':' or start with '@'
 * (feature flags, lookups, `aws:cdk:*`); a plain key must be a setting of the configuration.
 */
const CDK_PLAIN_KEYS = new Set(['cli-telemetry', 'acknowledged-issue-numbers']);

export function unknownContextKeys(keys: readonly string[]): string[] {
  return keys.filter(
    (key) =>
      !key.includes(':') &&
      !key.startsWith('@') &&
      !CDK_PLAIN_KEYS.has(key) &&
      !(CONFIG_KEYS as readonly string[]).includes(key),
  );
}

/**
 * The configuration for a synth: config/<stage>.json when it exists, overridden by CDK context values of the
 * same names. `context` is node.tryGetContext; `contextKeys`, every key the context holds, so a misspelt or
 * mis-cased `-c` key is an error naming the closest known key instead of being ignored.
 */
export function loadDeploymentConfig(
  context: (key: string) => unknown,
  configDir = path.resolve(import.meta.dirname, '..', 'config'),
  contextKeys: readonly string[] = [],
): DeploymentConfig {
  const unknown = unknownContextKeys(contextKeys);
  if (unknown.length)
    throw new DeploymentConfigError(
      `Invalid deployment configuration:\n${unknown
        .map((key) => `  ${key}: unknown setting (did you mean ${closestConfigKey(key)}?)`)
        .join('\n')}`,
    );
  const fromContext: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = context(key);
    if (value !== undefined) fromContext[key] = value;
  }
  const stage = typeof fromContext.stage === 'string' && fromContext.stage !== '' ? fromContext.stage : 'dev';
  const file = path.join(configDir, `${stage}.json`);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new DeploymentConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return parseDeploymentConfig({ ...fromFile, ...fromContext, stage });
}

/**
 * Only the `dataStores` of a stage's file (config/<stage>.json), validated: what `npm run data-map -- check`
 * needs, without the settings a synth also requires (an alarm email for prod, context values).
 */
export function loadDataStores(
  stage: string,
  configDir = path.resolve(import.meta.dirname, '..', 'config'),
): DeploymentConfig['dataStores'] {
  const file = path.join(configDir, `${stage}.json`);
  if (!existsSync(file)) throw new DeploymentConfigError(`${file} does not exist: no data stores to check`);
  let fromFile: Record<string, unknown>;
  try {
    fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new DeploymentConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = DeploymentConfigSchema.shape.dataStores.safeParse(fromFile.dataStores);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  dataStores.${issue.path.join('.')}: ${issue.message}`,
  );
  throw new DeploymentConfigError(`Invalid data stores in ${file}:\n${problems.join('\n')}`);
}
