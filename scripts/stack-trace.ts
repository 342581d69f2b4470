// Stack-trace command: `npm run stack-trace -- <index.mjs.map> < trace.txt`. The functions run without
// source maps enabled (parsing a bundle's map at every cold start added 3–20 % to the functions' cold
// starts, BENCHMARKS.md), so an error logged in AWS names places in the minified bundle. This maps them
// back to the source files, using the map shipped beside the bundle in the same deployment package.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';

const USAGE = `Usage: npm run stack-trace -- <index.mjs.map> [trace file]

Reads a stack trace (from the file, or standard input) as a function logged it, and prints it with each
place in the bundle replaced by the place in the source. The map comes from the same deployment:
  aws lambda get-function --function-name <name> --query Code.Location --output text
downloads the package (index.mjs and index.mjs.map).
`;

/** `index.mjs:line:column` as a stack trace writes it (file URL or path, Lambda's /var/task or local). */
const BUNDLE_PLACE = /(?:file:\/\/)?(?:[^\s()]*\/)?index\.mjs:(\d+):(\d+)/g;

/** The trace with every place in the bundle replaced by its source file, line and column. */
export function mapStackTrace(trace: string, payload: SourceMapPayload): string {
  const map = new SourceMap(payload);
  return trace.replace(BUNDLE_PLACE, (place, line: string, column: string) => {
    const origin = map.findOrigin(Number(line), Number(column));
    if (!('fileName' in origin) || !origin.fileName) return place;
    const file = path.normalize(origin.fileName).replace(/^(\.\.\/)+/, '');
    return `${file}:${origin.lineNumber}:${origin.columnNumber}`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mapFile, traceFile] = process.argv.slice(2);
  if (!mapFile || mapFile === '--help') {
    process.stderr.write(USAGE);
    process.exit(mapFile ? 0 : 2);
  }
  const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
  const trace = readFileSync(traceFile ?? 0, 'utf8');
  process.stdout.write(mapStackTrace(trace, payload));
}
