// adapters: what the other rights write in DynamoDB. The consent preference (where the platform
// reads it), and a correction of one declared attribute of an account, applied with a conditional
// update so a change made meanwhile is never overwritten blindly.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CONSENT_PREFERENCES, type CorrectableAttributeDeclaration } from '../declarations/rights.js';
import type { TableDeclaration } from '../declarations/tables.js';
import type {
  AttributeCorrector,
  ConsentPreferenceStore,
  CorrectionOutcome,
} from '../use-cases/rights-ports.js';
import { isConditionalFailure } from './dynamo-errors.js';

type TableNames = (table: TableDeclaration) => string;
/** The client for a table: a company table in another account is reached through its role there. */
type TableClients = (table: TableDeclaration) => DynamoDBDocumentClient;

export function makeDynamoConsentPreferences(
  clientFor: TableClients,
  tableName: TableNames,
): ConsentPreferenceStore {
  return {
    async recordWithdrawal(accountId, activity, at) {
      await clientFor(CONSENT_PREFERENCES.table).send(
        new PutCommand({
          TableName: tableName(CONSENT_PREFERENCES.table),
          Item: {
            [CONSENT_PREFERENCES.partitionKey]: accountId,
            [CONSENT_PREFERENCES.sortKey]: CONSENT_PREFERENCES.preference(activity),
            value: 'withdrawn',
            updatedAt: at.toISOString(),
          },
        }),
      );
    },
  };
}

/** Tries a conditional correction a few times: another writer may change the item in between. */
const ATTEMPTS = 3;

export function makeDynamoAttributeCorrector(
  clientFor: TableClients,
  tableName: TableNames,
  identityLinks: TableDeclaration,
): AttributeCorrector {
  const identityLinksTable = tableName(identityLinks);
  return {
    async correct(
      declaration: CorrectableAttributeDeclaration,
      accountId,
      value,
    ): Promise<CorrectionOutcome> {
      const key = { [declaration.table.partitionKey.name]: accountId };
      const client = clientFor(declaration.table);
      for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
        const found = await client.send(
          new GetCommand({ TableName: tableName(declaration.table), Key: key, ConsistentRead: true }),
        );
        if (!found.Item) return { outcome: 'not_found' };
        const current = found.Item[declaration.attribute] as unknown;
        if (current === value) return { outcome: 'unchanged' };
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName(declaration.table),
              Key: key,
              UpdateExpression: 'SET #a = :new',
              ConditionExpression:
                current === undefined
                  ? 'attribute_exists(#pk) AND attribute_not_exists(#a)'
                  : 'attribute_exists(#pk) AND #a = :old',
              ExpressionAttributeNames: {
                '#a': declaration.attribute,
                '#pk': declaration.table.partitionKey.name,
              },
              ExpressionAttributeValues: {
                ':new': value,
                ...(current === undefined ? {} : { ':old': current }),
              },
            }),
          );
          return { outcome: 'changed', previous: typeof current === 'string' ? current : undefined };
        } catch (error) {
          if (!isConditionalFailure(error)) throw error;
        }
      }
      throw new Error('The attribute kept changing while it was being corrected');
    },

    async relinkEmail(accountId, from, to) {
      // The new address finds the account (a later request by it reaches everything); the old one no longer does.
      const client = clientFor(identityLinks);
      await client.send(
        new PutCommand({
          TableName: identityLinksTable,
          Item: { identity: `email#${to}`, accountId },
        }),
      );
      if (!from || from === to) return;
      try {
        // Only this account's link: an address another account links is not ours to remove.
        await client.send(
          new DeleteCommand({
            TableName: identityLinksTable,
            Key: { identity: `email#${from}` },
            ConditionExpression: '#account = :account',
            ExpressionAttributeNames: { '#account': 'accountId' },
            ExpressionAttributeValues: { ':account': accountId },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    },
  };
}
