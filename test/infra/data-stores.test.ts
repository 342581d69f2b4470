// infra tests: the company's data stores. A stage that is not the demo stage names every company table, S3 prefix
// and erasure webhook in dataStores or cannot be synthesized; with them, the stack imports (never creates) the
// tables and grants the worker only what each data-map rule needs, on exactly those ARNs, the bucket prefixes and
// the webhook secrets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeploymentConfigError, parseDeploymentConfig } from '../../lib/config.js';
import { FUNCTIONS } from '../../functions/declarations/functions.js';
import { purgeAccess } from '../../functions/declarations/table-access.js';
import {
  EXTERNAL_STORES,
  EXTERNAL_STORES_ENV,
  MEDIA_COPIES_PREFIX,
} from '../../functions/declarations/external-stores.js';
import { DeletionServiceStack, type DeletionServiceStackProps } from '../../lib/deletion-service-stack.js';
import {
  TABLES,
  companyTables,
  mappedTables,
  type TableDeclaration,
} from '../../functions/declarations/tables.js';
import {
  actionsOf,
  allPolicyStatements,
  logicalIdOf,
  resourcesOfType,
  roleStatements,
  type Statement,
  CDK_JSON_CONTEXT,
} from './template-queries.js';

const ACCOUNT_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TRANSCRIPTS_ARN = 'arn:aws:dynamodb:eu-west-1:210987654321:table/ai-transcripts';
const TRANSCRIPTS_ROLE = 'arn:aws:iam::210987654321:role/deletion-service-purge';

const physicalName = (table: TableDeclaration) => `acme-${table.id.toLowerCase()}`;

/** Every company table named, Accounts with its own key, AgentTranscripts in another account. */
function completeDataStores(): Record<string, Record<string, string>> {
  const stores: Record<string, Record<string, string>> = {};
  for (const table of companyTables()) stores[table.id] = { tableName: physicalName(table) };
  stores.Accounts = { tableName: 'acme-accounts', encryptionKeyArn: ACCOUNT_KEY };
  stores.AgentTranscripts = { tableArn: TRANSCRIPTS_ARN, roleArn: TRANSCRIPTS_ROLE };
  stores.MediaCopies = { bucketName: MEDIA_BUCKET };
  stores.AnalyticsProvider = { url: ANALYTICS_URL };
  return stores;
}

const MEDIA_BUCKET = 'acme-media-copies';
const ANALYTICS_URL = 'https://analytics-proxy.acme.example/erasure';

function newStack(props: Partial<DeletionServiceStackProps>): DeletionServiceStack {
  return new DeletionServiceStack(new App({ context: CDK_JSON_CONTEXT }), 'DeletionService-acme', {
    stage: 'acme',
    ...props,
  });
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the synth to fail');
}

