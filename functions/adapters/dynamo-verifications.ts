// adapters: the Verifications table. One item per verification link, keyed by the token's hash; the
// token itself is never stored. Using a link is a conditional write, so it works once; reading its
// state changes nothing. When the request ends, the item shrinks to a spent marker until it expires.
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { VerificationStore } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

export function makeDynamoVerificationStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): VerificationStore {
  return {
    async save(verification) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              tokenHash: verification.tokenHash,
              requestId: verification.requestId,
              createdAt: verification.createdAt.toISOString(),
              validUntil: verification.validUntil.getTime(),
              // Kept a little past its validity, so a late click is told it expired rather than unknown.
              expiresAt: Math.floor(verification.validUntil.getTime() / 1000) + 7 * 86400,
              attempts: 0,
              ...(verification.purpose ? { purpose: verification.purpose } : {}),
            },
            ConditionExpression: 'attribute_not_exists(tokenHash)',
          }),
        );
      } catch (error) {
        // The same link sent again: its record (and its use, if it was used) stands.
        if (!isConditionalFailure(error)) throw error;
      }
    },

    async inspect(tokenHash, now) {
      const found = await client.send(
        new GetCommand({ TableName: tableName, Key: { tokenHash }, ConsistentRead: true }),
      );
      const item = found.Item;
      if (!item) return { state: 'unknown' };
      if (typeof item.statusCode === 'string') return { state: 'used', statusCode: item.statusCode };
      if (item.usedAt) return { state: 'used', requestId: String(item.requestId) };
      if (Number(item.validUntil) <= now.getTime()) return { state: 'expired' };
      return { state: 'valid', requestId: String(item.requestId) };
    },

    async consume(tokenHash, now) {
      try {
        const result = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { tokenHash },
            UpdateExpression: 'SET usedAt = :now ADD attempts :one',
            ConditionExpression:
              'attribute_exists(tokenHash) AND attribute_not_exists(usedAt) AND validUntil > :nowMs',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':nowMs': now.getTime(), ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return {
          ok: true,
          requestId: String(result.Attributes?.requestId),
          ...(result.Attributes?.purpose === 'new_address' ? { purpose: 'new_address' as const } : {}),
        };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const found = await client.send(
        new GetCommand({ TableName: tableName, Key: { tokenHash }, ConsistentRead: true }),
      );
      if (!found.Item) return { ok: false, reason: 'unknown' };
      if (typeof found.Item.statusCode === 'string') return { ok: false, reason: 'used' };
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { tokenHash },
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(tokenHash)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      return { ok: false, reason: found.Item.usedAt ? 'used' : 'expired' };
    },

    async forgetRequest(requestId, statusCode) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'requestId',
          KeyConditionExpression: 'requestId = :id',
          ExpressionAttributeValues: { ':id': requestId },
        }),
      );
      const items = result.Items ?? [];
      // The marker keeps no request id, no times of use and no attempts: only where the link leads.
      const markers = items.map((item) => ({
        PutRequest: {
          Item: {
            tokenHash: String(item.tokenHash),
            statusCode,
            usedAt: true,
            expiresAt: Number(item.expiresAt),
          },
        },
      }));
      for (let i = 0; i < markers.length; i += 25) {
        await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: markers.slice(i, i + 25) } }));
      }
      return markers.length;
    },
  };
}
