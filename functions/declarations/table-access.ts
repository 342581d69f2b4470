// declarations: what a function may do on a table, action by action. The stack grants exactly this on the
// table's ARN (and Query on the named indexes), so a function facing the internet cannot Scan a table or
// delete from one it only reads. A test runs the flows locally and fails on any call a function makes
// that its declaration does not grant (test/integration/granted-calls.test.ts).
import type { MappedTable, TableDeclaration } from './tables.js';

/** DynamoDB actions, as IAM names them without the `dynamodb:` prefix. Scan is deliberately absent. */
export const DYNAMODB_ACTIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
] as const;
export type DynamoDbAction = (typeof DYNAMODB_ACTIONS)[number];

const READ_ACTIONS: ReadonlySet<DynamoDbAction> = new Set(['GetItem', 'BatchGetItem', 'Query']);

/** One function's access to one table: `actions` on the table itself, and Query on each of `indexes`. */
export interface TableAccess {
  readonly table: TableDeclaration;
  readonly actions: readonly DynamoDbAction[];
  readonly indexes: readonly string[];
}

export function access(
  table: TableDeclaration,
  actions: readonly DynamoDbAction[],
  indexes: readonly string[] = [],
): TableAccess {
  for (const index of indexes) {
    if (!table.indexes.some((declared) => declared.name === index)) {
      throw new Error(`${table.id} declares no index ${index}`);
    }
  }
  return { table, actions, indexes };
}

/** Whether the access changes items (so it needs to encrypt with the table's key, not only decrypt). */
export function writesItems(tableAccess: TableAccess): boolean {
  return tableAccess.actions.some((action) => !READ_ACTIONS.has(action));
}

/** What the purge needs on a mapped table, from its rules: each lookup's query, then delete or update. */
export function purgeAccess(table: MappedTable): TableAccess {
  const actions = new Set<DynamoDbAction>();
  const indexes = new Set<string>();
  for (const rule of table.personalData.rules) {
    for (const lookup of rule.lookups) {
      if (lookup.index) indexes.add(lookup.index);
      else actions.add('Query');
    }
    actions.add(rule.action.type === 'delete' ? 'BatchWriteItem' : 'UpdateItem');
  }
  return access(table, [...actions], [...indexes]);
}

/** One entry per table, the union of every access given for it. */
export function mergeAccess(...accesses: readonly TableAccess[]): TableAccess[] {
  const byTable = new Map<string, TableAccess>();
  for (const next of accesses) {
    const known = byTable.get(next.table.id);
    byTable.set(
      next.table.id,
      known
        ? access(
            next.table,
            [...new Set([...known.actions, ...next.actions])],
            [...new Set([...known.indexes, ...next.indexes])],
          )
        : next,
    );
  }
  return [...byTable.values()];
}
