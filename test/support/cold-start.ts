// test support: loads one handler module as Lambda's cold start does (its configuration is read at load) and
// prints "started", or the error's name and message, then exits. Run with the function's environment only.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  console.log('usage: tsx test/support/cold-start.ts <handler entry>');
  process.exit(2);
}
import(pathToFileURL(path.resolve(entry)).href).then(
  (module: { handler?: unknown }) => {
    console.log(typeof module.handler === 'function' ? 'started' : 'no handler exported');
    process.exit(typeof module.handler === 'function' ? 0 : 1);
  },
  (error: unknown) => {
    console.log(`${(error as Error).name}: ${(error as Error).message}`);
    process.exit(1);
  },
);
