// adapters: reads a subject's items for one step of the plan, a page at a time, without changing
// anything (a copy of the data). The same key or index query the purge uses.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PurgeStep } from '../core/purge-plan.js';
import type { MappedTable } from '../declarations/tables.js';
import type { SubjectReader } from '../use-cases/rights-ports.js';

export function makeDynamoSubjectReader(
  /** A company table in another account is read through its role there. */
  clientFor: (table: MappedTable) => DynamoDBDocumentClient,
  tableName: (table: MappedTable) => string,
): SubjectReader {
  return {
    async readPage(step: PurgeStep, startKey, limit) {
      const page = await clientFor(step.table).send(
        new QueryCommand({
          TableName: tableName(step.table),
          ...(step.lookup.index ? { IndexName: step.lookup.index } : { ConsistentRead: true }),
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': step.lookup.keyAttribute },
          ExpressionAttributeValues: { ':v': `${step.lookup.keyPrefix ?? ''}${step.value}` },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          Limit: limit,
        }),
      );
      return {
        records: (page.Items ?? []) as Record<string, unknown>[],
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
  };
}
