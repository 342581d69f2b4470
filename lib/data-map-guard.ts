// infra: the data-map guard. Synthesis fails when the stack holds a DynamoDB table that is not one of the
// declared TABLES with a personal-data rule ('mapped') or a stated exemption ('exempt' with a reason).
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import {
  TABLES,
  type PurgeRule,
  type SubjectLookup,
  type TableDeclaration,
} from '../functions/declarations/tables.js';

const DYNAMODB_TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

/** The declaration each table resource was created from; tables created any other way are missing here. */
const declarationOfTable = new WeakMap<IConstruct, TableDeclaration>();

/** Records that `table` was created from `declaration` (called by the data construct only). */
export function registerDeclaredTable(table: Table, declaration: TableDeclaration): void {
  if (!table.node.defaultChild) throw new Error(`Table ${table.node.path} has no CloudFormation resource`);
  declarationOfTable.set(table.node.defaultChild, declaration);
}

/** Makes synthesis of `stack` fail for every table outside the data map. */
export function requireDeclaredTables(stack: Stack): void {
  stack.node.addValidation({ validate: () => dataMapViolations(stack) });
}

/** One message per DynamoDB table under `scope` that breaks the data map; empty when all is well. */
export function dataMapViolations(scope: IConstruct): string[] {
  const violations: string[] = [];
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node) || !DYNAMODB_TABLE_TYPES.has(node.cfnResourceType)) continue;
    const declaration = declarationOfTable.get(node);
    if (!declaration) {
      violations.push(
        `${node.node.path}: DynamoDB table is not in the data map. Declare it in functions/declarations/tables.ts ` +
          `with a personal-data rule ('mapped') or an exemption ('exempt' with a reason), and create it through DataConstruct.`,
      );
      continue;
    }
    if (!TABLES.includes(declaration)) {
      violations.push(`${node.node.path}: table ${declaration.id} is not one of the declared TABLES.`);
    }
    violations.push(
      ...ruleProblems(declaration).map((problem) => `${node.node.path}: table ${declaration.id} ${problem}`),
    );
  }
  return violations;
}

function ruleProblems(declaration: TableDeclaration): string[] {
  const personalData = declaration.personalData;
  switch (personalData.kind) {
    case 'exempt':
      return personalData.reason.trim() === '' ? ['is exempt from the data map without a reason.'] : [];
    case 'mapped':
      if (personalData.rules.length === 0) return ['is mapped without any purge rule.'];
      return personalData.rules.flatMap((rule) => purgeRuleProblems(declaration, rule));
    default:
      // Unreachable for well-typed declarations; guards against casts and plain JavaScript.
      return ["has neither a 'mapped' personal-data rule nor an 'exempt' reason."];
  }
}

function purgeRuleProblems(declaration: TableDeclaration, rule: PurgeRule): string[] {
  const problems: string[] = [];
  const categories = rule.categories.join(', ') || '(none)';
  if (rule.categories.length === 0) problems.push('has a purge rule that names no data category.');
  if (rule.lookups.length === 0)
    problems.push(`has no way to find a subject's items for ${categories} (no lookups).`);
  for (const lookup of rule.lookups) problems.push(...lookupProblems(declaration, lookup));
  // Retained records must expire: the worker stamps the rule's attribute, DynamoDB expires the table's.
  if (rule.action.type === 'retain' && rule.action.ttlAttribute !== declaration.ttlAttribute) {
    problems.push(
      `retains ${categories} until ${rule.action.ttlAttribute}, which is not the table's TTL attribute ` +
        `(${declaration.ttlAttribute ?? 'none'}), so the records would never expire.`,
    );
  }
  return problems;
}

/** A lookup must query by the partition key of the table or of the index it names, or the worker finds nothing. */
function lookupProblems(declaration: TableDeclaration, lookup: SubjectLookup): string[] {
  if (lookup.index === undefined) {
    return declaration.partitionKey.name === lookup.keyAttribute
      ? []
      : [
          `looks subjects up by ${lookup.keyAttribute}, which is not its partition key (${declaration.partitionKey.name}).`,
        ];
  }
  const index = declaration.indexes.find((candidate) => candidate.name === lookup.index);
  if (!index) return [`looks subjects up in index ${lookup.index}, which it does not declare.`];
  return index.partitionKey.name === lookup.keyAttribute
    ? []
    : [
        `looks subjects up by ${lookup.keyAttribute}, which is not the partition key of index ${lookup.index}.`,
      ];
}
