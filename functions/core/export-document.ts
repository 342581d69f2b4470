// core: a copy of a person's data (GDPR Art. 15), as one JSON document for programs and one HTML page
// for people. Built from the pages the worker read, grouped by the data map's categories; per category
// what it is, where it came from, why we hold it and how long we keep it. Plain HTML under the status
// page's CSP: no script, readable on a phone.
import { CATEGORY_EXPLANATIONS, SOURCE_WORDS, type DataSource } from '../declarations/categories.js';
import type { DataCategory } from '../declarations/tables.js';
import { countOf, escapeHtml, formatDay, layout } from './status-page.js';

/** One page of records the worker read for one step of the plan. */
export interface ExportPart {
  readonly table: string;
  readonly categories: readonly DataCategory[];
  readonly records: readonly Record<string, unknown>[];
}

export interface ExportCategory {
  readonly category: DataCategory;
  readonly what: string;
  readonly source: DataSource;
  readonly source_words: string;
  readonly why: string;
  readonly how_long: string;
  /** Where we keep it (the stores of the data map). */
  readonly stores: readonly string[];
  readonly records: readonly Record<string, unknown>[];
  /** Records of this category are among those listed under another (one store, several categories). */
  readonly listed_under?: DataCategory;
}

/** Another system that holds the subject's data for us (an erasure webhook of the data map): named, not read. */
export interface HeldElsewhere {
  readonly store: string;
  /** Who, in words: "our analytics provider". */
  readonly recipient: string;
  readonly categories: readonly DataCategory[];
}

export interface ExportDocument {
  readonly v: 1;
  readonly generated_at: string;
  /** Until when the link to this copy works; the copy is deleted then. */
  readonly available_until: string;
  readonly categories: readonly ExportCategory[];
  /** Other systems that may hold more of the person's data; this copy does not include what they hold. */
  readonly held_elsewhere?: readonly (HeldElsewhere & { readonly what: readonly string[] })[];
}

/** Drops the attributes a copy never carries (secrets, another person's fields). */
export function redact(record: Record<string, unknown>, omit: readonly string[]): Record<string, unknown> {
  if (omit.length === 0) return record;
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [
      name,
      omit.includes(name) ? '(withheld: a secret)' : value,
    ]),
  );
}

/**
 * Groups the parts by category. Records of a rule with several categories (a Meta item may be a page,
 * a role or an insight) are listed once, under the rule's first category; the others point to it.
 * Only categories with records are listed.
 */
