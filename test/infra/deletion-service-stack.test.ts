// infra tests: the synthesized DeletionService stack against the declarations (routes, functions, tables, queue)
// and the security rules (least privilege, encryption, TLS, no secrets in access logs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  FUNCTIONS,
  ROUTES,
  type FunctionDeclaration,
  type FunctionKey,
} from '../../functions/declarations/functions.js';
import { SERVED_CHANNELS_ENV } from '../../functions/declarations/channels.js';
import { DELETION_PIPELINE, QUEUE_URL_ENV } from '../../functions/declarations/pipeline.js';
import { EXTERNAL_STORES_ENV } from '../../functions/declarations/external-stores.js';
import {
  INTEGRATION_TOKENS_TABLE,
  META_PLATFORM_DATA_TABLE,
  TABLES,
  WHATSAPP_CONTACTS_TABLE,
  tableEnvVar,
} from '../../functions/declarations/tables.js';
import {
  RECEIPT_PUBLISHED_KEYS_ENV,
  RECEIPT_SIGNING_KEY_ENV,
} from '../../functions/declarations/receipt-keys.js';
import { secretArnEnvVar } from '../../functions/declarations/secrets.js';
import {
  INSTAGRAM_APP_ID_PARAMETER,
  META_APP_ID_PARAMETER,
  type DeletionServiceStack,
} from '../../lib/deletion-service-stack.js';
import { RUNTIME_SETTING_ENV } from '../../lib/functions-construct.js';
import { EMAIL_FROM_ADDRESS_PARAMETER } from '../../lib/notifications-construct.js';
import {
  actionsOf,
  allPolicyStatements,
  apiResourcePaths,
  buildStack,
  logicalIdOf,
  mentions,
  newStack,
  resource,
  resourcesOfType,
  roleStatements,
  type Statement,
} from './template-queries.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

let stack: DeletionServiceStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = buildStack());
});

const functionKeys = Object.keys(FUNCTIONS) as FunctionKey[];
const functionId = (key: FunctionKey) => logicalIdOf(stack.functions.function(key));
const roleId = (key: FunctionKey) => logicalIdOf(stack.functions.function(key).role!);
const functionProperties = (key: FunctionKey) => resource(template, functionId(key)).Properties ?? {};
const environmentOf = (key: FunctionKey) =>
  (functionProperties(key).Environment as { Variables: Record<string, unknown> }).Variables;
/** Whether a handler calls one of the runtime config readers (functions/runtime/config.ts) with its env. */
const handlerReads = (key: FunctionKey, configReader: string) =>
  new RegExp(`\\b${configReader}\\(env\\)`).test(
    readFileSync(path.join(REPO_ROOT, FUNCTIONS[key].entry), 'utf8'),
  );

