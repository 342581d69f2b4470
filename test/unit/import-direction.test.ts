// Dependencies point one way: rules (core) and declarations know nothing of the use cases, the
// adapters or the runtime; use cases know only rules, declarations and their own ports; adapters
// implement ports; the runtime and the handlers wire it all. Every file under functions/ is parsed
// and each import checked against these lines.
import { describe, it, expect } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const FUNCTIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../functions');

type Layer = 'core' | 'declarations' | 'use-cases' | 'adapters' | 'runtime' | 'handlers';
const LAYERS: readonly Layer[] = ['core', 'declarations', 'use-cases', 'adapters', 'runtime', 'handlers'];

/** Which layers each layer may import (relative imports inside functions/). */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['core', 'declarations'],
  declarations: ['core', 'declarations'],
  'use-cases': ['core', 'declarations', 'use-cases'],
  // Adapters reach the use cases only through their ports (checked below).
  adapters: ['core', 'declarations', 'use-cases', 'adapters'],
  runtime: ['core', 'declarations', 'use-cases', 'adapters', 'runtime'],
  handlers: ['core', 'declarations', 'use-cases', 'adapters', 'runtime'],
};

/** The layers that stay free of the AWS SDK, Powertools and middy: Node's built-ins and zod only. */
const PURE: ReadonlySet<Layer> = new Set(['core', 'declarations', 'use-cases']);
const PURE_PACKAGES = /^(node:|zod(\/|$))/;

const isPortsFile = (path: string) => /(^|-)ports\.ts$/.test(path.split('/').pop() ?? '');

function layerOf(pathInFunctions: string): Layer | undefined {
  const top = pathInFunctions.split('/')[0] as Layer;
  return LAYERS.includes(top) ? top : undefined;
}

/** Why an import from `from` (a path under the functions root) of `specifier` crosses a line, or undefined. */
function crossing(from: string, specifier: string): string | undefined {
  const fromLayer = layerOf(from);
  if (!fromLayer) return `${from} is in no known layer`;
  if (!specifier.startsWith('.')) {
    if (PURE.has(fromLayer) && !PURE_PACKAGES.test(specifier))
      return `${fromLayer} may not import the package ${specifier}`;
    return undefined;
  }
  // Resolved as a path relative to the root, so the check does not depend on where the root is.
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (target.startsWith('../')) return `${from} imports ${specifier}, outside the layers`;
  const toLayer = layerOf(target);
  if (!toLayer) return `${from} imports ${specifier}, outside the layers`;
  if (!MAY_IMPORT[fromLayer].includes(toLayer)) return `${fromLayer} may not import ${toLayer}`;
  if (fromLayer === 'adapters' && toLayer === 'use-cases' && !isPortsFile(target.replace(/\.js$/, '.ts')))
    return 'adapters may import only the ports of the use cases';
  return undefined;
}

/** Every source file under a directory: TypeScript and JavaScript of any module flavour. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : SOURCE.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}
const SOURCE = /\.(c|m)?(t|j)sx?$/;

/** Every module specifier of a file: imports, re-exports, type-only imports and dynamic imports. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** The source files of a tree (paths relative to it, with `/`) and what each imports. */
function readTree(root: string) {
  return sourceFiles(root).map((path) => ({
    path: relative(root, path).split(sep).join('/'),
    imports: importsOf(readFileSync(path, 'utf8')),
  }));
}

/** Every import of the tree that crosses a line, as `<file>: '<specifier>' (<why>)`. */
function crossingsIn(root: string): string[] {
  return readTree(root).flatMap((file) => {
    const stray = layerOf(file.path) ? [] : [`${file.path}: (${file.path} is in no known layer)`];
    return [
      ...stray,
      ...file.imports.flatMap((specifier) => {
        const why = crossing(file.path, specifier);
        return why ? [`${file.path}: '${specifier}' (${why})`] : [];
      }),
    ];
  });
}

