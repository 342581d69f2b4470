// e2e: `npm run demo` as a developer runs it: it finds the service on the same PORT, follows a request to
// its end, says in one line when nothing answers, and prints its usage for --help.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';
import { runScript } from '../support/requests-cli.js';

let service: RunningService;

beforeAll(async () => {
  service = await startRunner();
}, START_TIMEOUT_MS);
afterAll(() => service?.stop());

/** Runs the demo with PORT (or BASE_URL) as a developer's shell would have it. */
async function demo(args: readonly string[], env: Record<string, string>) {
  const saved = { PORT: process.env.PORT, BASE_URL: process.env.BASE_URL };
  Object.assign(process.env, { BASE_URL: '', ...env });
  try {
    return await runScript('local/demo.ts', args);
  } finally {
    Object.assign(process.env, { PORT: saved.PORT ?? '', BASE_URL: saved.BASE_URL ?? '' });
  }
}

describe('npm run demo', () => {
  it('finds the service on the PORT it runs on and follows the request to completed', async () => {
    const port = new URL(service.baseUrl).port;
    const run = await demo(['10000000000000002'], { PORT: port });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`POST ${service.baseUrl}/meta/data-deletion`);
    expect(run.stdout).toMatch(/completed/);
    expect(run.stdout).toContain('npm run receipt -- verify');
  });

  it('says in one line which URL did not answer, without a stack trace', async () => {
    const run = await demo([], { PORT: '9' });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Cannot reach the service at http://127.0.0.1:9/meta/data-deletion');
  });

  it('prints its usage for --help and refuses an argument that is not a user id', async () => {
    const help = await demo(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run demo');
    const wrong = await demo(['--verbose'], {});
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Not a Facebook user id: --verbose');
  });
});
