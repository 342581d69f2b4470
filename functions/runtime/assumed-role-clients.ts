// runtime: DynamoDB clients acting as a role in another account, for company tables that live there. Only
// the worker imports it (the STS client it brings stays out of the other bundles).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws-clients.js';

const assumedRoleClients = new Map<string, DynamoDBDocumentClient>();

/** The document client for a table: the function's own, or one acting as `roleArn` (a table in another account). */
export function dynamoDocumentClientFor(roleArn: string | undefined): DynamoDBDocumentClient {
  if (!roleArn) return dynamoDocumentClient();
  let client = assumedRoleClients.get(roleArn);
  if (!client) {
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        // Refreshed by the SDK before they expire.
        credentials: fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: 'deletion-service' },
        }),
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    assumedRoleClients.set(roleArn, client);
  }
  return client;
}
