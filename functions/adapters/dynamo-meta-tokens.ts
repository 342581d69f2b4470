// adapters: the Meta tokens of the IntegrationTokens table, for marking them revoked after a
// deauthorize and for the revocation step. Token values are returned to the caller only.
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MetaTokenStore, StoredMetaToken } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

export function makeDynamoMetaTokenStore(client: DynamoDBDocumentClient, tableName: string): MetaTokenStore {
  async function all(owner: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  return {
    async list(owner) {
      return (await all(owner)).map((item): StoredMetaToken => ({
        tokenId: String(item.tokenId),
        ...(typeof item.pageId === 'string' ? { pageId: item.pageId } : {}),
        webhookSubscribed: item.webhookSubscribed === true,
        revoked: typeof item.revokedAt === 'string',
        ...(typeof item.accessToken === 'string' ? { accessToken: item.accessToken } : {}),
      }));
    },

    async markRevoked(owner, at) {
      let marked = 0;
      for (const item of await all(owner)) {
        if (typeof item.revokedAt === 'string') continue;
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { owner, tokenId: item.tokenId },
              UpdateExpression: 'SET revokedAt = :at',
              // Never recreate a token the purge deleted in the meantime.
              ConditionExpression: 'attribute_exists(tokenId) AND attribute_not_exists(revokedAt)',
              ExpressionAttributeValues: { ':at': at.toISOString() },
            }),
          );
          marked += 1;
        } catch (error) {
          if (!isConditionalFailure(error)) throw error;
        }
      }
      return marked;
    },
  };
}
