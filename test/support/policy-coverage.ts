// test support: reads docs/policy-coverage.md (one row per promise of the privacy policy) and finds what in
// it is no longer true: a named test file or test that does not exist, a named code file that is gone, a
// row that names no proof at all.
import { declaredTests, namesTest, type DeclaredTest } from './test-titles.js';

/** A test named by a row: a file and one title in it. */
export interface NamedTest {
  readonly file: string;
  readonly title: string;
}

export interface CoverageRow {
  /** 1-based line of the row in the document. */
  readonly line: number;
  readonly section: string;
  readonly promise: string;
  /** Repository paths named in the "how the service keeps it" cell. */
  readonly codePaths: readonly string[];
  readonly tests: readonly NamedTest[];
  /** Text after "Kept by:", when the row says who or what keeps the promise outside the tests. */
  readonly keptBy?: string;
  /** Issue numbers after "Open:", when the promise is not (fully) kept yet. */
  readonly openIssues: readonly number[];
  /** Code spans in the proof cell that are neither a test file nor a title after one. */
  readonly strayTitles: readonly string[];
}

const HEADER = /^\|\s*policy section\s*\|/i;
const DELIMITER = /^\|(\s*:?-+:?\s*\|)+\s*$/;
const TEST_FILE = /^test\/[\w./-]+\.test\.ts$/;
// A repository path: a known top-level folder, then a file with an extension.
const REPO_PATH = /^(functions|lib|bin|config|docs|scripts|local|bench|test)\/[\w./-]+\.(ts|js|json|md)$/;

/** The cells of a markdown table row; `\|` is a literal bar inside a cell. */
function cellsOf(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, '|').trim());
}

/** Code spans of a cell, in order: `x` and ``x with ` inside``. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/(`+)(.+?)\1(?!`)/g)].map((match) => (match[2] ?? '').trim());
}

/** Every row of the coverage table(s) in the document: those under a header starting "Policy section". */
export function readCoverageTable(markdown: string): CoverageRow[] {
  const rows: CoverageRow[] = [];
  let inTable = false;
  markdown.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (HEADER.test(line)) {
      inTable = true;
      return;
    }
    if (!inTable) return;
    if (!line.startsWith('|')) {
      inTable = false;
      return;
    }
    if (DELIMITER.test(line)) return;
    const [section = '', promise = '', how = '', proof = ''] = cellsOf(line);
    const tests: NamedTest[] = [];
    const strayTitles: string[] = [];
    let file: string | undefined;
    // Tests come first; code spans inside the "Kept by:" and "Open:" statements are plain text.
    const testPart = proof.split(/\**(?:kept by|open):/i)[0] ?? '';
    for (const span of codeSpans(testPart)) {
      if (TEST_FILE.test(span)) file = span;
      else if (file) tests.push({ file, title: span });
      else strayTitles.push(span);
    }
    const keptBy = /kept by:?\**\s*(.*?)(?:\**open:|$)/i.exec(proof)?.[1]?.trim();
    const openPart = /open:\**\s*(.*)$/i.exec(proof)?.[1] ?? '';
    const openIssues = [...openPart.matchAll(/issue\s+#?(\d+)/gi)].map((match) => Number(match[1]));
    rows.push({
      line: index + 1,
      section,
      promise,
      codePaths: codeSpans(how).filter((span) => REPO_PATH.test(span)),
      tests,
      ...(keptBy ? { keptBy } : {}),
      openIssues,
      strayTitles,
    });
  });
  return rows;
}

/** How the check sees the repository (the real file system, or a fixture in the checker's own tests). */
export interface Repository {
  exists(path: string): boolean;
  read(path: string): string;
  /** Whether `npm test` runs the file (one of the jest projects matches it). */
  isRunByNpmTest(path: string): boolean;
}

/** What is wrong with the table, one sentence per problem; empty when every row holds. */
export function coverageProblems(rows: readonly CoverageRow[], repository: Repository): string[] {
  const problems: string[] = [];
  const testsOf = new Map<string, DeclaredTest[]>();
  const declared = (file: string): DeclaredTest[] => {
    let tests = testsOf.get(file);
    if (!tests) {
      tests = declaredTests(repository.read(file), file);
      testsOf.set(file, tests);
    }
    return tests;
  };

  if (rows.length === 0) problems.push('the document has no table under a "Policy section" header');
  for (const row of rows) {
    const where = `line ${row.line} (${row.section}: ${row.promise.slice(0, 60)})`;
    if (!row.section || !row.promise) problems.push(`${where}: the section or the promise is empty`);
    if (row.tests.length === 0 && !row.keptBy && row.openIssues.length === 0) {
      problems.push(`${where}: names no test, no "Kept by:" statement and no "Open: issue N"`);
    }
    if (/open:/i.test(row.promise + row.section)) {
      problems.push(`${where}: "Open:" belongs in the proof column`);
    }
    for (const stray of row.strayTitles) {
      problems.push(`${where}: \`${stray}\` comes before any test file; name the file first`);
    }
    for (const path of row.codePaths) {
      if (!repository.exists(path)) problems.push(`${where}: ${path} does not exist`);
    }
    for (const file of new Set(row.tests.map((test) => test.file))) {
      if (!repository.exists(file)) problems.push(`${where}: test file ${file} does not exist`);
      else if (!repository.isRunByNpmTest(file)) problems.push(`${where}: ${file} is not run by npm test`);
    }
    for (const test of row.tests) {
      if (!repository.exists(test.file)) continue;
      const matches = declared(test.file).filter((candidate) => namesTest(candidate, test.title));
      if (matches.length === 0) {
        problems.push(`${where}: ${test.file} has no test titled "${test.title}"`);
      } else if (matches.every((match) => match.skipped)) {
        problems.push(`${where}: "${test.title}" in ${test.file} is skipped, so it proves nothing`);
      }
    }
  }
  return problems;
}