describe('API', () => {
  it('has exactly one Lambda-proxy method per declared route, integrated with the declared function', () => {
    const paths = apiResourcePaths(template);
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(
      (method) => (method.Properties?.Integration as { Type?: string } | undefined)?.Type !== 'MOCK',
    );
    expect(methods).toHaveLength(ROUTES.length);

    for (const route of ROUTES) {
      const method = methods.find(
        (candidate) =>
          candidate.Properties?.HttpMethod === route.method &&
          paths.get((candidate.Properties?.ResourceId as { Ref: string }).Ref) === route.path,
      );
      expect(method).toBeDefined();
      const integration = method?.Properties?.Integration as {
        Type: string;
        IntegrationHttpMethod: string;
        Uri: unknown;
      };
      expect(integration.Type).toBe('AWS_PROXY');
      expect(integration.IntegrationHttpMethod).toBe('POST');
      expect(mentions(integration.Uri, logicalIdOf(stack.functions.byId(route.functionId)))).toBe(true);
    }
  });

  it('sends GET / to the request form with a 302 from a mock method (no function runs)', () => {
    const restApiId = logicalIdOf(stack.api.restApi);
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(
      (method) =>
        method.Properties?.HttpMethod === 'GET' &&
        JSON.stringify(method.Properties?.ResourceId).includes(`"${restApiId}","RootResourceId"`),
    );
    expect(methods).toHaveLength(1);
    const integration = methods[0]!.Properties?.Integration as {
      Type: string;
      IntegrationResponses: { StatusCode: string; ResponseParameters: Record<string, unknown> }[];
    };
    expect(integration.Type).toBe('MOCK');
    expect(integration.IntegrationResponses[0]?.StatusCode).toBe('302');
    expect(JSON.stringify(integration.IntegrationResponses[0]?.ResponseParameters)).toContain(
      '/delete-my-data',
    );
  });

  it('records no X-Ray trace of the stage (its URLs carry ?code= and ?token=); the functions are traced', () => {
    const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(1);
    expect(stages[0]?.Properties?.TracingEnabled ?? false).toBe(false);
  });

  it('throttles each method with the rate and burst its route declares', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'test',
      MethodSettings: Match.arrayWith(
        ROUTES.map((route) =>
          Match.objectLike({
            HttpMethod: route.method,
            ResourcePath: route.path.replaceAll('/', '~1').replace(/^/, '/'),
            ThrottlingRateLimit: route.throttle.ratePerSecond,
            ThrottlingBurstLimit: route.throttle.burst,
          }),
        ),
      ),
    });
  });

  it('writes access logs that never contain the path with its query string (the status code)', () => {
    const [stage] = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Stage'));
    const accessLog = stage?.Properties?.AccessLogSetting as { Format: string; DestinationArn: unknown };
    expect(accessLog.Format).toContain('$context.resourcePath');
    expect(accessLog.Format).not.toContain('$context.path');
    expect(accessLog.Format).not.toMatch(/querystring|requestOverride|\$input|\$request/i);
    expect(accessLog.Format).not.toContain('sourceIp');
    // The stage logs to a log group of this stack (named by its ARN, without a wildcard).
    expect(
      Object.keys(resourcesOfType(template, 'AWS::Logs::LogGroup')).some((id) =>
        mentions(accessLog.DestinationArn, id),
      ),
    ).toBe(true);
    // Execution logs would record the query string.
    expect(JSON.stringify(stage?.Properties?.MethodSettings)).not.toMatch(
      /LoggingLevel|"DataTraceEnabled":true/,
    );
  });
});