export function buildExportDocument(
  parts: readonly ExportPart[],
  generatedAt: Date,
  availableUntil: Date,
  elsewhere: readonly HeldElsewhere[] = [],
): ExportDocument {
  const held = new Map<
    DataCategory,
    { stores: Set<string>; records: Record<string, unknown>[]; listedUnder?: DataCategory }
  >();
  for (const part of parts) {
    const [first, ...others] = part.categories;
    if (!first || part.records.length === 0) continue;
    for (const category of [first, ...others]) {
      const found = held.get(category) ?? { stores: new Set<string>(), records: [] };
      found.stores.add(part.table);
      if (category === first) found.records.push(...part.records);
      else if (!found.listedUnder && found.records.length === 0) found.listedUnder = first;
      held.set(category, found);
    }
  }
  const categories = (Object.keys(CATEGORY_EXPLANATIONS) as DataCategory[])
    .filter((category) => held.has(category))
    .map((category): ExportCategory => {
      const explanation = CATEGORY_EXPLANATIONS[category];
      const found = held.get(category);
      return {
        category,
        what: explanation.what,
        source: explanation.source,
        source_words: SOURCE_WORDS[explanation.source],
        why: explanation.why,
        how_long: explanation.howLong,
        stores: [...(found?.stores ?? [])].sort(),
        records: found?.records ?? [],
        ...(found?.records.length === 0 && found.listedUnder ? { listed_under: found.listedUnder } : {}),
      };
    });
  return {
    v: 1,
    generated_at: generatedAt.toISOString(),
    available_until: availableUntil.toISOString(),
    categories,
    ...(elsewhere.length > 0
      ? {
          held_elsewhere: elsewhere.map((held) => ({
            ...held,
            what: held.categories.map((category) => CATEGORY_EXPLANATIONS[category].what),
          })),
        }
      : {}),
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Records shown on the page per category; the JSON file always has all of them. */
export const HTML_RECORDS_PER_CATEGORY = 200;

/**
 * Where the page offers the file for programs. The page is stored without the confirmation code; the
 * link, which needs it, is put in when the page is served (see withFileLink).
 */
export const EXPORT_FILE_LINK_MARKER = '<!-- file-link -->';

/** The stored page as served for `code`: a link to the same copy as a file (relative, so any base path works). */
export function withFileLink(page: string, code: string): string {
  const href = `privacy-export?code=${encodeURIComponent(code)}&amp;format=json`;
  return page.replace(
    EXPORT_FILE_LINK_MARKER,
    `<p><a href="${href}" download="my-data.json">Download this copy as a file (JSON)</a></p>`,
  );
}

/** Other systems that hold data for us: named with what they hold, and that this copy does not include it. */
function elsewhereSection(elsewhere: NonNullable<ExportDocument['held_elsewhere']>): string {
  if (elsewhere.length === 0) return '';
  const items = elsewhere
    .map((held) => {
      const who = held.recipient.charAt(0).toUpperCase() + held.recipient.slice(1);
      return `<li>${escapeHtml(who)}: ${escapeHtml(held.what.join(' '))}</li>`;
    })
    .join('\n');
  return `<section aria-labelledby="elsewhere">
<h2 id="elsewhere">Held for us by other systems</h2>
<p>These systems may hold more data about you, of the kinds listed. This copy does not include what they hold; write to us at the address in the email that sent you this link and we will ask them for it.</p>
<ul>
${items}
</ul>
</section>`;
}

export function renderExportPage(document: ExportDocument): string {
  const elsewhere = document.held_elsewhere ?? [];
  const sections = document.categories.map((category) => {
    const shown = category.records.slice(0, HTML_RECORDS_PER_CATEGORY);
    const records = shown
      .map(
        (record) =>
          `<dl>\n${Object.entries(record)
            .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(formatValue(value))}</dd>`)
            .join('\n')}\n</dl>`,
      )
      .join('\n<hr>\n');
    const listedWith = category.listed_under
      ? `<p>These records are listed with "${escapeHtml(CATEGORY_EXPLANATIONS[category.listed_under].what)}"</p>`
      : '';
    const more =
      category.records.length > shown.length
        ? `<p>${countOf(category.records.length - shown.length, 'more record')} of this kind ${category.records.length - shown.length === 1 ? 'is' : 'are'} in the file for programs (JSON).</p>`
        : '';
    return `<section aria-labelledby="c-${category.category}">
<h2 id="c-${category.category}">${escapeHtml(category.what)}</h2>
<dl>
<dt>Where it came from</dt><dd>${escapeHtml(category.source_words)}</dd>
<dt>Why we hold it</dt><dd>${escapeHtml(category.why)}</dd>
<dt>How long we keep it</dt><dd>${escapeHtml(category.how_long)}</dd>
<dt>Where we keep it</dt><dd>${escapeHtml(category.stores.join(', '))}</dd>
${category.records.length > 0 ? `<dt>Records</dt><dd>${category.records.length}</dd>` : ''}
</dl>
${listedWith}
${records ? `<details><summary>Show the records</summary>\n${records}\n</details>` : ''}
${more}
</section>`;
  });
  return layout(
    'A copy of your data',
    `<h1>A copy of your data</h1>
<p class="status" role="status">This is everything we hold about you${elsewhere.length > 0 ? ' in our own systems' : ''}, made on ${escapeHtml(formatDay(document.generated_at))}. This copy is deleted on ${escapeHtml(formatDay(document.available_until))}.</p>
<p>For each kind of data: what it is, where it came from, why we hold it and how long we keep it. The same copy is available as a file for other programs (JSON).</p>
${EXPORT_FILE_LINK_MARKER}
${sections.length > 0 ? sections.join('\n') : `<p>We hold no data about you${elsewhere.length > 0 ? ' in our own systems' : ''}.</p>`}
${elsewhereSection(elsewhere)}`,
  );
}
