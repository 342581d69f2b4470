// adapters: the "one open request per subject" pointers, kept in the DeletionRequests table as
// `SUBJECT#<platform>#<app id>#<keyed hash>` items. Conditional single-item writes only; the key
// holds a keyed hash, never a raw identifier.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenRequestIndex } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

const subjectKey = (key: string) => ({ pk: `SUBJECT#${key}` });

export function makeDynamoOpenRequestIndex(
  client: DynamoDBDocumentClient,
  tableName: string,
): OpenRequestIndex {
  async function pointsTo(key: string): Promise<string> {
    const found = await client.send(
      new GetCommand({ TableName: tableName, Key: subjectKey(key), ConsistentRead: true }),
    );
    const requestId = found.Item?.requestId;
    if (typeof requestId !== 'string') throw new Error('Subject pointer vanished while being read');
    return requestId;
  }

  return {
    async claim(key, requestId, at, expiresAt) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...subjectKey(key),
              requestId,
              since: at.toISOString(),
              expiresAt: Math.floor(expiresAt.getTime() / 1000),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return requestId;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        return pointsTo(key);
      }
    },

    async reassign(key, from, to, at, expiresAt) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subjectKey(key),
            UpdateExpression: 'SET requestId = :to, since = :at, expiresAt = :expiresAt',
            ConditionExpression: 'requestId = :from',
            ExpressionAttributeValues: {
              ':to': to,
              ':from': from,
              ':at': at.toISOString(),
              ':expiresAt': Math.floor(expiresAt.getTime() / 1000),
            },
          }),
        );
        return to;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        return pointsTo(key);
      }
    },
  };
}