describe('functions', () => {
  it.each(functionKeys)('%s runs on nodejs24.x, arm64, with active tracing and its own log group', (key) => {
    const properties = functionProperties(key);
    expect(properties.Runtime).toBe('nodejs24.x');
    expect(properties.Architectures).toEqual(['arm64']);
    expect(properties.Timeout).toBe(FUNCTIONS[key].timeoutSeconds);
    expect(properties.MemorySize).toBe(FUNCTIONS[key].memoryMb);
    expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resource(template, logGroupId).Properties?.RetentionInDays).toEqual(expect.any(Number));
  });

  it.each(functionKeys)('%s gets exactly the environment its declaration and handler need', (key) => {
    const declaration: FunctionDeclaration = FUNCTIONS[key];
    const tables = declaration.tables.map((entry) => entry.table);
    const expected = new Set([
      // No NODE_OPTIONS: source maps are not parsed at cold start (npm run stack-trace reads them).
      'POWERTOOLS_SERVICE_NAME',
      ...Object.values(RUNTIME_SETTING_ENV),
      ...tables.map(tableEnvVar),
      ...(declaration.sendsJobs ? [QUEUE_URL_ENV] : []),
      ...declaration.secrets.map(secretArnEnvVar),
      ...(handlerReads(key, 'publicBaseUrl') ? ['PUBLIC_BASE_URL'] : []),
      ...(declaration.sendsEmail ? ['SES_FROM_ADDRESS'] : []),
      ...(declaration.usesMetaAppIds ? ['META_APP_ID', 'INSTAGRAM_APP_ID'] : []),
      ...(declaration.usesServedChannels ? [SERVED_CHANNELS_ENV] : []),
      ...(declaration.receiptKeys === 'sign' ? [RECEIPT_SIGNING_KEY_ENV] : []),
      ...(declaration.receiptKeys === 'publish' ? [RECEIPT_PUBLISHED_KEYS_ENV] : []),
      ...(declaration.exportAccess ? ['EXPORT_BUCKET_NAME', 'EXPORT_LINK_DAYS'] : []),
      // The stores outside DynamoDB this stage wired (none in this demo stage): data-stores.test.ts.
      ...(key === 'deletionWorker' ? [EXTERNAL_STORES_ENV] : []),
    ]);
    const environment = environmentOf(key);
    expect(new Set(Object.keys(environment))).toEqual(expected);
    for (const table of tables) {
      expect(environment[tableEnvVar(table)]).toEqual({ Ref: logicalIdOf(stack.data.table(table)) });
    }
    if (declaration.sendsEmail)
      expect(environment.SES_FROM_ADDRESS).toEqual({ Ref: EMAIL_FROM_ADDRESS_PARAMETER });
    if (declaration.usesMetaAppIds) {
      expect(environment.META_APP_ID).toEqual({ Ref: META_APP_ID_PARAMETER });
      expect(environment.INSTAGRAM_APP_ID).toEqual({ Ref: INSTAGRAM_APP_ID_PARAMETER });
    }
  });

  it('pins the Graph API version in every function (a runtime setting)', () => {
    for (const key of functionKeys) expect(environmentOf(key).GRAPH_API_VERSION).toBe('v27.0');
    const custom = buildStack({ graphApiVersion: 'v26.0' });
    const worker = resource(custom.template, logicalIdOf(custom.stack.functions.byKey.deletionWorker));
    expect(worker.Properties?.Environment).toMatchObject({ Variables: { GRAPH_API_VERSION: 'v26.0' } });
    expect(() => newStack({ graphApiVersion: 'latest' })).toThrow(/v27\.0/);
  });

  it('declares the Meta app ids for exactly the handlers that read them', () => {
    for (const key of functionKeys)
      expect([key, handlerReads(key, 'metaAppIds')]).toEqual([
        key,
        (FUNCTIONS[key] as FunctionDeclaration).usesMetaAppIds === true,
      ]);
  });

  it('declares email sending for exactly the handlers that read the email settings', () => {
    for (const key of functionKeys)
      expect([key, handlerReads(key, 'emailSettings')]).toEqual([key, FUNCTIONS[key].sendsEmail]);
  });

  it('declares PUBLIC_BASE_URL use for exactly the handlers that read it', () => {
    for (const key of functionKeys)
      expect([key, handlerReads(key, 'publicBaseUrl')]).toEqual([key, FUNCTIONS[key].usesPublicBaseUrl]);
  });

  it('gives the meta callback the API stage URL as PUBLIC_BASE_URL when no publicBaseUrl is set', () => {
    const value = JSON.stringify(environmentOf('metaCallbacks').PUBLIC_BASE_URL);
    expect(value).toContain(logicalIdOf(stack.api.restApi));
    expect(value).toContain('.execute-api.');
    expect(value).toContain('/test');
  });

  it('triggers the worker from the queue with the declared batch size and partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('deletionWorker') },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.queue), 'Arn'] },
      BatchSize: DELETION_PIPELINE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'))).toHaveLength(1);
  });

  it('runs the reconciler on the declared schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${DELETION_PIPELINE.reconcileEveryMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('reconciler'), 'Arn'] } })],
    });
  });
});

