// Unit tests for docs/policy-coverage.md, the table that traces each promise of the company's privacy policy to
// the behaviour and the tests that prove it: every test it names exists (and runs), every file it names exists,
// and no row is left without a proof, a "Kept by:" statement or the open issue. Also the reader itself.
import { describe, it, expect } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { declaredTests, namesTest } from '../support/test-titles.js';
import { coverageProblems, readCoverageTable, type Repository } from '../support/policy-coverage.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const DOCUMENT = 'docs/policy-coverage.md';

/** A jest `testMatch` glob (`<rootDir>/test/unit/**\/*.test.ts`) as a regular expression over repo paths. */
function globToRegExp(glob: string): RegExp {
  const relative = glob.replace(/^<rootDir>\//, '');
  const source = relative
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

async function npmTestPatterns(): Promise<RegExp[]> {
  const config = (await import(pathToFileURL(path.join(REPO_ROOT, 'jest.config.js')).href)) as {
    default: { projects: { testMatch: string[] }[] };
  };
  return config.default.projects.flatMap((project) => project.testMatch.map(globToRegExp));
}

function fixtureRepository(files: Record<string, string>): Repository {
  return {
    exists: (file) => file in files,
    read: (file) => files[file] ?? '',
    isRunByNpmTest: (file) => file.startsWith('test/unit/'),
  };
}

describe('the policy coverage table', () => {
  it('names only tests that exist and npm test runs, files that exist, and a proof or an owner on every row', async () => {
    const patterns = await npmTestPatterns();
    const repository: Repository = {
      exists: (file) => existsSync(path.join(REPO_ROOT, file)),
      read: (file) => readFileSync(path.join(REPO_ROOT, file), 'utf8'),
      isRunByNpmTest: (file) => patterns.some((pattern) => pattern.test(file)),
    };
    const rows = readCoverageTable(repository.read(DOCUMENT));
    expect(coverageProblems(rows, repository)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it('is linked from the first screen of the README', () => {
    const firstScreen = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')
      .split('\n')
      .slice(0, 25)
      .join('\n');
    expect(firstScreen).toContain(`(${DOCUMENT})`);
  });
});

describe('reading the coverage table', () => {
  const TEST_FILE = [
    "describe('purge', () => {",
    "  it('deletes the subject', () => {});",
    "  it.skip('was skipped', () => {});",
    '});',
  ].join('\n');
  const table = (proof: string, how = '`functions/core/scope.ts`'): string =>
    [
      '| Policy section | Promise | How | Proof |',
      '| --- | --- | --- | --- |',
      `| Deletion | We delete | ${how} | ${proof} |`,
    ].join('\n');
  const repository = fixtureRepository({
    'test/unit/purge.test.ts': TEST_FILE,
    'test/other/elsewhere.test.ts': TEST_FILE,
    'functions/core/scope.ts': '',
  });
  const problemsOf = (markdown: string): string[] =>
    coverageProblems(readCoverageTable(markdown), repository);

  it('accepts a row naming an existing test, by its title or by its full name', () => {
    expect(problemsOf(table('`test/unit/purge.test.ts` `deletes the subject`'))).toEqual([]);
    expect(problemsOf(table('`test/unit/purge.test.ts` `purge › deletes the subject`'))).toEqual([]);
  });

  it('accepts a row with a "Kept by:" statement, or an open issue, instead of a test', () => {
    expect(problemsOf(table('**Kept by:** the company’s contracts with its processors'))).toEqual([]);
    expect(problemsOf(table('**Open:** issue 14'))).toEqual([]);
    expect(problemsOf(table('**Kept by:** the operator (`cdk deploy` to the right region)'))).toEqual([]);
  });

  it('reports a row with neither a test, a "Kept by:" statement nor an open issue', () => {
    expect(problemsOf(table('nothing yet'))).toEqual([expect.stringContaining('names no test')]);
    expect(problemsOf(table('**Kept by:**'))).toEqual([expect.stringContaining('names no test')]);
    expect(problemsOf(table('**Open:** soon'))).toEqual([expect.stringContaining('names no test')]);
  });

  it('reports a test file that is gone, a title that is gone, and a skipped test', () => {
    expect(problemsOf(table('`test/unit/gone.test.ts` `deletes the subject`'))).toEqual([
      expect.stringContaining('test/unit/gone.test.ts does not exist'),
    ]);
    expect(problemsOf(table('`test/unit/purge.test.ts` `deletes the subject quickly`'))).toEqual([
      expect.stringContaining('has no test titled "deletes the subject quickly"'),
    ]);
    expect(problemsOf(table('`test/unit/purge.test.ts` `was skipped`'))).toEqual([
      expect.stringContaining('is skipped'),
    ]);
  });

  it('reports a test file npm test does not run, a title before any file, and a code file that is gone', () => {
    expect(problemsOf(table('`test/other/elsewhere.test.ts` `deletes the subject`'))).toEqual([
      expect.stringContaining('is not run by npm test'),
    ]);
    expect(
      problemsOf(table('`deletes the subject` `test/unit/purge.test.ts` `deletes the subject`')),
    ).toEqual([expect.stringContaining('comes before any test file')]);
    expect(
      problemsOf(table('`test/unit/purge.test.ts` `deletes the subject`', '`functions/core/gone.ts`')),
    ).toEqual([expect.stringContaining('functions/core/gone.ts does not exist')]);
  });

  it('reads a bar inside a title escaped as \\|', () => {
    const repositoryWithBar = fixtureRepository({ 'test/unit/a.test.ts': "it('a | b', () => {});" });
    const rows = readCoverageTable(table('`test/unit/a.test.ts` `a \\| b`', ''));
    expect(rows[0]?.tests).toEqual([{ file: 'test/unit/a.test.ts', title: 'a | b' }]);
    expect(coverageProblems(rows, repositoryWithBar)).toEqual([]);
  });
});

describe('reading test titles from a test file', () => {
  const SOURCE = `
    const PREFIX = 'deletes';
    describe('outer', () => {
      describe('inner', () => {
        it('plain title', () => {});
        test("double-quoted title", () => {});
      });
      it(\`no substitution\`, () => {});
      it(\`removes \${table.name} items of the subject\`, () => {});
      it(\`\${name}\`, () => {});
      it(PREFIX + ' by constant', () => {});
      it.each([1, 2])('retries code %i, then succeeds', () => {});
      it.each([{ a: 1 }])('reads $a.b for the row', () => {});
      it.each\`a\n\${1}\`('tagged table $a works', () => {});
      it(titleOf('x'), () => {});
      xit('skipped by x', () => {});
      it.todo('written later');
    });
    describe.skip('skipped block', () => {
      it('inside a skipped block', () => {});
    });
  `;
  const tests = declaredTests(SOURCE);
  const named = (name: string) => tests.filter((test) => namesTest(test, name));

  it('finds every it and test, inside nested describe blocks, by title or full name', () => {
    expect(named('plain title')).toHaveLength(1);
    expect(named('double-quoted title')).toHaveLength(1);
    expect(named('outer › inner › plain title')).toHaveLength(1);
    expect(named('outer › plain title')).toHaveLength(0);
    expect(named('plain')).toHaveLength(0);
    expect(named('no substitution')).toHaveLength(1);
  });

  it('finds a template-literal title by its written form or by a title it generates', () => {
    expect(named('removes ${table.name} items of the subject')).toHaveLength(1);
    expect(named('removes Accounts items of the subject')).toHaveLength(1);
    expect(named('removes Accounts items of someone else')).toHaveLength(0);
  });

  it('finds a template made only of substitutions by its written form alone', () => {
    expect(named('${name}')).toHaveLength(1);
    expect(named('anything at all')).toHaveLength(0);
  });

  it('finds titles built from constants and concatenation', () => {
    expect(named('deletes by constant')).toHaveLength(1);
  });

  it('reads the placeholders of it.each titles, tagged tables included', () => {
    expect(named('retries code %i, then succeeds')).toHaveLength(1);
    expect(named('retries code 613, then succeeds')).toHaveLength(1);
    expect(named('reads $a.b for the row')).toHaveLength(1);
    expect(named('reads 42 for the row')).toHaveLength(1);
    expect(named('tagged table 1 works')).toHaveLength(1);
  });

  it('never matches a title it cannot read, and marks skipped and todo tests', () => {
    expect(tests.filter((test) => test.dynamic).map((test) => test.written)).toEqual(["titleOf('x')"]);
    expect(named("titleOf('x')")).toHaveLength(0);
    expect(tests.filter((test) => test.skipped).map((test) => test.written)).toEqual([
      'skipped by x',
      'written later',
      'inside a skipped block',
    ]);
  });
});
