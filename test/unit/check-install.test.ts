// Unit tests for the install check that runs before `npm start`, `npm test` and `npm run typecheck`: a
// checkout whose node_modules predates package-lock.json is told to run `npm ci`, by name of what is off.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';

const SCRIPT = new URL('../../scripts/check-install.mjs', import.meta.url).pathname;
const roots: string[] = [];

function project(installed: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'check-install-'));
  roots.push(root);
  writeFileSync(
    path.join(root, 'package-lock.json'),
    JSON.stringify({
      packages: {
        '': { dependencies: { zod: '^4.0.0' }, devDependencies: { jest: '^30.0.0' } },
        'node_modules/zod': { version: '4.1.0' },
        'node_modules/jest': { version: '30.2.0' },
      },
    }),
  );
  for (const [name, version] of Object.entries(installed)) {
    mkdirSync(path.join(root, 'node_modules', name), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', name, 'package.json'), JSON.stringify({ version }));
  }
  return root;
}

const check = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('check-install', () => {
  it('passes when every direct dependency is installed at the locked version', () => {
    expect(check(project({ zod: '4.1.0', jest: '30.2.0' })).status).toBe(0);
  });

  it('names a missing package and an outdated one, and says to run npm ci', () => {
    const result = check(project({ jest: '30.1.0' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('zod is not installed');
    expect(result.stderr).toContain('jest is 30.1.0, package-lock.json wants 30.2.0');
    expect(result.stderr).toContain('Run: npm ci');
  });
});
