// adapters: fixed-window counters in the RateLimits table, so limits hold across Lambda instances.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../use-cases/ports.js';

export function makeDynamoRateLimiter(client: DynamoDBDocumentClient, tableName: string): RateLimiter {
  return {
    async hit(key, rule, now) {
      const windowMs = rule.windowSeconds * 1000;
      const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { bucket: `${key}#${windowStart}` },
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: {
            ':one': 1,
            ':expires': Math.floor((windowStart + windowMs) / 1000) + 3600,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(result.Attributes?.hits ?? 1) <= rule.limit;
    },
  };
}
