// infra: where each store of the data map really is for a stage, and what the worker may do there. A stage
// that is not the demo stage names every company table in `dataStores` (config/<stage>.json) or does not
// synthesize. What each function may do on a table is its declaration (functions/declarations/functions.ts).
import { FUNCTIONS, type FunctionDeclaration } from '../functions/declarations/functions.js';
import { TABLES, type TableDeclaration } from '../functions/declarations/tables.js';
import { EXTERNAL_STORES, type ExternalStoreDeclaration } from '../functions/declarations/external-stores.js';
import { DeploymentConfigError, type DataStoreLocation, type DeploymentConfig } from './config.js';

/** How the stack gets a table: it creates the service's own (and, in a demo stage, the company's), or imports one. */
export type TableSource =
  | { readonly kind: 'created' }
  | {
      readonly kind: 'imported';
      readonly tableName?: string;
      readonly tableArn?: string;
      /** Assumed by the functions to reach a table in another account. */
      readonly roleArn?: string;
      readonly encryptionKeyArn?: string;
    };

/**
 * Every problem with a stage's `dataStores`, or none: missing company tables, object prefixes and erasure
 * webhooks (all of them, in one message), names that are not stores of the data map, an entry of the wrong kind
 * (a bucket for a table...), and table entries in a demo stage (which creates its own).
 */
export function dataStoreProblems(
  config: Pick<DeploymentConfig, 'stage' | 'dataStores' | 'demoDataStores'>,
  tables: readonly TableDeclaration[] = TABLES,
  externalStores: readonly ExternalStoreDeclaration[] = EXTERNAL_STORES,
): string[] {
  const problems: string[] = [];
  const company = tables.filter((table) => table.owner === 'company');
  const companyIds = new Set(company.map((table) => table.id));
  const externalIds = new Set(externalStores.map((store) => store.id));
  const named = Object.keys(config.dataStores);
  const unknown = named.filter((id) => !companyIds.has(id) && !externalIds.has(id));
  if (unknown.length > 0) {
    problems.push(
      `dataStores names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a store of ` +
        `the data map (company tables: ${[...companyIds].join(', ')}; other stores: ${[...externalIds].join(', ')}).`,
    );
  }
  const wrongKind: string[] = [];
  for (const [id, location] of Object.entries(config.dataStores)) {
    const store = externalStores.find((candidate) => candidate.id === id);
    if (companyIds.has(id) && (location.bucketName || location.url))
      wrongKind.push(`${id} is a table: give tableName`);
    if (store?.kind === 'object_prefix' && (location.tableName || location.tableArn || location.url))
      wrongKind.push(`${id} is an S3 prefix: give bucketName`);
    if (store?.kind === 'erasure_webhook' && (location.tableName || location.tableArn || location.bucketName))
      wrongKind.push(`${id} is an erasure webhook: give url`);
  }
  if (wrongKind.length > 0) problems.push(`${wrongKind.join('; ')}.`);
  if (config.demoDataStores) {
    const tablesNamed = named.filter((id) => companyIds.has(id));
    if (tablesNamed.length > 0) {
      problems.push(
        'demoDataStores creates empty demo tables, so dataStores must name no table: a stage either uses the ' +
          "company's tables or demo ones, never a mix.",
      );
    }
    return problems;
  }
  // Only the purge reaches a table through an assumed role; the intake functions use one client for all tables.
  const crossAccount = company.filter(
    (table) => config.dataStores[table.id]?.tableArn && usedOutsidePurge().has(table.id),
  );
  if (crossAccount.length > 0) {
    problems.push(
      `${crossAccount.map((table) => table.id).join(', ')} ${crossAccount.length === 1 ? 'is' : 'are'} read or ` +
        "written by the service's intake and worker, not only purged, so must be in the service's account: " +
        'name it by tableName (a table in another account can serve purge-only rules).',
    );
  }
  const missing = company.filter((table) => !hasLocation(config.dataStores[table.id]));
  if (missing.length > 0) {
    problems.push(
      `Stage ${config.stage} names no existing table for ${missing.length} of the ${company.length} company ` +
        `tables: ${missing.map((table) => table.id).join(', ')}. Add each to dataStores in config/${config.stage}.json ` +
        `({"tableName": "..."}, or {"tableArn": "...", "roleArn": "..."} for another account; docs/data-stores.md). ` +
        'Until then the service would purge tables that hold nothing and tell people their data is gone.',
    );
  }
  const missingExternal = externalStores.filter((store) => !externalLocationOf(config, store));
  if (missingExternal.length > 0) {
    problems.push(
      `Stage ${config.stage} does not say where ${missingExternal.length} of the ${externalStores.length} other ` +
        `stores of the data map are: ${missingExternal
          .map((store) => `${store.id} (${store.kind === 'object_prefix' ? 'bucketName' : 'url'})`)
          .join(', ')}. Add each to dataStores in config/${config.stage}.json (docs/data-stores.md).`,
    );
  }
  return problems;
}

/** Where an object prefix's bucket or an erasure webhook is for a stage, or undefined when not named. */
export function externalLocationOf(
  config: Pick<DeploymentConfig, 'dataStores'>,
  store: ExternalStoreDeclaration,
): string | undefined {
  const location = config.dataStores[store.id];
  return (store.kind === 'object_prefix' ? location?.bucketName : location?.url) || undefined;
}

/**
 * Company tables a function other than the worker reads or writes (the webhook's messages, identity links,
 * tokens): every table the worker uses besides the purge is among them, so what is left is purge-only.
 */
export function usedOutsidePurge(): Set<string> {
  const functions = (Object.entries(FUNCTIONS) as [string, FunctionDeclaration][])
    .filter(([key]) => key !== 'deletionWorker')
    .map(([, fn]) => fn);
  return new Set(functions.flatMap((fn) => fn.tables.map((entry) => entry.table.id)));
}

function hasLocation(location: DataStoreLocation | undefined): boolean {
  return Boolean(location?.tableName ?? location?.tableArn);
}

/** Throws one DeploymentConfigError listing every problem of the stage's data stores. */
export function requireCompleteDataStores(
  config: Pick<DeploymentConfig, 'stage' | 'dataStores' | 'demoDataStores'>,
  tables: readonly TableDeclaration[] = TABLES,
  externalStores: readonly ExternalStoreDeclaration[] = EXTERNAL_STORES,
): void {
  const problems = dataStoreProblems(config, tables, externalStores);
  if (problems.length > 0) {
    throw new DeploymentConfigError(`Incomplete data stores:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Where the stack gets each table from, for a stage whose data stores are complete. */
export function tableSource(
  table: TableDeclaration,
  config: Pick<DeploymentConfig, 'dataStores' | 'demoDataStores'>,
): TableSource {
  if (table.owner === 'service' || config.demoDataStores) return { kind: 'created' };
  const location = config.dataStores[table.id];
  if (!location || !hasLocation(location)) {
    throw new DeploymentConfigError(`dataStores names no existing table for ${table.id}`);
  }
  return {
    kind: 'imported',
    ...(location.tableName ? { tableName: location.tableName } : {}),
    ...(location.tableArn ? { tableArn: location.tableArn } : {}),
    ...(location.roleArn ? { roleArn: location.roleArn } : {}),
    ...(location.encryptionKeyArn ? { encryptionKeyArn: location.encryptionKeyArn } : {}),
  };
}
