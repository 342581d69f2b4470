// adapters: the suppression list. Keyed hashes only; every outbound message checks it first.
import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList } from '../use-cases/ports.js';

export function makeDynamoSuppressionList(
  client: DynamoDBDocumentClient,
  tableName: string,
): SuppressionList {
  return {
    async suppress(identifierHashes, reason, at) {
      const unique = [...new Set(identifierHashes)];
      for (let i = 0; i < unique.length; i += 25) {
        let pending: Record<string, unknown>[] | undefined = unique
          .slice(i, i + 25)
          .map((identifierHash) => ({
            PutRequest: { Item: { identifierHash, reason, suppressedAt: at.toISOString() } },
          }));
        while (pending && pending.length > 0) {
          const result = await client.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
          );
          pending = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        }
      }
    },
    async isSuppressed(identifierHash) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: { identifierHash }, ConsistentRead: true }),
      );
      return result.Item !== undefined;
    },
    async reasonFor(identifierHash) {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: { identifierHash }, ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      return typeof result.Item.reason === 'string' ? result.Item.reason : 'unspecified';
    },
  };
}