/** The string form of a resource: table/acme-accounts, table/acme-accounts/index/bsuid, or a literal ARN. */
function resourceNames(statement: Statement): string[] {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.map((entry) => {
    if (typeof entry === 'string') return entry;
    const join = (entry as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map((part) => (typeof part === 'string' ? part : '')).join('');
    return JSON.stringify(entry);
  });
}

/** Actions the statements allow on a resource whose name ends with `suffix`. */
function actionsOn(statements: readonly Statement[], suffix: string): string[] {
  return [
    ...new Set(
      statements
        .filter((statement) => resourceNames(statement).some((name) => name.endsWith(suffix)))
        .flatMap(actionsOf),
    ),
  ].sort();
}

describe('a stage that is not the demo stage', () => {
  it('cannot be synthesized without dataStores, and one message lists every missing company table', () => {
    const message = configError(() => newStack({}));
    for (const table of companyTables()) expect(message).toContain(table.id);
    for (const table of TABLES.filter((candidate) => candidate.owner === 'service'))
      expect(message).not.toContain(table.id);
    expect(message.match(/names no existing table/g)).toHaveLength(1);
    expect(message).toContain(`${companyTables().length} of the ${companyTables().length} company tables`);
    // The S3 prefixes and other systems too, in the same message.
    expect(message).toContain(
      `where ${EXTERNAL_STORES.length} of the ${EXTERNAL_STORES.length} other stores of the data map are: AnalyticsProvider (url), MediaCopies (bucketName)`,
    );
  });

  it('names a missing erasure webhook or S3 prefix even when every table is there', () => {
    const stores = completeDataStores();
    delete stores.AnalyticsProvider;
    const message = configError(() => newStack({ dataStores: stores }));
    expect(message).toContain('where 1 of the 2 other stores of the data map are: AnalyticsProvider (url).');
    expect(message).not.toContain('names no existing table');
  });

  it('refuses a location of the wrong kind, and a webhook that is not https', () => {
    expect(
      configError(() =>
        newStack({ dataStores: { ...completeDataStores(), MediaCopies: { tableName: 'acme-media' } } }),
      ),
    ).toContain('MediaCopies is an S3 prefix: give bucketName');
    expect(
      configError(() =>
        newStack({ dataStores: { ...completeDataStores(), Accounts: { bucketName: 'acme-accounts' } } }),
      ),
    ).toContain('Accounts is a table: give tableName');
    expect(() =>
      parseDeploymentConfig({
        dataStores: { AnalyticsProvider: { url: 'http://analytics.acme.example/x' } },
      }),
    ).toThrow(/dataStores\.AnalyticsProvider\.url: must be an https:\/\/ URL/);
    expect(() =>
      parseDeploymentConfig({ dataStores: { MediaCopies: { bucketName: 'Not_A_Bucket' } } }),
    ).toThrow(/dataStores\.MediaCopies\.bucketName: must be an S3 bucket name/);
  });

  it('names exactly the tables still missing, and counts an empty name as missing', () => {
    const stores = completeDataStores();
    delete stores.BillingRecords;
    stores.Preferences = { tableName: '' };
    const message = configError(() => newStack({ dataStores: stores }));
    expect(message).toContain('for 2 of the 12 company tables: Preferences, BillingRecords.');
  });

  it('refuses a name that is not a company table, and demo tables mixed with real ones', () => {
    expect(
      configError(() =>
        newStack({ dataStores: { ...completeDataStores(), Acounts: { tableName: 'acme-typo' } } }),
      ),
    ).toMatch(/Acounts, which is not a store of the data map/);
    expect(
      configError(() =>
        newStack({ demoDataStores: true, dataStores: { Accounts: { tableName: 'x-accounts' } } }),
      ),
    ).toMatch(/never a mix/);
  });

  it('refuses another account for a table the intake writes (the WhatsApp webhook stores messages)', () => {
    const stores = completeDataStores();
    stores.WhatsAppMessages = {
      tableArn: TRANSCRIPTS_ARN.replace('ai-transcripts', 'wa-messages'),
      roleArn: TRANSCRIPTS_ROLE,
    };
    expect(configError(() => newStack({ dataStores: stores }))).toMatch(
      /WhatsAppMessages is read or written/,
    );
  });

  it('validates each location: an ARN needs the role to assume, a role needs an ARN', () => {
    expect(() =>
      parseDeploymentConfig({ dataStores: { AgentTranscripts: { tableArn: TRANSCRIPTS_ARN } } }),
    ).toThrow(/dataStores\.AgentTranscripts\.roleArn: is required with tableArn/);
    expect(() =>
      parseDeploymentConfig({ dataStores: { Accounts: { tableName: 'a', roleArn: TRANSCRIPTS_ROLE } } }),
    ).toThrow(/tableName: must be a DynamoDB table name[\s\S]*roleArn: goes with tableArn/);
    expect(
      parseDeploymentConfig({ dataStores: JSON.stringify({ Accounts: { tableName: 'acme-accounts' } }) }),
    ).toMatchObject({ dataStores: { Accounts: { tableName: 'acme-accounts' } }, demoDataStores: false });
  });
});

describe('the committed stage files', () => {
  const read = (stage: string) =>
    JSON.parse(readFileSync(path.join(import.meta.dirname, `../../config/${stage}.json`), 'utf8')) as Record<
      string,
      unknown
    >;

  it('make only dev a demo stage', () => {
    expect(read('dev').demoDataStores).toBe(true);
    expect(read('prod').demoDataStores).toBeUndefined();
  });

  it('leave prod as an example to fill: every company table and other store listed, none named, so it does not synthesize', () => {
    const prod = read('prod');
    expect(Object.keys(prod.dataStores as object).sort()).toEqual(
      [...companyTables().map((t) => t.id), ...EXTERNAL_STORES.map((store) => store.id)].sort(),
    );
    const message = configError(() =>
      newStack({ ...prod, stage: 'prod', alarmEmail: 'ops@example.com' } as DeletionServiceStackProps),
    );
    expect(message).toContain('Stage prod names no existing table for 12 of the 12 company tables');
  });
});

describe('a stage with complete dataStores', () => {
  let stack: DeletionServiceStack;
  let template: Template;
  let worker: Statement[];

  beforeAll(() => {
    stack = newStack({ dataStores: completeDataStores() });
    template = Template.fromStack(stack);
    worker = roleStatements(template, logicalIdOf(stack.functions.byKey.deletionWorker.role!));
  });

  it("imports the company's tables: it creates only the service's own and names no company table as its resource", () => {
    const created = Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table'));
    expect(created).toHaveLength(TABLES.filter((table) => table.owner === 'service').length);
    // Nothing in the template creates, changes or deletes a company table: only policies and settings name them.
    const naming = Object.values(template.toJSON().Resources as Record<string, { Type: string }>)
      .filter((found) => companyTables().some((table) => JSON.stringify(found).includes(physicalName(table))))
      .map((found) => found.Type);
    expect(new Set(naming)).toEqual(new Set(['AWS::IAM::Policy', 'AWS::Lambda::Function']));
  });

  it("grants the worker, on each mapped table's real ARN, exactly what its rules and its other steps need", () => {
    const declared = new Map(FUNCTIONS.deletionWorker.tables.map((entry) => [entry.table.id, entry]));
    for (const table of mappedTables().filter((candidate) => candidate.id !== 'AgentTranscripts')) {
      const entry = declared.get(table.id);
      // Every purge action of the table's rules is part of what the worker is granted there.
      for (const action of purgeAccess(table).actions) expect(entry?.actions).toContain(action);
      expect({ table: table.id, actions: actionsOn(worker, `table/${physicalName(table)}`) }).toEqual({
        table: table.id,
        actions: [...(entry?.actions ?? [])].map((action) => `dynamodb:${action}`).sort(),
      });
      const indexes = worker
        .flatMap(resourceNames)
        .filter((name) => name.includes(`table/${physicalName(table)}/index/`))
        .map((name) => name.split('/index/')[1]);
      expect([...new Set(indexes)].sort()).toEqual([...(entry?.indexes ?? [])].sort());
    }
    // GetItem: a correction reads the attribute before its conditional update.
    expect(actionsOn(worker, 'table/acme-accounts')).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOn(worker, 'table/acme-billingrecords')).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOn(worker, 'table/acme-supporttickets')).toEqual(['dynamodb:BatchWriteItem']);
    expect(actionsOn(worker, 'table/acme-supporttickets/index/requesterEmail')).toEqual(['dynamodb:Query']);
  });

  it('grants nothing account-wide on DynamoDB, to any function', () => {
    for (const { statement } of allPolicyStatements(template)) {
      if (!actionsOf(statement).some((action) => action.startsWith('dynamodb:'))) continue;
      for (const name of resourceNames(statement)) {
        expect(name).not.toBe('*');
        expect(name).not.toMatch(/table\/\*|table\/acme-[a-z]+\/index\/\*/);
      }
    }
  });

  it('reaches a table in another account only by assuming its role there', () => {
    expect(actionsOn(worker, TRANSCRIPTS_ROLE)).toEqual(['sts:AssumeRole']);
    expect(worker.flatMap(resourceNames).filter((name) => name.includes('ai-transcripts'))).toEqual([]);
    const environment = (
      resourcesOfType(template, 'AWS::Lambda::Function')[logicalIdOf(stack.functions.byKey.deletionWorker)]
        ?.Properties?.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(environment.TABLE_AGENT_TRANSCRIPTS).toBe(TRANSCRIPTS_ARN);
    expect(environment.TABLE_AGENT_TRANSCRIPTS_ROLE_ARN).toBe(TRANSCRIPTS_ROLE);
    expect(environment.TABLE_ACCOUNTS).toBe('acme-accounts');
  });

  it("may use the key of a table encrypted with the company's own key, and no other table's", () => {
    expect(actionsOn(worker, ACCOUNT_KEY)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']),
    );
  });
});

