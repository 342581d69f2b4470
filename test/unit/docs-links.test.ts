// Unit tests for the repository's documents: every relative link in the README and docs/ points to a
// file (and heading) that exists, and every repository path they name in code spans exists, so the
// documents read correctly from a fresh clone and cite nothing outside the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCUMENTS = [
  'README.md',
  'BENCHMARKS.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = slugOf(match[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

/** Markdown links `[text](target)` outside fenced code, with the line they are on. */
function linksOf(file: string): { target: string; line: number }[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const links: { target: string; line: number }[] = [];
  let fenced = false;
  lines.forEach((text, index) => {
    if (text.trimStart().startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      links.push({ target: match[1] ?? '', line: index + 1 });
  });
  return links;
}

/** What is wrong with a relative link from `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:
  const [pathPart = '', anchor] = target.split('#');
  const resolved = pathPart ? path.normalize(path.join(path.dirname(file), pathPart)) : file;
  if (resolved.startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(path.join(ROOT, resolved))) return `${target}: no such file`;
  if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
    return `${target}: no heading #${anchor} in ${resolved}`;
  return undefined;
}

const TOP_LEVEL = ['bench', 'bin', 'config', 'docs', 'functions', 'lib', 'local', 'scripts', 'test'];

/** Repository paths named in code spans (`functions/core/…`, `docs/…`, a bare `something.md`). */
function citedPaths(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const cited: string[] = [];
  for (const match of text.matchAll(/`([^`\s]+)`/g)) {
    const token = (match[1] ?? '').replace(/[#:].*$/, '');
    if (/[<>*{}]/.test(token)) continue; // a pattern such as config/<stage>.json, not a file
    const top = token.split('/')[0] ?? '';
    if (TOP_LEVEL.includes(top) && /\.[a-z]+$/.test(token)) cited.push(token);
    else if (/^[\w-]+\.md$/.test(token)) cited.push(token);
  }
  return cited;
}

function exists(file: string, cited: string): boolean {
  if (cited.includes('/')) return existsSync(path.join(ROOT, cited));
  // A bare document name: next to the citing document, in docs/, or at the root.
  return [path.dirname(file), 'docs', '.'].some((dir) => existsSync(path.join(ROOT, dir, cited)));
}

describe('repository documents', () => {
  it.each(DOCUMENTS)('%s: every relative link resolves, headings included', (file) => {
    const broken = linksOf(file)
      .map(({ target, line }) => {
        const why = brokenLink(file, target);
        return why ? `${file}:${line} ${why}` : undefined;
      })
      .filter(Boolean);
    expect(broken).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: every repository path it names exists', (file) => {
    expect(citedPaths(file).filter((cited) => !exists(file, cited))).toEqual([]);
  });
});

describe('the link check itself', () => {
  it('finds a missing file, a missing heading and a link out of the repository', () => {
    expect(brokenLink('README.md', 'docs/meta.md')).toBeUndefined();
    expect(brokenLink('docs/meta.md', 'whatsapp.md')).toBeUndefined();
    expect(brokenLink('README.md', 'https://example.com/x.md')).toBeUndefined();
    expect(brokenLink('README.md', 'docs/nowhere.md')).toBe('docs/nowhere.md: no such file');
    expect(brokenLink('docs/meta.md', 'protocols.md#no-such-heading')).toMatch(/no heading #no-such-heading/);
    expect(brokenLink('docs/meta.md', '../../shared/protocols.md')).toMatch(/leaves the repository/);
  });

  it('slugs headings as GitHub does', () => {
    expect(slugOf('URLs to paste into the dashboards')).toBe('urls-to-paste-into-the-dashboards');
    expect(slugOf('For support staff')).toBe('for-support-staff');
    expect(slugOf('Data deletion request callback (Facebook Login)')).toBe(
      'data-deletion-request-callback-facebook-login',
    );
  });
});
