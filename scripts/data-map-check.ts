// scripts: what `npm run data-map -- check` verifies for one table: the table's key schema, and that every index
// the data map declares (those lookups query, and those the service itself uses) exists with the declared keys.
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableDeclaration } from '../functions/declarations/tables.js';

/** Problems of one described table against its declaration; empty when it matches. */
export function tableProblems(declaration: TableDeclaration, description: TableDescription): string[] {
  const problems: string[] = [];
  const types = new Map(
    (description.AttributeDefinitions ?? []).map((definition) => [
      definition.AttributeName ?? '',
      definition.AttributeType ?? '',
    ]),
  );
  const keyProblem = (
    where: string,
    schema: TableDescription['KeySchema'],
    partition: KeyAttribute,
    sort?: KeyAttribute,
  ) => {
    const hash = schema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((key) => key.KeyType === 'RANGE')?.AttributeName;
    const expected = `${partition.name} (${partition.type})${sort ? ` + ${sort.name} (${sort.type})` : ''}`;
    const actual = `${hash ?? '?'} (${types.get(hash ?? '') ?? '?'})${range ? ` + ${range} (${types.get(range) ?? '?'})` : ''}`;
    if (expected !== actual) problems.push(`${where} key is ${actual}, the data map says ${expected}`);
  };
  keyProblem('table', description.KeySchema, declaration.partitionKey, declaration.sortKey);
  for (const index of declaration.indexes) {
    const found = (description.GlobalSecondaryIndexes ?? []).find((gsi) => gsi.IndexName === index.name);
    if (!found) {
      problems.push(`index ${index.name} is missing`);
      continue;
    }
    keyProblem(`index ${index.name}`, found.KeySchema, index.partitionKey, index.sortKey);
  }
  return problems;
}

/** The "found by" and "rule" columns: how the data map finds and treats a subject's items. */
export function describeLookups(declaration: TableDeclaration): { found: string; rule: string } {
  if (declaration.personalData.kind === 'exempt') return { found: '—', rule: 'exempt' };
  const rules = declaration.personalData.rules;
  const found = [
    ...new Set(
      rules.flatMap((rule) =>
        rule.lookups.map((lookup) => `${lookup.identifier}${lookup.index ? ` (index ${lookup.index})` : ''}`),
      ),
    ),
  ].join(', ');
  const rule = [...new Set(rules.map((rule) => rule.action.type))].join(', ');
  return { found, rule };
}