describe('the S3 prefixes and erasure webhooks of a stage with complete dataStores', () => {
  let stack: DeletionServiceStack;
  let template: Template;
  let worker: Statement[];
  let environment: Record<string, unknown>;
  let secretId: string;

  beforeAll(() => {
    stack = newStack({ dataStores: completeDataStores() });
    template = Template.fromStack(stack);
    worker = roleStatements(template, logicalIdOf(stack.functions.byKey.deletionWorker.role!));
    environment = (
      resourcesOfType(template, 'AWS::Lambda::Function')[logicalIdOf(stack.functions.byKey.deletionWorker)]
        ?.Properties?.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    secretId = logicalIdOf(stack.externalStores.webhooks[0]!.secret);
  });

  it('tells the worker where each one is, and which are wired', () => {
    expect(environment[EXTERNAL_STORES_ENV]).toBe('MediaCopies,AnalyticsProvider');
    expect(environment.OBJECT_PREFIX_MEDIA_COPIES_BUCKET).toBe(MEDIA_BUCKET);
    expect(environment.ERASURE_WEBHOOK_ANALYTICS_PROVIDER_URL).toBe(ANALYTICS_URL);
    expect(environment.ERASURE_WEBHOOK_ANALYTICS_PROVIDER_SECRET_ARN).toEqual({ Ref: secretId });
  });

  it("keeps each webhook's signing secret in Secrets Manager, generated, encrypted with the service's key, and outputs its name", () => {
    const secret = resourcesOfType(template, 'AWS::SecretsManager::Secret')[secretId];
    expect(secret?.Properties).toMatchObject({
      GenerateSecretString: { GenerateStringKey: 'current', SecretStringTemplate: '{}' },
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.secrets.secretsKey), 'Arn'] },
    });
    expect(template.toJSON().Outputs.AnalyticsProviderErasureWebhookSecretName.Value).toEqual({
      'Fn::Join': expect.anything(),
    });
  });

  /** Statements of every function's role but the worker's. */
  const otherFunctions = () =>
    stack.functions.keys
      .filter((key) => key !== 'deletionWorker')
      .flatMap((key) => roleStatements(template, logicalIdOf(stack.functions.byKey[key]!.role!)));

  it('lets the worker alone read the webhook secret', () => {
    const reading = worker.filter((statement) => JSON.stringify(statement.Resource).includes(secretId));
    expect(reading.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']),
    );
    expect(otherFunctions().filter((statement) => JSON.stringify(statement).includes(secretId))).toEqual([]);
  });

  it('lets the worker list the bucket only under the prefix and delete objects and versions only under it', () => {
    const onMediaBucket = (statement: Parameters<typeof actionsOf>[0]) =>
      JSON.stringify(statement.Resource).includes(MEDIA_BUCKET);
    const s3 = worker.filter(
      (statement) =>
        actionsOf(statement).some((action) => action.startsWith('s3:')) && onMediaBucket(statement),
    );
    expect(s3).toEqual([
      expect.objectContaining({
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Condition: { StringLike: { 's3:prefix': [`${MEDIA_COPIES_PREFIX.keyPrefix}*`] } },
      }),
      expect.objectContaining({ Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'] }),
    ]);
    expect(resourceNames(s3[0]!)).toEqual([`arn::s3:::${MEDIA_BUCKET}`]);
    expect(resourceNames(s3[1]!)).toEqual([`arn::s3:::${MEDIA_BUCKET}/${MEDIA_COPIES_PREFIX.keyPrefix}*`]);
    // No other function touches the bucket (the copy download reads only the exports bucket).
    expect(otherFunctions().filter(onMediaBucket)).toEqual([]);
  });
});

describe('the demo stage', () => {
  it('creates every table, company tables included', () => {
    const template = Template.fromStack(newStack({ demoDataStores: true }));
    expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::Table'))).toHaveLength(TABLES.length);
  });

  it('wires only the other stores it names (none by default), and says so to the worker', () => {
    const bare = newStack({ demoDataStores: true });
    expect(bare.externalStores.webhooks).toEqual([]);
    const bareWorker = resourcesOfType(Template.fromStack(bare), 'AWS::Lambda::Function')[
      logicalIdOf(bare.functions.byKey.deletionWorker)
    ]?.Properties?.Environment as { Variables: Record<string, unknown> };
    expect(bareWorker.Variables[EXTERNAL_STORES_ENV]).toBe('');
    const withWebhook = newStack({
      demoDataStores: true,
      dataStores: { AnalyticsProvider: { url: ANALYTICS_URL } },
    });
    expect(withWebhook.externalStores.webhooks.map((wired) => wired.store.id)).toEqual(['AnalyticsProvider']);
  });
});