describe('tables', () => {
  it.each(TABLES.map((table) => [table.id, table] as const))(
    '%s is on-demand, KMS-encrypted with the table key, recoverable, retained, with its declared keys',
    (_id, declaration) => {
      const table = resource(template, logicalIdOf(stack.data.table(declaration)));
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.data.tableKey), 'Arn'] },
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        KeySchema: [
          { AttributeName: declaration.partitionKey.name, KeyType: 'HASH' },
          ...(declaration.sortKey ? [{ AttributeName: declaration.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
      });
      const ttl = table.Properties?.TimeToLiveSpecification;
      if (declaration.ttlAttribute)
        expect(ttl).toEqual({ AttributeName: declaration.ttlAttribute, Enabled: true });
      else expect(ttl).toBeUndefined();
      const indexes = (table.Properties?.GlobalSecondaryIndexes ?? []) as {
        IndexName: string;
        KeySchema: unknown;
      }[];
      expect(indexes.map((index) => index.IndexName)).toEqual(declaration.indexes.map((index) => index.name));
      for (const index of declaration.indexes) {
        expect(indexes.find((candidate) => candidate.IndexName === index.name)?.KeySchema).toEqual([
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ]);
      }
    },
  );

  it('creates no table beyond the declared ones', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::Table'))).toHaveLength(TABLES.length);
  });

  it('rotates every symmetric customer-managed key (asymmetric receipt keys rotate by generation)', () => {
    const keys = Object.values(resourcesOfType(template, 'AWS::KMS::Key'));
    const symmetric = keys.filter((key) => key.Properties?.KeySpec === undefined);
    expect(symmetric.length).toBeGreaterThan(0);
    for (const key of symmetric) expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(keys.length - symmetric.length).toBe(1);
  });
});

