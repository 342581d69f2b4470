// e2e: a stage that leaves a channel out, rehearsed with `npm start` (SERVED_CHANNELS, as the stack sets it): the
// channel's routes are gone, the pages neither offer nor promise it, a phone number is answered in email-only
// words, and the post-deploy acceptance suite passes, skipping that channel's checks and saying so.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `npm run test:deployed`'s entry point as the operator would. */
function runSuite(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['scripts/test-deployed.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const lines = (output: string, prefix: string) =>
  output.split('\n').filter((line) => line.startsWith(prefix));

describe('a stage without WhatsApp', () => {
  const env = { SERVED_CHANNELS: 'facebook,instagram' };
  let service: RunningService;

  beforeAll(async () => {
    service = await startRunner(env);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
  });

  it('has no WhatsApp webhook: its path is unknown', async () => {
    const handshake = await fetch(
      `${service.baseUrl}/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`,
    );
    expect(handshake.status).toBe(404);
  });

  it('offers no phone number and promises nothing by WhatsApp on the request page', async () => {
    const page = await (await fetch(`${service.baseUrl}/delete-my-data`)).text();
    expect(page).toContain('Email address you used with us');
    expect(page).toContain('Facebook or Instagram');
    expect(page).not.toMatch(/WhatsApp|phone number|DELETE MY DATA/);
  });

  it('answers a phone number with email-only words, in JSON and on the page', async () => {
    const asJson = await fetch(`${service.baseUrl}/deletion-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: '+1 555 000 0001' }),
    });
    expect(asJson.status).toBe(422);
    const body = (await asJson.json()) as { message: string };
    expect(body.message).toBe(
      'We confirm requests by email. Please give the email address you used with us.',
    );
    const asForm = await fetch(`${service.baseUrl}/deletion-requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ identifier: '555 000 0001' }).toString(),
    });
    const page = await asForm.text();
    expect(page).toContain('We confirm requests by email.');
    expect(page).not.toMatch(/WhatsApp|country code/);
  });

  it('passes the acceptance suite, skipping the WhatsApp checks and saying which and why', async () => {
    const { code, output } = await runSuite(['--base-url', service.baseUrl], env);
    expect(output).toContain('Channels the stage serves: facebook, instagram');
    const skipped = lines(output, 'SKIP  ');
    expect(skipped).toHaveLength(4);
    for (const line of skipped) expect(line).toMatch(/WhatsApp.*: the stage does not serve whatsapp$/);
    expect(lines(output, 'FAIL  ')).toEqual([]);
    expect(output).toMatch(/PASSED: (\d+) of \1 checks passed/);
    expect(output).toContain('Skipped 4 checks of the channels the stage does not serve: whatsapp.');
    expect(code).toBe(0);
  });
});

describe('a stage without Instagram', () => {
  const env = { SERVED_CHANNELS: 'facebook,whatsapp' };
  let service: RunningService;

  beforeAll(async () => {
    service = await startRunner(env);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
  });

  it('has no Instagram callbacks and no Instagram on the request page', async () => {
    for (const path of ['/instagram/data-deletion', '/instagram/deauthorize']) {
      const answer = await fetch(`${service.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'signed_request=a.b',
      });
      expect(answer.status).toBe(404);
    }
    const page = await (await fetch(`${service.baseUrl}/delete-my-data`)).text();
    expect(page).toContain('<strong>Facebook:</strong>');
    expect(page).not.toContain('Instagram');
  });

  it('passes the acceptance suite, skipping the checks that need Instagram', async () => {
    const { code, output } = await runSuite(['--base-url', service.baseUrl], env);
    const skipped = lines(output, 'SKIP  ');
    expect(skipped).toEqual([
      expect.stringMatching(/^SKIP {2}Instagram deletion callback .*: the stage does not serve instagram$/),
      expect.stringMatching(/^SKIP {2}Each Meta route refuses the other platform's secret .*instagram$/),
    ]);
    expect(lines(output, 'FAIL  ')).toEqual([]);
    expect(code).toBe(0);
  });
});
