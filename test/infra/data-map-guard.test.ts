// infra tests: synthesis fails for any DynamoDB table outside the data map (principle 5: the data map is code).
import { describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DataConstruct } from '../../lib/data-construct.js';
import { dataMapViolations, requireDeclaredTables } from '../../lib/data-map-guard.js';
import type { TableDeclaration } from '../../functions/declarations/tables.js';
import { newStack } from './template-queries.js';

function guardedStack(): Stack {
  const stack = new Stack(new App(), 'Guarded');
  requireDeclaredTables(stack);
  return stack;
}

const synth = (stack: Stack) => () => (stack.node.root as App).synth();

const scratchTable = (personalData: TableDeclaration['personalData']): TableDeclaration => ({
  id: 'Scratch',
  owner: 'service',
  description: 'A table that is not in TABLES.',
  partitionKey: { name: 'pk', type: 'S' },
  indexes: [],
  personalData,
});

describe('data-map guard', () => {
  it('lets the declared tables synthesize', () => {
    const stack = guardedStack();
    new DataConstruct(stack, 'Data');
    expect(dataMapViolations(stack)).toEqual([]);
    expect(synth(stack)).not.toThrow();
  });

  it('fails synthesis of the service stack when a table is created outside the data map', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'StrayTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    expect(synth(stack)).toThrow(/StrayTable.*not in the data map/s);
  });

  it('fails for a low-level CfnTable too', () => {
    const stack = guardedStack();
    new dynamodb.CfnTable(stack, 'RawTable', {
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    expect(synth(stack)).toThrow(/RawTable.*not in the data map/s);
  });

  it('fails for a table declared outside TABLES, even with an exemption', () => {
    const stack = guardedStack();
    new DataConstruct(stack, 'Data', { tables: [scratchTable({ kind: 'exempt', reason: 'Scratch data.' })] });
    expect(dataMapViolations(stack)).toEqual([
      expect.stringMatching(/Scratch is not one of the declared TABLES/),
    ]);
  });

  it('rejects an exemption without a reason, an unfindable subject and a retention that never expires', () => {
    const stack = guardedStack();
    new DataConstruct(stack, 'Exempt', { tables: [scratchTable({ kind: 'exempt', reason: ' ' })] });
    new DataConstruct(stack, 'Mapped', {
      tables: [
        scratchTable({
          kind: 'mapped',
          rules: [
            {
              categories: ['meta_pages'],
              lookups: [{ identifier: 'facebook_asid', keyAttribute: 'subject' }],
              action: { type: 'delete' },
            },
            {
              categories: ['billing_records'],
              lookups: [{ identifier: 'account_id', index: 'byAccount', keyAttribute: 'accountId' }],
              action: {
                type: 'retain',
                reasonCode: 'tax_and_accounting',
                legalBasis: 'Statutory bookkeeping.',
                retentionDays: 3653,
                remove: ['customerName'],
                ttlAttribute: 'retainUntil',
              },
            },
          ],
        }),
      ],
    });
    expect(dataMapViolations(stack)).toEqual([
      expect.stringMatching(/Exempt\/Scratch.*not one of the declared TABLES/),
      expect.stringMatching(/Exempt\/Scratch.*exempt from the data map without a reason/),
      expect.stringMatching(/Mapped\/Scratch.*not one of the declared TABLES/),
      expect.stringMatching(/Mapped\/Scratch.*subject, which is not its partition key/),
      expect.stringMatching(/Mapped\/Scratch.*index byAccount, which it does not declare/),
      expect.stringMatching(/Mapped\/Scratch.*retainUntil, which is not the table's TTL attribute/),
    ]);
  });
});
