// adapters: identity links written when WhatsApp reports a changed number or BSUID. The new
// identifier joins the account (or link group) of the known one, so a later deletion request under
// either reaches the data held under both.
import { randomBytes } from 'node:crypto';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdentityLinker } from '../use-cases/whatsapp-ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

export function makeDynamoIdentityLinker(client: DynamoDBDocumentClient, tableName: string): IdentityLinker {
  async function putIfAbsent(identity: string, accountId: string): Promise<void> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { identity, accountId },
          ConditionExpression: 'attribute_not_exists(#identity)',
          ExpressionAttributeNames: { '#identity': 'identity' },
        }),
      );
    } catch (error) {
      // Already linked: an identifier belongs to one account; the existing link stands.
      if (!isConditionalFailure(error)) throw error;
    }
  }

  return {
    async link(known, added) {
      const identities = known.map((identifier) => `${identifier.kind}#${identifier.value}`);
      const found = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: identities.map((identity) => ({ identity })), ConsistentRead: true },
          },
        }),
      );
      const existing = (found.Responses?.[tableName] ?? []).find(
        (item) => typeof item.accountId === 'string',
      );
      const accountId = existing
        ? String(existing.accountId)
        : `wa_link_${randomBytes(12).toString('base64url')}`;
      for (const identity of identities) await putIfAbsent(identity, accountId);
      await putIfAbsent(`${added.kind}#${added.value}`, accountId);
    },
  };
}
