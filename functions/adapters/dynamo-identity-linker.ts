// adapters: identity links written when WhatsApp reports a changed number or BSUID. The new
// identifier joins the account (or link group) of the known one, so a later deletion request under
// either reaches the data held under both; a changed number's old number leaves the account.
import { randomBytes } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
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

  /** The account of the first of `identities` that is linked, in the order given. */
  async function accountOf(identities: readonly string[]): Promise<string | undefined> {
    const found = await client.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: { Keys: identities.map((identity) => ({ identity })), ConsistentRead: true },
        },
      }),
    );
    const accounts = new Map(
      (found.Responses?.[tableName] ?? [])
        .filter((item) => typeof item.accountId === 'string')
        .map((item) => [String(item.identity), String(item.accountId)]),
    );
    return identities.map((identity) => accounts.get(identity)).find((id) => id !== undefined);
  }

  const newGroup = () => `wa_link_${randomBytes(12).toString('base64url')}`;
  const key = (identifier: { kind: string; value: string }) => `${identifier.kind}#${identifier.value}`;

  return {
    async link(known, added) {
      const identities = known.map(key);
      const accountId = (await accountOf(identities)) ?? newGroup();
      for (const identity of identities) await putIfAbsent(identity, accountId);
      await putIfAbsent(key(added), accountId);
    },

    async changeNumber(known, oldPhone, newPhone) {
      const oldIdentity = key({ kind: 'whatsapp_phone', value: oldPhone });
      const newIdentity = key({ kind: 'whatsapp_phone', value: newPhone });
      const others = known.map(key).filter((identity) => identity !== oldIdentity);
      // The new number first: a retry after the old number left still finds the account.
      const accountId = (await accountOf([newIdentity, oldIdentity, ...others])) ?? newGroup();
      for (const identity of others) await putIfAbsent(identity, accountId);
      await putIfAbsent(newIdentity, accountId);
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { identity: oldIdentity },
            // Only its link to this account: a number already linked elsewhere is not ours to change.
            ConditionExpression: 'accountId = :account',
            ExpressionAttributeValues: { ':account': accountId },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },
  };
}