describe('import direction', () => {
  const files = readTree(FUNCTIONS);

  it('reads every source file under functions/ and their imports', () => {
    for (const layer of LAYERS) expect(files.some((file) => file.path.startsWith(`${layer}/`))).toBe(true);
    // Counted another way: every file under functions/ is one the check reads (none of another kind is skipped).
    const everyFile = readdirSync(FUNCTIONS, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files).toHaveLength(everyFile.length);
    expect(files.find((file) => file.path === 'handlers/meta-callbacks.ts')?.imports).toContain(
      '../use-cases/handle-meta-callback.js',
    );
  });

  it('no file under functions/ imports across the lines', () => {
    expect(crossingsIn(FUNCTIONS)).toEqual([]);
  });

  it('fails on a tree whose files cross the lines, naming each file and import', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-direction-'));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('core/rule.ts', "import type { SecretName } from '../runtime/secrets.js';\n");
      write('declarations/tables.ts', "export { x } from '../use-cases/ports.js';\n");
      write('use-cases/job.ts', "const client = await import('../adapters/s3-client.js');\n");
      write('use-cases/ports.ts', "import { S3Client } from '@aws-sdk/client-s3';\nimport './job.js';\n");
      write(
        'adapters/s3-client.ts',
        "import { job } from '../use-cases/job.js';\nimport '../use-cases/ports.js';\n",
      );
      write('runtime/wiring.ts', "import '../handlers/worker.js';\n");
      write('handlers/worker.ts', "import '../runtime/wiring.js';\nimport '../../lib/stack.js';\n");
      write('stray.ts', "import './core/rule.js';\n");
      expect(crossingsIn(root).sort()).toEqual(
        [
          "adapters/s3-client.ts: '../use-cases/job.js' (adapters may import only the ports of the use cases)",
          "core/rule.ts: '../runtime/secrets.js' (core may not import runtime)",
          "declarations/tables.ts: '../use-cases/ports.js' (declarations may not import use-cases)",
          "handlers/worker.ts: '../../lib/stack.js' (handlers/worker.ts imports ../../lib/stack.js, outside the layers)",
          "runtime/wiring.ts: '../handlers/worker.js' (runtime may not import handlers)",
          'stray.ts: (stray.ts is in no known layer)',
          "stray.ts: './core/rule.js' (stray.ts is in no known layer)",
          "use-cases/job.ts: '../adapters/s3-client.js' (use-cases may not import adapters)",
          "use-cases/ports.ts: '@aws-sdk/client-s3' (use-cases may not import the package @aws-sdk/client-s3)",
        ].sort(),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('flags the crossings it is meant to catch', () => {
    expect(crossing('core/meta-callback.ts', '../runtime/secrets.js')).toBe('core may not import runtime');
    expect(crossing('declarations/functions.ts', '../runtime/secrets.js')).toBe(
      'declarations may not import runtime',
    );
    expect(crossing('core/scope.ts', '../use-cases/ports.js')).toBe('core may not import use-cases');
    expect(crossing('use-cases/whatsapp-gateway.ts', '../adapters/graph-api-client.js')).toBe(
      'use-cases may not import adapters',
    );
    expect(crossing('use-cases/check-deadlines.ts', '../runtime/observability.js')).toBe(
      'use-cases may not import runtime',
    );
    expect(crossing('adapters/sqs-job-queue.ts', '../use-cases/process-deletion-job.js')).toBe(
      'adapters may import only the ports of the use cases',
    );
    expect(crossing('adapters/sqs-job-queue.ts', '../runtime/config.js')).toBe(
      'adapters may not import runtime',
    );
    expect(crossing('runtime/wiring.ts', '../handlers/meta-callbacks.js')).toBe(
      'runtime may not import handlers',
    );
    expect(crossing('use-cases/ports.ts', '@aws-sdk/lib-dynamodb')).toBe(
      'use-cases may not import the package @aws-sdk/lib-dynamodb',
    );
    expect(crossing('core/job-message.ts', '../../lib/anything.js')).toMatch(/outside the layers/);
  });

  it('lets the allowed directions through', () => {
    expect(crossing('core/scope.ts', '../declarations/tables.js')).toBeUndefined();
    expect(crossing('declarations/tables.ts', '../core/deletion-request.js')).toBeUndefined();
    expect(crossing('use-cases/whatsapp-gateway.ts', './whatsapp-ports.js')).toBeUndefined();
    expect(crossing('adapters/whatsapp-cloud-api.ts', '../use-cases/whatsapp-ports.js')).toBeUndefined();
    expect(crossing('adapters/dynamo-table-purger.ts', '@aws-sdk/lib-dynamodb')).toBeUndefined();
    expect(crossing('core/job-message.ts', 'zod/mini')).toBeUndefined();
    expect(crossing('core/keyed-hash.ts', 'node:crypto')).toBeUndefined();
  });

  it('finds type-only, re-exported and dynamic imports', () => {
    expect(
      importsOf(
        "import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');",
      ),
    ).toEqual(['./a.js', './b.js', './c.js']);
  });
});
