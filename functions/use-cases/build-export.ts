// use-cases: a copy of a person's data (access). Reads every category of the data map from every
// store the subject's identifiers reach, a page at a time within the worker's budget, keeping each
// page in the exports bucket (which is also where a continued job finds where to go on); then puts
// the pages together as one JSON document and one HTML page. Objects under a subject's S3 prefixes are
// listed by name, size and date; other systems that are told to erase a subject (erasure webhooks) are
// named with what they hold, since the copy cannot include it. A request verified by a phone number
// reaches that number's WhatsApp data only, as a deletion would. Reads only: nothing is changed or deleted.
import type { DeletionRequest } from '../core/deletion-request.js';
import {
  buildExportDocument,
  redact,
  renderExportPage,
  type ExportPart,
  type HeldElsewhere,
} from '../core/export-document.js';
import {
  planExternalSteps,
  planForCategories,
  type ObjectPrefixStep,
  type PurgeStep,
} from '../core/purge-plan.js';
import { scopeOfRequest } from '../core/scope.js';
import type { ExternalStoreDeclaration } from '../declarations/external-stores.js';
import type { MappedTable } from '../declarations/tables.js';
import type { Clock } from './ports.js';
import type { AccessExporter, ExportStore, ObjectLister, SubjectReader } from './rights-ports.js';

export interface ExportBudget {
  readonly maxItems: number;
  readonly maxMillis: number;
  readonly pageSize: number;
}

