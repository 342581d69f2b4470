// integration: a stack trace from a function bundle built as the stack builds it, run without source maps
// (as in Lambda), is mapped back to the source files by `npm run stack-trace`.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { STACK_BUNDLING } from '../../bench/cold-start.js';
import { mapStackTrace } from '../../scripts/stack-trace.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stack-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stack-trace', () => {
  it("maps a function's cold-start failure in the minified bundle back to the source line", async () => {
    const bundle = path.join(dir, 'index.mjs');
    await build({
      ...STACK_BUNDLING,
      sourcemap: true,
      entryPoints: [path.resolve('functions/handlers/deletion-worker.ts')],
      outfile: bundle,
    });
    // No settings at all: the worker fails at start with a ConfigError, as a stage with a missing one would.
    // Only the error's stack is printed (Node would also print the whole minified source line).
    const trace = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `try { await import(${JSON.stringify(bundle)}); } catch (error) { process.stdout.write(String(error.stack)); }`,
      ],
      { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(trace.split('\n')[0]).toMatch(/ConfigError/);
    // As Lambda writes it: the bundle at /var/task.
    const logged = trace.replaceAll(`file://${bundle}`, '/var/task/index.mjs');
    expect(logged).toMatch(/\/var\/task\/index\.mjs:\d+:\d+/);

    const mapped = mapStackTrace(logged, JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));

    expect(mapped).not.toMatch(/index\.mjs:\d+:\d+/);
    const configLine = /functions\/runtime\/config\.ts:(\d+):\d+/.exec(mapped);
    expect(configLine).not.toBeNull();
    // The line it names is where the source throws.
    const source = readFileSync('functions/runtime/config.ts', 'utf8').split('\n');
    expect(source[Number(configLine![1]) - 1]).toMatch(/throw|ConfigError/);
  });

  it('leaves a trace without bundle places as it was', () => {
    const trace = 'Error: boom\n    at main (node:internal/main:1:1)\n';
    expect(mapStackTrace(trace, { version: 3, sources: [], names: [], mappings: '' } as never)).toBe(trace);
  });
});