describe('deletion-job queue', () => {
  const queueProperties = () => resource(template, logicalIdOf(stack.pipeline.queue)).Properties ?? {};

  it('is KMS-encrypted and dead-letters a job after the declared number of receives', () => {
    expect(queueProperties()).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.queueKey), 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.deadLetterQueue), 'Arn'] },
        maxReceiveCount: DELETION_PIPELINE.maxReceiveCount,
      },
    });
    expect(resource(template, logicalIdOf(stack.pipeline.deadLetterQueue)).Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.pipeline.queueKey), 'Arn'] },
      MessageRetentionPeriod: DELETION_PIPELINE.deadLetterRetentionDays * 24 * 60 * 60,
    });
  });

  it('keeps a job invisible for at least 6× the worker timeout', () => {
    const workerTimeout = functionProperties('deletionWorker').Timeout as number;
    expect(queueProperties().VisibilityTimeout).toBe(DELETION_PIPELINE.visibilityTimeoutSeconds);
    expect(DELETION_PIPELINE.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it.each(['queue', 'deadLetterQueue'] as const)('%s denies every request not made over TLS', (which) => {
    const queueId = logicalIdOf(stack.pipeline[which]);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('IAM', () => {
  const statementsOf = (key: FunctionKey): Statement[] => roleStatements(template, roleId(key));
  const actionsOfFunction = (key: FunctionKey) => statementsOf(key).flatMap(actionsOf);

  /** Each DynamoDB grant of a function as `<table id> <action>` or `<table id>/index/<name> Query`. */
  const dynamoGrantsOf = (key: FunctionKey): string[] => {
    const grants: string[] = [];
    for (const statement of statementsOf(key)) {
      const actions = actionsOf(statement).filter((action) => action.startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const granted of resources) {
        const text = JSON.stringify(granted);
        const table = TABLES.find((candidate) => mentions(granted, logicalIdOf(stack.data.table(candidate))));
        const index = /\/index\/([^"]+)"/.exec(text)?.[1];
        for (const action of actions) {
          grants.push(
            `${table?.id ?? text}${index ? `/index/${index}` : ''} ${action.slice('dynamodb:'.length)}`,
          );
        }
      }
    }
    return grants.sort();
  };
  const declaredGrantsOf = (key: FunctionKey): string[] =>
    (FUNCTIONS[key] as FunctionDeclaration).tables
      .flatMap(({ table, actions, indexes }) => [
        ...actions.map((action) => `${table.id} ${action}`),
        ...indexes.map((index) => `${table.id}/index/${index} Query`),
      ])
      .sort();

  it.each(functionKeys)(
    '%s may call exactly the DynamoDB actions its declaration lists, on those tables and indexes',
    (key) => {
      expect(dynamoGrantsOf(key)).toEqual(declaredGrantsOf(key));
    },
  );

  it('lets no function Scan a table or query every index of one', () => {
    for (const key of functionKeys) {
      expect(dynamoGrantsOf(key).filter((grant) => / Scan$|\/index\/\*/.test(grant))).toEqual([]);
    }
  });

  it('lets the status function only get DeletionRequests items by key, and only decrypt: no copies', () => {
    expect(dynamoGrantsOf('deletionStatus')).toEqual(['DeletionRequests GetItem']);
    const services = new Set(actionsOfFunction('deletionStatus').map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'xray']);
    expect(actionsOfFunction('deletionStatus').filter((a) => a.startsWith('kms:'))).toEqual(
      expect.not.arrayContaining([
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
      ]),
    );
  });

  it('lets the copy download only get DeletionRequests items by key, read copies and delete expired ones', () => {
    expect(dynamoGrantsOf('privacyExport')).toEqual(['DeletionRequests GetItem']);
    const services = new Set(actionsOfFunction('privacyExport').map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 's3', 'xray']);
    expect(actionsOfFunction('privacyExport').filter((a) => a.startsWith('kms:'))).toEqual(
      expect.not.arrayContaining([
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
      ]),
    );
    // It serves copies of people's data and deletes expired ones; it never writes one.
    expect(
      actionsOfFunction('privacyExport')
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
  });

  it('keeps copies of people’s data in a private, KMS-encrypted, TLS-only bucket that empties itself', () => {
    const bucketId = logicalIdOf(stack.exports.bucket);
    const bucket = resource(template, bucketId).Properties as Record<string, unknown>;
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('aws:kms');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(bucket.LifecycleConfiguration)).toContain('"ExpirationInDays":7');
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).toContain('aws:SecureTransport');
    // Only the worker (build) and the copy download (serve) reach it, and only under exports/.
    const reaching = functionKeys.filter((key) => actionsOfFunction(key).some((a) => a.startsWith('s3:')));
    expect(reaching.sort()).toEqual(['deletionWorker', 'privacyExport']);
    for (const key of reaching)
      for (const statement of statementsOf(key).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:'))))
        expect(JSON.stringify(statement.Resource)).toMatch(/exports\/\*|"Fn::GetAtt":\["[^"]+","Arn"\]/);
    expect(actionsOfFunction('deletionWorker')).toContain('s3:PutObject');
  });

  it("lets the Meta callback only find and mark a user's tokens revoked: no Scan, BatchWrite or Delete", () => {
    const tokenGrants = dynamoGrantsOf('metaCallbacks').filter((grant) =>
      grant.startsWith(`${INTEGRATION_TOKENS_TABLE.id} `),
    );
    expect(tokenGrants).toEqual([
      `${INTEGRATION_TOKENS_TABLE.id} Query`,
      `${INTEGRATION_TOKENS_TABLE.id} UpdateItem`,
    ]);
  });

  it('lets the self-service form touch no WhatsApp table and read no WhatsApp token', () => {
    expect(
      dynamoGrantsOf('selfService').filter((grant) => grant.startsWith(WHATSAPP_CONTACTS_TABLE.id)),
    ).toEqual([]);
    expect(FUNCTIONS.selfService.secrets as readonly string[]).not.toContain('whatsappAccessToken');
    const tokenSecretId = logicalIdOf(stack.secrets.secret('whatsappAccessToken'));
    expect(mentions(statementsOf('selfService'), tokenSecretId)).toBe(false);
  });

  it('lets the meta callback send jobs and read its secrets, with no access to MetaPlatformData', () => {
    const statements = statementsOf('metaCallbacks');
    const queueId = logicalIdOf(stack.pipeline.queue);
    expect(
      statements.some((s) => actionsOf(s).includes('sqs:SendMessage') && mentions(s.Resource, queueId)),
    ).toBe(true);
    for (const secretName of ['metaAppSecret', 'instagramAppSecret', 'identifierPepper'] as const) {
      const secretId = logicalIdOf(stack.secrets.secret(secretName));
      expect(
        statements.some(
          (s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && mentions(s.Resource, secretId),
        ),
      ).toBe(true);
    }
    expect(mentions(statements, logicalIdOf(stack.data.table(META_PLATFORM_DATA_TABLE)))).toBe(false);
  });

  it.each(functionKeys)('%s reads exactly the secrets it declares', (key) => {
    const readable = statementsOf(key).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    for (const name of ['metaAppSecret', 'instagramAppSecret', 'identifierPepper'] as const) {
      const secretId = logicalIdOf(stack.secrets.secret(name));
      const declared = (FUNCTIONS[key].secrets as readonly string[]).includes(name);
      expect([name, readable.some((s) => mentions(s.Resource, secretId))]).toEqual([name, declared]);
    }
  });

  it.each(functionKeys)('%s sends jobs and email only if it declares so', (key) => {
    const actions = actionsOfFunction(key);
    expect(actions.includes('sqs:SendMessage')).toBe(FUNCTIONS[key].sendsJobs);
    expect(actions.some((action) => action.startsWith('ses:'))).toBe(FUNCTIONS[key].sendsEmail);
  });

  it('lets no function but the worker touch MetaPlatformData', () => {
    const metaPlatformDataId = logicalIdOf(stack.data.table(META_PLATFORM_DATA_TABLE));
    for (const key of functionKeys.filter((candidate) => candidate !== 'deletionWorker')) {
      expect(mentions(statementsOf(key), metaPlatformDataId)).toBe(false);
    }
  });

  it('lets email senders send only as the configured sender address', () => {
    for (const key of functionKeys.filter((candidate) => FUNCTIONS[candidate].sendsEmail)) {
      const sesStatements = statementsOf(key).filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      expect(sesStatements.length).toBeGreaterThan(0);
      for (const statement of sesStatements) {
        expect(actionsOf(statement)).toEqual(['ses:SendEmail']);
        expect(statement.Condition).toEqual({
          StringEquals: { 'ses:FromAddress': { Ref: EMAIL_FROM_ADDRESS_PARAMETER } },
        });
        expect(statement.Resource).not.toBe('*');
        expect(JSON.stringify(statement.Resource)).toContain(':identity/');
      }
    }
  });

  it('has no Allow statement with Action "*" or a whole-service wildcard (other than key admin by the account)', () => {
    const statements = allPolicyStatements(template).filter(({ statement }) => statement.Effect === 'Allow');
    expect(statements.length).toBeGreaterThan(0);
    for (const { type, statement } of statements) {
      for (const action of actionsOf(statement)) {
        if (action === 'kms:*' && type === 'AWS::KMS::Key') {
          // The default key policy: delegates key use to IAM in this account, nothing wider.
          expect(JSON.stringify(statement.Principal)).toMatch(/":iam::",\{"Ref":"AWS::AccountId"\},":root"/);
          continue;
        }
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it('uses Resource "*" in identity policies only for X-Ray, which has no resource-level permissions', () => {
    const identityStatements = allPolicyStatements(template).filter(({ type }) =>
      type.startsWith('AWS::IAM::'),
    );
    for (const { statement } of identityStatements.filter(({ statement }) => statement.Resource === '*')) {
      for (const action of actionsOf(statement)) expect(action).toMatch(/^xray:/);
    }
  });

  it('attaches no AWS managed policy to the function roles', () => {
    for (const key of functionKeys) {
      expect(resource(template, roleId(key)).Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('outputs', () => {
  it('gives the Meta callback URL, the status base URL and the Meta app secret name', () => {
    const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.MetaDataDeletionCallbackUrl?.Value)).toMatch(/\/meta\/data-deletion"/);
    expect(JSON.stringify(outputs.MetaDeauthorizeCallbackUrl?.Value)).toMatch(/\/meta\/deauthorize"/);
    expect(JSON.stringify(outputs.InstagramDataDeletionCallbackUrl?.Value)).toMatch(
      /\/instagram\/data-deletion"/,
    );
    expect(JSON.stringify(outputs.InstagramDeauthorizeCallbackUrl?.Value)).toMatch(
      /\/instagram\/deauthorize"/,
    );
    expect(mentions(outputs.MetaDataDeletionCallbackUrl?.Value, logicalIdOf(stack.api.restApi))).toBe(true);
    expect(JSON.stringify(outputs.StatusBaseUrl?.Value)).toMatch(/\/test\/deletion-status"/);
    expect(
      mentions(outputs.MetaAppSecretName?.Value, logicalIdOf(stack.secrets.secret('metaAppSecret'))),
    ).toBe(true);
  });
});

describe('publicBaseUrl', () => {
  it('uses a given public base URL for status links, without its trailing slash', () => {
    const custom = buildStack({ publicBaseUrl: 'https://privacy.example.com/' });
    for (const key of ['metaCallbacks', 'deletionWorker'] as const) {
      const fn = resource(custom.template, logicalIdOf(custom.stack.functions.function(key)));
      expect(fn.Properties?.Environment).toMatchObject({
        Variables: { PUBLIC_BASE_URL: 'https://privacy.example.com' },
      });
    }
    custom.template.hasOutput('StatusBaseUrl', { Value: 'https://privacy.example.com/deletion-status' });
  });

  it('refuses a public base URL that is not https', () => {
    expect(() => newStack({ publicBaseUrl: 'http://privacy.example.com' })).toThrow(/https/);
  });
});

describe('Meta app id parameters', () => {
  it('asks for numeric app ids at deploy unless the context gives defaults', () => {
    for (const id of [META_APP_ID_PARAMETER, INSTAGRAM_APP_ID_PARAMETER]) {
      const parameter = template.findParameters(id)[id];
      expect(parameter).toMatchObject({ Type: 'String', AllowedPattern: '^[0-9]{1,32}$' });
      expect(parameter?.Default).toBeUndefined();
    }
    const custom = Template.fromStack(newStack({ metaAppId: '123', instagramAppId: '456' }));
    expect(custom.findParameters(META_APP_ID_PARAMETER)[META_APP_ID_PARAMETER]?.Default).toBe('123');
    expect(custom.findParameters(INSTAGRAM_APP_ID_PARAMETER)[INSTAGRAM_APP_ID_PARAMETER]?.Default).toBe(
      '456',
    );
  });
});

describe('EmailFromAddress parameter', () => {
  it('has no default unless one is given, so a deploy cannot forget the sender', () => {
    const parameter = template.findParameters(EMAIL_FROM_ADDRESS_PARAMETER)[EMAIL_FROM_ADDRESS_PARAMETER];
    expect(parameter).toMatchObject({ Type: 'String', AllowedPattern: expect.any(String) });
    expect(parameter?.Default).toBeUndefined();
    expect(new RegExp(String(parameter?.AllowedPattern)).test('privacy@example.com')).toBe(true);
    expect(new RegExp(String(parameter?.AllowedPattern)).test('not an address')).toBe(false);
  });

  it('takes its default from the emailFromAddress context value', () => {
    const custom = newStack({ emailFromAddress: 'privacy@example.com' });
    expect(
      Template.fromStack(custom).findParameters(EMAIL_FROM_ADDRESS_PARAMETER)[EMAIL_FROM_ADDRESS_PARAMETER]
        ?.Default,
    ).toBe('privacy@example.com');
  });
});
