// local: which function made each DynamoDB call, with its action, table and index. In AWS every function
// has its own role, and a call its role does not grant fails there, never here: locally all handlers
// share one process and one client. So the running function's id travels in AsyncLocalStorage, a client
// middleware records each call, and a test holds the calls against each function's declared grants.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbCall {
  /** The declared function (FUNCTIONS[*].id) whose handler made the call, or `unknown`. */
  readonly functionId: string;
  /** The IAM action without its prefix: `GetItem`, `Query`, `BatchWriteItem`, … */
  readonly action: string;
  readonly tableName: string;
  readonly indexName?: string;
}

const runningFunction = new AsyncLocalStorage<string>();

/** Runs `work` as the function `functionId`: every DynamoDB call it makes is recorded under that id. */
export function asFunction<T>(functionId: string, work: () => T): T {
  return runningFunction.run(functionId, work);
}

export interface DynamoDbCallRecorder {
  /** Every distinct call recorded so far. */
  calls(): DynamoDbCall[];
}

/** Records the calls sent through `client` (the functions' shared document client). */
export function recordDynamoDbCalls(client: DynamoDBDocumentClient): DynamoDbCallRecorder {
  const recorded = new Map<string, DynamoDbCall>();
  const record = (call: DynamoDbCall) =>
    recorded.set(`${call.functionId} ${call.action} ${call.tableName} ${call.indexName ?? ''}`, call);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const functionId = runningFunction.getStore() ?? 'unknown';
      const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = args.input as {
        TableName?: string;
        IndexName?: string;
        RequestItems?: Record<string, unknown>;
      };
      if (input.TableName) {
        record({
          functionId,
          action,
          tableName: input.TableName,
          ...(input.IndexName ? { indexName: input.IndexName } : {}),
        });
      }
      for (const tableName of Object.keys(input.RequestItems ?? {}))
        record({ functionId, action, tableName });
      return next(args);
    },
    { step: 'initialize', name: 'recordDynamoDbCalls', override: true },
  );
  return { calls: () => [...recorded.values()] };
}
