// infra tests: the receipt signing keys. Asymmetric P-256 keys kept when the stack drops them; the worker
// may only kms:Sign, and only with the current key; only the JWKS function reads public keys, of every
// published generation; nobody else can use a receipt key at all.
import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeletionServiceStack } from '../../lib/deletion-service-stack.js';
import { FUNCTIONS, type FunctionKey } from '../../functions/declarations/functions.js';
import {
  RECEIPT_PUBLISHED_KEYS_ENV,
  RECEIPT_SIGNING_KEY_ENV,
} from '../../functions/declarations/receipt-keys.js';
import {
  actionsOf,
  allPolicyStatements,
  logicalIdOf,
  mentions,
  resource,
  roleStatements,
  CDK_JSON_CONTEXT,
} from './template-queries.js';

const functionKeys = Object.keys(FUNCTIONS) as FunctionKey[];

function buildStack(props: { receiptKeyGenerations: string[] }) {
  const stack = new DeletionServiceStack(new App({ context: CDK_JSON_CONTEXT }), 'DeletionService-test', {
    stage: 'test',
    demoDataStores: true,
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('receipt keys', () => {
  const { stack, template } = buildStack({ receiptKeyGenerations: ['2', '1'] });
  const [current, previous] = stack.receiptKeys.published.map((key) => logicalIdOf(key)) as [string, string];
  const roleId = (key: FunctionKey) => logicalIdOf(stack.functions.function(key).role!);
  const environmentOf = (key: FunctionKey) =>
    (
      resource(template, logicalIdOf(stack.functions.function(key))).Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

  it('are ECC_NIST_P256 SIGN_VERIFY keys, one per generation, retained when removed from the stack', () => {
    for (const id of [current, previous]) {
      const key = resource(template, id);
      expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('let the worker do nothing with a receipt key but kms:Sign, and only with the current one', () => {
    const statements = roleStatements(template, roleId('deletionWorker'));
    const onReceiptKeys = statements.filter(
      (statement) => mentions(statement.Resource, current) || mentions(statement.Resource, previous),
    );
    expect(onReceiptKeys).toHaveLength(1);
    expect(actionsOf(onReceiptKeys[0]!)).toEqual(['kms:Sign']);
    expect(mentions(onReceiptKeys[0]!.Resource, current)).toBe(true);
    expect(mentions(onReceiptKeys[0]!.Resource, previous)).toBe(false);
    // kms:Sign appears nowhere else in the worker's policies (not on a wildcard either).
    const signing = statements.filter((statement) =>
      actionsOf(statement).some((a) => /^kms:(Sign|\*)/.test(a)),
    );
    expect(signing).toEqual(onReceiptKeys);
    expect(environmentOf('deletionWorker')[RECEIPT_SIGNING_KEY_ENV]).toEqual({ Ref: current });
  });

  it('let the JWKS function only read the public keys of every published generation', () => {
    const statements = roleStatements(template, roleId('receiptKeys'));
    const kms = statements.filter((statement) => actionsOf(statement).some((a) => a.startsWith('kms:')));
    expect([...new Set(kms.flatMap(actionsOf))]).toEqual(['kms:GetPublicKey']);
    expect(kms.some((statement) => mentions(statement.Resource, current))).toBe(true);
    expect(kms.some((statement) => mentions(statement.Resource, previous))).toBe(true);
    const services = new Set(statements.flatMap(actionsOf).map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['kms', 'logs', 'xray']);
    expect(JSON.stringify(environmentOf('receiptKeys')[RECEIPT_PUBLISHED_KEYS_ENV])).toEqual(
      JSON.stringify({ 'Fn::Join': [',', [{ Ref: current }, { Ref: previous }]] }),
    );
  });

  it('give no other function any access to a receipt key', () => {
    for (const key of functionKeys.filter((k) => k !== 'deletionWorker' && k !== 'receiptKeys')) {
      for (const statement of roleStatements(template, roleId(key))) {
        expect(mentions(statement.Resource, current) || mentions(statement.Resource, previous)).toBe(false);
      }
    }
  });

  it('allow in their key policies only administration by the account, signing by the worker and reading by the JWKS', () => {
    for (const id of [current, previous]) {
      const policy = resource(template, id).Properties?.KeyPolicy as {
        Statement: { Sid: string; Action: string | string[]; Principal: unknown }[];
      };
      const uses = policy.Statement.filter((statement) => statement.Sid !== 'KeyAdministration');
      const expected =
        id === current
          ? [
              ['AllowSignByTheWorker', 'kms:Sign', roleId('deletionWorker')],
              ['AllowPublicKeyForTheJwks', 'kms:GetPublicKey', roleId('receiptKeys')],
            ]
          : [['AllowPublicKeyForTheJwks', 'kms:GetPublicKey', roleId('receiptKeys')]];
      expect(
        uses.map((statement) => [
          statement.Sid,
          statement.Action,
          expected.find(([sid]) => sid === statement.Sid)?.[2] &&
          mentions(statement.Principal, expected.find(([sid]) => sid === statement.Sid)![2]!)
            ? expected.find(([sid]) => sid === statement.Sid)![2]
            : 'someone else',
        ]),
      ).toEqual(expected);
      const administration = policy.Statement.find((statement) => statement.Sid === 'KeyAdministration');
      const adminActions = Array.isArray(administration?.Action) ? administration.Action : [];
      expect(adminActions).not.toContain('kms:Sign');
      expect(adminActions).not.toContain('kms:GetPublicKey');
    }
  });

  it('keep a signing permission out of every other policy of the stack', () => {
    for (const { statement } of allPolicyStatements(template)) {
      if (actionsOf(statement).includes('kms:Sign')) {
        expect(mentions(statement.Principal ?? statement.Resource, current)).toBe(!statement.Principal);
      }
    }
  });
});
