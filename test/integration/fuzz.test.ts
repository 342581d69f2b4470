// integration: a fixed-seed run of the entry-point fuzzer (npm run fuzz runs 10,000 cases per route).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROUTES } from '../../functions/declarations/functions.js';
import { fuzzEntryPoints, startFuzzTarget, type FuzzTarget } from '../fuzz/entry-points.js';

let target: FuzzTarget;
beforeAll(async () => {
  target = await startFuzzTarget();
}, 30_000);
afterAll(() => target?.stop());

describe('every HTTP entry point under generated input', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s never answers 5xx, never throws, and stores nothing unauthenticated',
    async (_name, route) => {
      const [report] = await fuzzEntryPoints(target, { numRuns: 150, seed: 20261129, routes: [route] });
      expect(report?.cases).toBe(150);
      expect(Object.keys(report?.statuses ?? {}).every((status) => Number(status) < 500)).toBe(true);
    },
    60_000,
  );
});
