// adapters: identity resolution through the IdentityLinks table. From each identifier a request came
// with, the account it is linked to, then every identity that account links. Only links the data
// states are followed: one hop, identifier → account → identifiers, never a guess.
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubjectIdentifier } from '../core/deletion-request.js';
import { PERSONAL_IDENTIFIER_KINDS, type IdentifierKind } from '../core/identifiers.js';
import type { IdentityResolver } from '../use-cases/ports.js';

const KINDS: readonly IdentifierKind[] = PERSONAL_IDENTIFIER_KINDS;

export function identityKey(identifier: SubjectIdentifier): string {
  return `${identifier.kind}#${identifier.value}`;
}

function parseIdentity(identity: string): SubjectIdentifier | undefined {
  const separator = identity.indexOf('#');
  const kind = identity.slice(0, separator) as IdentifierKind;
  return separator > 0 && KINDS.includes(kind) ? { kind, value: identity.slice(separator + 1) } : undefined;
}

export function makeDynamoIdentityResolver(
  client: DynamoDBDocumentClient,
  tableName: string,
): IdentityResolver {
  return {
    async resolve(subject) {
      const found = new Map<string, SubjectIdentifier>(
        subject.map((identifier) => [identityKey(identifier), identifier]),
      );
      const accountIds = new Set(
        subject.filter((identifier) => identifier.kind === 'account_id').map((i) => i.value),
      );

      const lookups = subject.filter((identifier) => identifier.kind !== 'account_id');
      for (let i = 0; i < lookups.length; i += 100) {
        const keys = lookups.slice(i, i + 100).map((identifier) => ({ identity: identityKey(identifier) }));
        let pending: Record<string, unknown>[] | undefined = keys;
        while (pending && pending.length > 0) {
          const result = await client.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of result.Responses?.[tableName] ?? []) {
            if (typeof item.accountId === 'string') accountIds.add(item.accountId);
          }
          pending = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
        }
      }

      for (const accountId of accountIds) {
        found.set(`account_id#${accountId}`, { kind: 'account_id', value: accountId });
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'accountId',
              KeyConditionExpression: 'accountId = :account',
              ExpressionAttributeValues: { ':account': accountId },
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) {
            const identifier = typeof item.identity === 'string' ? parseIdentity(item.identity) : undefined;
            if (identifier) found.set(identityKey(identifier), identifier);
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
      return [...found.values()];
    },
  };
}
