// Before the project's commands: are the installed packages the ones package-lock.json names? A checkout
// whose node_modules predates a dependency otherwise fails deep inside tsc or a test with "Cannot find
// module"; this says what is missing and that `npm ci` fixes it. Plain Node, no dependency, any version.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import console from 'node:console';

// The project's root (a test passes another).
const root = process.argv[2] ?? path.join(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const direct = { ...lock.packages[''].dependencies, ...lock.packages[''].devDependencies };

const stale = [];
for (const name of Object.keys(direct)) {
  const wanted = lock.packages[`node_modules/${name}`]?.version;
  const manifest = path.join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) {
    stale.push(`${name} is not installed`);
    continue;
  }
  const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
  if (wanted && installed !== wanted)
    stale.push(`${name} is ${installed}, package-lock.json wants ${wanted}`);
}

if (stale.length > 0) {
  console.error(`The installed packages are older than package-lock.json (${stale.join('; ')}). Run: npm ci`);
  process.exit(1);
}
