// infra: where each store of the data map really is for a stage, and what the worker may do there. A stage
// that is not the demo stage names every company table in `dataStores` (config/<stage>.json) or does not
// synthesize. What each function may do on a table is its declaration (functions/declarations/functions.ts).
import { FUNCTIONS, type FunctionDeclaration } from '../functions/declarations/functions.js';
import { TABLES, type TableDeclaration } from '../functions/declarations/tables.js';
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
 * Every problem with a stage's `dataStores`, or none: missing company tables (all of them, in one message),
 * names that are not company tables of the data map, and entries in a demo stage (which creates its own).
 */
export function dataStoreProblems(
  config: Pick<DeploymentConfig, 'stage' | 'dataStores' | 'demoDataStores'>,
  tables: readonly TableDeclaration[] = TABLES,
): string[] {
  const problems: string[] = [];
  const company = tables.filter((table) => table.owner === 'company');
  const companyIds = new Set(company.map((table) => table.id));
  const named = Object.keys(config.dataStores);
  const unknown = named.filter((id) => !companyIds.has(id));
  if (unknown.length > 0) {
    problems.push(
      `dataStores names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a company table of ` +
        `the data map (company tables: ${[...companyIds].join(', ')}).`,
    );
  }
  if (config.demoDataStores) {
    if (named.length > 0) {
      problems.push(
        'demoDataStores creates empty demo tables, so dataStores must be empty: a stage either uses the ' +
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
  return problems;
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
): void {
  const problems = dataStoreProblems(config, tables);
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