export interface ExporterPorts {
  readonly reader: SubjectReader;
  readonly store: ExportStore;
  readonly tables: readonly MappedTable[];
  /** The data map's stores outside DynamoDB, and how to list a subject's objects under a prefix. */
  readonly external?: {
    readonly stores: readonly ExternalStoreDeclaration[];
    readonly objects: ObjectLister;
  };
  readonly clock: Clock;
  readonly budget: ExportBudget;
  /** How long the link works (and the copy is kept). */
  readonly linkDays: number;
  readonly publicBaseUrl: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const exportPrefix = (requestId: string) => `exports/${requestId}/`;
export const EXPORT_FILES = { json: 'export.json', html: 'export.html' } as const;

export function exportUrl(publicBaseUrl: string, confirmationCode: string): string {
  return `${publicBaseUrl}/privacy-export?code=${encodeURIComponent(confirmationCode)}`;
}

/** One step of the copy: a table's items, or a subject's objects under an S3 prefix. */
type ReadStep =
  | { readonly kind: 'table'; readonly step: PurgeStep }
  | { readonly kind: 'objects'; readonly step: ObjectPrefixStep };

interface StoredPart extends ExportPart {
  readonly next?: Record<string, unknown>;
}

const partKey = (requestId: string, step: number, page: number) =>
  `${exportPrefix(requestId)}parts/${String(step).padStart(4, '0')}-${String(page).padStart(6, '0')}.json`;

/**
 * What of an item a step puts in the copy. An anonymise rule owns the attributes it removes (Meta's
 * profile fields in Accounts): the step of that rule shows those, and the table's other steps leave
 * them out, so no attribute appears twice. Secrets and other people's fields are withheld.
 */
function project(step: PurgeStep, record: Record<string, unknown>): Record<string, unknown> {
  const rule = step.table.personalData.rules.find(
    (candidate) => candidate.action === step.action && candidate.lookups.includes(step.lookup),
  );
  const keys = [step.table.partitionKey.name, step.table.sortKey?.name].filter(Boolean) as string[];
  let projected = record;
  if (step.action.type === 'anonymise') {
    const owned = new Set([...keys, ...step.action.remove]);
    projected = Object.fromEntries(Object.entries(record).filter(([name]) => owned.has(name)));
  } else if (step.action.type === 'delete') {
    const ownedElsewhere = new Set(
      step.table.personalData.rules.flatMap((other) =>
        other.action.type === 'anonymise' ? other.action.remove : [],
      ),
    );
    projected = Object.fromEntries(Object.entries(record).filter(([name]) => !ownedElsewhere.has(name)));
  }
  return redact(projected, rule?.exportOmit ?? []);
}

export function makeAccessExporter(ports: ExporterPorts): AccessExporter {
  const { store, clock } = ports;

  async function resumePoint(
    requestId: string,
  ): Promise<{ step: number; page: number; next?: Record<string, unknown> }> {
    const parts = await store.list(`${exportPrefix(requestId)}parts/`);
    const last = parts.at(-1);
    if (!last) return { step: 0, page: 0 };
    const [, step = '0', page = '0'] = /(\d{4})-(\d{6})\.json$/.exec(last) ?? [];
    const stored = JSON.parse((await store.get(last)) ?? '{}') as StoredPart;
    return stored.next
      ? { step: Number(step), page: Number(page) + 1, next: stored.next }
      : { step: Number(step) + 1, page: 0 };
  }

  /** The table steps, then the object prefixes; other systems are named, not read. */
  function planOf(request: DeletionRequest) {
    const tableSteps = planForCategories(scopeOfRequest(request).categories, request.subject, ports.tables);
    const external = planExternalSteps(request, request.subject, ports.external?.stores ?? []);
    const steps: ReadStep[] = [
      ...tableSteps.map((step): ReadStep => ({ kind: 'table', step })),
      ...external.flatMap((step): ReadStep[] =>
        step.kind === 'object_prefix' ? [{ kind: 'objects', step }] : [],
      ),
    ];
    const elsewhere = external.flatMap((step): HeldElsewhere[] =>
      step.kind === 'erasure_webhook'
        ? [{ store: step.store.id, recipient: step.store.recipientInWords, categories: step.categories }]
        : [],
    );
    return { steps, elsewhere };
  }

  async function readPage(
    current: ReadStep,
    next: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<StoredPart> {
    if (current.kind === 'table') {
      const read = await ports.reader.readPage(current.step, next, limit);
      return {
        table: current.step.table.id,
        categories: current.step.categories,
        records: read.records.map((record) => project(current.step, record)),
        ...(read.next ? { next: read.next } : {}),
      };
    }
    const lister = ports.external?.objects;
    if (!lister) throw new Error('Object prefixes are planned only with an object lister');
    const token = typeof next?.token === 'string' ? next.token : undefined;
    const read = await lister.listPage(current.step, token, limit);
    return {
      table: current.step.store.id,
      categories: current.step.categories,
      records: read.objects.map((object) => ({
        file: object.name,
        size_bytes: object.size,
        ...(object.lastModified ? { last_modified: object.lastModified } : {}),
      })),
      ...(read.next ? { next: { token: read.next } } : {}),
    };
  }

  async function assemble(request: DeletionRequest, elsewhere: readonly HeldElsewhere[]): Promise<void> {
    const prefix = `${exportPrefix(request.requestId)}parts/`;
    const parts: ExportPart[] = [];
    for (const key of await store.list(prefix)) {
      const stored = JSON.parse((await store.get(key)) ?? '{}') as StoredPart;
      parts.push({ table: stored.table, categories: stored.categories, records: stored.records });
    }
    const now = clock.now();
    const document = buildExportDocument(
      parts,
      now,
      new Date(now.getTime() + ports.linkDays * DAY_MS),
      elsewhere,
    );
    // The HTML page last: its presence says the copy is complete.
    await store.put(
      `${exportPrefix(request.requestId)}${EXPORT_FILES.json}`,
      JSON.stringify(document),
      'application/json',
    );
    await store.put(
      `${exportPrefix(request.requestId)}${EXPORT_FILES.html}`,
      renderExportPage(document),
      'text/html; charset=utf-8',
    );
    await store.deletePrefix(prefix);
  }

  return {
    async build(request) {
      const prefix = exportPrefix(request.requestId);
      if ((await store.list(`${prefix}${EXPORT_FILES.html}`)).length > 0) return true;
      // Every category the request reaches: all of them, or a phone number's WhatsApp data only.
      const { steps, elsewhere } = planOf(request);
      const started = clock.now().getTime();
      let items = 0;
      let { step, page, next } = await resumePoint(request.requestId);
      while (step < steps.length) {
        if (items >= ports.budget.maxItems || clock.now().getTime() - started >= ports.budget.maxMillis)
          return false;
        const part = await readPage(
          steps[step]!,
          next,
          Math.min(ports.budget.pageSize, ports.budget.maxItems - items),
        );
        await store.put(partKey(request.requestId, step, page), JSON.stringify(part), 'application/json');
        items += part.records.length;
        if (part.next) {
          page += 1;
          next = part.next;
        } else {
          step += 1;
          page = 0;
          next = undefined;
        }
      }
      await assemble(request, elsewhere);
      return true;
    },
    link(request) {
      return {
        url: exportUrl(ports.publicBaseUrl, request.confirmationCode),
        expiresAt: new Date(clock.now().getTime() + ports.linkDays * DAY_MS),
      };
    },
  };
}
