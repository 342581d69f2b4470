// Unit tests for cdk.json: it sets every feature flag aws-cdk-lib recommends for new projects (what
// `cdk init` writes for the installed version), so synth runs with current behaviour and warns of none.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = path.resolve(import.meta.dirname, '../..');
const context = (
  JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const recommended = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json') as Record<
  string,
  unknown
>;

describe('cdk.json', () => {
  it('sets every recommended feature flag of the installed aws-cdk-lib, at its recommended value', () => {
    const missing = Object.keys(recommended).filter((flag) => !(flag in context));
    expect(missing).toEqual([]);
    const different = Object.entries(recommended).filter(
      ([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value),
    );
    expect(different).toEqual([]);
  });
});
