// test support (infra): builds the stack under test and reads IAM statements, routes and resources from its template.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DeletionServiceStack, type DeletionServiceStackProps } from '../../lib/deletion-service-stack.js';
import { companyTables } from '../../functions/declarations/tables.js';
import { EXTERNAL_STORES } from '../../functions/declarations/external-stores.js';

export interface StackUnderTest {
  readonly stack: DeletionServiceStack;
  readonly template: Template;
}

// The context `cdk synth` gets from cdk.json (feature flags included), so tests synthesize the same
// template, without asset bundling: these tests read the template, not the functions' code (esbuild for
// every function on every synth made the infra suite the slowest part of `npm test`; `npm run synth`
// still bundles everything).
export const CDK_JSON_CONTEXT = {
  ...(
    JSON.parse(readFileSync(path.join(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    }
  ).context,
  'aws:cdk:bundling-stacks': [],
};

/** The service stack in a fresh app, not yet synthesized (tests may still add to it). */
export function newStack(props: Partial<DeletionServiceStackProps> = {}): DeletionServiceStack {
  const app = new App({ context: CDK_JSON_CONTEXT });
  return new DeletionServiceStack(app, 'DeletionService-test', {
    stage: 'test',
    demoDataStores: true,
    ...props,
  });
}

export function buildStack(props: Partial<DeletionServiceStackProps> = {}): StackUnderTest {
  const stack = newStack(props);
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource (the construct itself when it is one). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function resource(template: Template, logicalId: string): Resource {
  const found = (template.toJSON() as { Resources: Record<string, Resource> }).Resources[logicalId];
  if (!found) throw new Error(`No resource ${logicalId} in the template`);
  return found;
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

interface PolicyDocument {
  readonly Statement: Statement[];
}

/**
 * Every identity-policy statement attached to a role: inline policies, AWS::IAM::Policy resources, and managed
 * policies in the template (where CDK moves statements when a role's inline policy grows too large).
 */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = resource(template, roleLogicalId);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attachedToRole = (policy: Resource) =>
    ((policy.Properties?.Roles ?? []) as unknown[]).some(
      (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId }),
    );
  const attached = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
    .flatMap((type) => Object.values(resourcesOfType(template, type)))
    .filter(attachedToRole)
    .flatMap((policy) => (policy.Properties?.PolicyDocument as PolicyDocument).Statement);
  return [...inline, ...attached];
}

/** Every policy statement in the template: identity policies, queue policies, key policies. */
export function allPolicyStatements(
  template: Template,
): { readonly type: string; readonly statement: Statement }[] {
  const documents: { type: string; document: PolicyDocument }[] = [];
  for (const [type, property] of [
    ['AWS::IAM::Policy', 'PolicyDocument'],
    ['AWS::IAM::ManagedPolicy', 'PolicyDocument'],
    ['AWS::SQS::QueuePolicy', 'PolicyDocument'],
    ['AWS::KMS::Key', 'KeyPolicy'],
  ] as const) {
    for (const found of Object.values(resourcesOfType(template, type))) {
      documents.push({ type, document: found.Properties?.[property] as PolicyDocument });
    }
  }
  for (const role of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) {
    for (const policy of (role.Properties?.Policies ?? []) as { PolicyDocument: PolicyDocument }[]) {
      documents.push({ type: 'AWS::IAM::Role', document: policy.PolicyDocument });
    }
  }
  return documents.flatMap(({ type, document }) =>
    document.Statement.map((statement) => ({ type, statement })),
  );
}

/** Full path ('/meta/data-deletion') of every API Gateway resource, by logical id. */
export function apiResourcePaths(template: Template): Map<string, string> {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (logicalId: string): string => {
    const known = paths.get(logicalId);
    if (known !== undefined) return known;
    const properties = resources[logicalId]?.Properties ?? {};
    const parent = properties.ParentId as { Ref?: string };
    const parentPath = parent.Ref ? pathOf(parent.Ref) : '';
    const full = `${parentPath}/${String(properties.PathPart)}`;
    paths.set(logicalId, full);
    return full;
  };
  for (const logicalId of Object.keys(resources)) pathOf(logicalId);
  return paths;
}

export function mentions(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value ?? null).includes(`"${logicalId}"`);
}

/** Every store of the data map named, as an adopter fills config/<stage>.json (docs/data-stores.md). */
export function namedDataStores(): Record<string, Record<string, string>> {
  const stores: Record<string, Record<string, string>> = {};
  for (const table of companyTables()) stores[table.id] = { tableName: `acme-${table.id.toLowerCase()}` };
  for (const store of EXTERNAL_STORES) {
    stores[store.id] =
      store.kind === 'object_prefix'
        ? { bucketName: `acme-${store.id.toLowerCase()}` }
        : { url: `https://${store.id.toLowerCase()}.acme.example/erasure` };
  }
  return stores;
}
