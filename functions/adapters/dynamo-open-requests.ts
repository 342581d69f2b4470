// adapters: the "one open request per subject" pointers, kept in the DeletionRequests table as
// `<prefix><subject key>` items: `SUBJECT#` for the Meta callbacks (`<platform>#<app id>#<keyed hash>`)
// and self-service (an identifier's keyed hash, per right), `OPEN#` for WhatsApp. Conditional
// single-item writes only; the key holds keyed hashes, never a raw identifier.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenRequestIndex } from '../use-cases/ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

/** The key prefixes pointers are stored under; production items use them, so they never change. */
export type OpenRequestKeyPrefix = 'SUBJECT#' | 'OPEN#';

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

export function makeDynamoOpenRequestIndex(
  client: DynamoDBDocumentClient,
  tableName: string,
  keyPrefix: OpenRequestKeyPrefix,
): OpenRequestIndex {
  const pointerKey = (subjectKey: string) => ({ pk: `${keyPrefix}${subjectKey}` });

  async function pointsTo(subjectKey: string): Promise<string | undefined> {
    const found = await client.send(
      new GetCommand({ TableName: tableName, Key: pointerKey(subjectKey), ConsistentRead: true }),
    );
    const requestId = found.Item?.requestId;
    return typeof requestId === 'string' ? requestId : undefined;
  }

  /** Where the pointer points after a conditional write lost to another one. */
  async function pointsNowTo(subjectKey: string): Promise<string> {
    const requestId = await pointsTo(subjectKey);
    if (requestId === undefined) throw new Error('Subject pointer vanished while being read');
    return requestId;
  }

  return {
    pointsTo,

    async claim(subjectKey, requestId, at, expiresAt) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...pointerKey(subjectKey),
              requestId,
              since: at.toISOString(),
              ...(expiresAt ? { expiresAt: epochSeconds(expiresAt) } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return requestId;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        return pointsNowTo(subjectKey);
      }
    },

    async reassign(subjectKey, from, to, at, expiresAt) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: pointerKey(subjectKey),
            UpdateExpression: `SET requestId = :to, since = :at${expiresAt ? ', expiresAt = :expiresAt' : ''}`,
            ConditionExpression: 'requestId = :from',
            ExpressionAttributeValues: {
              ':to': to,
              ':from': from,
              ':at': at.toISOString(),
              ...(expiresAt ? { ':expiresAt': epochSeconds(expiresAt) } : {}),
            },
          }),
        );
        return to;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        return pointsNowTo(subjectKey);
      }
    },
  };
}
