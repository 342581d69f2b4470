// e2e: the post-deploy acceptance suite (`npm run test:deployed`) as an operator runs it: against the local
// service it passes and leaves only finished requests for synthetic ids; against an impostor that answers
// 200 with a plausible body to everything, and against a form that posts outside its stage, it fails.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderRequestForm } from '../../functions/core/self-service-pages.js';
import { DEFAULT_CONTACT } from '../../functions/core/status-page.js';
import { CHECKS, JWKS_CHECK, JWKS_PATH, checksFor } from '../../scripts/acceptance/checks.js';
import { runAcceptance } from '../../scripts/acceptance/run.js';
import { targetFromBaseUrl } from '../../scripts/acceptance/target.js';
import { START_TIMEOUT_MS, startRunner, type RunningService } from '../support/local-runner.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECRETS = {
  META_APP_SECRET: 'acceptance-meta-secret',
  INSTAGRAM_APP_SECRET: 'acceptance-instagram-secret',
  WHATSAPP_APP_SECRET: 'acceptance-whatsapp-secret',
  WHATSAPP_VERIFY_TOKEN: 'acceptance-verify-token',
};

/** Runs `npm run test:deployed`'s entry point as the operator would. */
function runSuite(args: string[], env: Record<string, string> = {}) {
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

const lineOf = (output: string, name: string) => output.split('\n').find((line) => line.includes(name)) ?? '';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('npm run test:deployed against the local service', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startRunner(SECRETS);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await service?.stop();
  });

  it('passes every check, prints one line each and a summary, and exits 0', async () => {
    const { code, output } = await runSuite(['--base-url', service.baseUrl], SECRETS);

    const checks = checksFor(targetFromBaseUrl(service.baseUrl, SECRETS));
    expect(output).toContain(`PASSED: ${checks.length} of ${checks.length} checks passed`);
    for (const check of checks) expect(lineOf(output, check.name)).toMatch(/^PASS {2}/);
    expect(output).toContain('Every request it created is finished.');
    expect(code).toBe(0);
  }, 120_000);

  it('leaves nothing but finished requests for synthetic ids, which hold no identifier', async () => {
    const before = await service.scan('DeletionRequests');
    const { code, output } = await runSuite(['--base-url', service.baseUrl], SECRETS);
    expect(code).toBe(0);

    const created = [
      ...output.matchAll(
        /(?:facebook|instagram) request ([A-Za-z0-9]{24}) \(synthetic id (99999\d{12}), completed\)/g,
      ),
    ].map((match) => ({ code: match[1], id: match[2] ?? '' }));
    expect(created).toHaveLength(2);
    const codes = created.map((request) => request.code);
    const seen = new Set(before.map((item) => JSON.stringify(item)));
    const added = (await service.scan('DeletionRequests')).filter((item) => !seen.has(JSON.stringify(item)));
    const requests = added.filter((item) => String(item.pk).startsWith('REQUEST#'));
    expect(requests.map((item) => item.confirmationCode).sort()).toEqual([...codes].sort());
    for (const request of requests) {
      expect(request.status).toBe('completed');
    }
    // Completed requests forget the raw identifiers: no table holds the synthetic ids any more.
    const everything = JSON.stringify(await service.scanAll());
    for (const { id } of created) expect(everything).not.toContain(id);
  }, 120_000);

  it('fails when the service was given other secrets than the suite', async () => {
    const { code, output } = await runSuite(['--base-url', service.baseUrl], {
      ...SECRETS,
      META_APP_SECRET: 'not-the-deployed-secret',
    });
    expect(lineOf(output, 'Facebook deletion callback')).toMatch(/^FAIL {2}.*expected HTTP 200, got 403/);
    expect(output).toMatch(/^FAILED: /m);
    expect(code).toBe(1);
  }, 120_000);
});

describe('npm run test:deployed against an impostor', () => {
  let impostor: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // Answers every request with 200 and a body that looks like each kind of real answer at once.
    impostor = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const code = 'ImpostorCode0123456789ab';
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
          'X-Robots-Tag': 'noindex',
          'Content-Security-Policy': "default-src 'none'",
        });
        res.end(
          JSON.stringify({
            url: `${baseUrl}/deletion-status?code=${code}`,
            confirmation_code: code,
            status: 'completed',
            no_data_held: true,
            html: '<form method="post" action="deletion-requests"></form>',
          }),
        );
      });
    });
    baseUrl = await listen(impostor);
  });

  afterAll(async () => {
    await new Promise((resolve) => impostor.close(resolve));
  });

  it('fails, and says which answers gave it away', async () => {
    const { code, output } = await runSuite(['--base-url', baseUrl]);

    expect(code).toBe(1);
    expect(output).toMatch(/^FAILED: /m);
    for (const name of [
      'WhatsApp handshake echoes the challenge',
      'wrong verify token is refused',
      'Instagram deletion callback',
      'Forged and mis-signed callbacks are refused',
      'Malformed callbacks are refused',
      'An oversized callback is refused',
      'Stale and future-dated callbacks are refused',
      'Unsigned and mis-signed WhatsApp webhooks are refused',
      'An unknown confirmation code gets 404',
      'The self-service form page',
    ]) {
      expect(lineOf(output, name)).toMatch(/^FAIL {2}/);
    }
  }, 120_000);
});

describe('the form check', () => {
  let server: Server;
  let baseUrl: string;
  let action = '';

  beforeAll(async () => {
    // The API's default URL puts every route under /<stage>; the root answers 403 as API Gateway does.
    server = createServer((req, res) => {
      if (req.url === '/prod/delete-my-data') {
        const page = renderRequestForm({}, DEFAULT_CONTACT).replace(/action="[^"]*"/, `action="${action}"`);
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Security-Policy': "default-src 'none'" });
        return res.end(page);
      }
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end('{"message":"Missing Authentication Token"}');
    });
    baseUrl = `${await listen(server)}/prod`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const formCheck = CHECKS.filter((check) => check.name.startsWith('The self-service form page'));

  it('fails for a form that posts to the domain root instead of the stage', async () => {
    action = '/deletion-requests';
    const report = await runAcceptance(targetFromBaseUrl(baseUrl, {}), {
      checks: formCheck,
      print: () => {},
    });
    expect(report.passed).toBe(false);
    expect(report.results[0]?.detail).toContain(`not ${baseUrl}/deletion-requests`);
  });

  it("passes for the service's own form under a stage path", async () => {
    action = /action="([^"]*)"/.exec(renderRequestForm({}, DEFAULT_CONTACT))?.[1] ?? '';
    const report = await runAcceptance(targetFromBaseUrl(baseUrl, {}), {
      checks: formCheck,
      print: () => {},
    });
    expect(report.results[0]).toMatchObject({ passed: true });
  });
});

describe('the JWKS check', () => {
  let server: Server;
  let baseUrl: string;
  let keySet: unknown;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(keySet));
    });
    baseUrl = await listen(server);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const run = async () => {
    const target = { ...targetFromBaseUrl(baseUrl, {}), routeUrl: () => `${baseUrl}${JWKS_PATH}` };
    return (await runAcceptance(target, { checks: [JWKS_CHECK], print: () => {} })).results[0];
  };
  const publicKey = { kty: 'EC', crv: 'P-256', kid: 'receipts-1', x: 'AAAA', y: 'BBBB', use: 'sig' };

  it('passes for a set of public EC P-256 keys', async () => {
    keySet = { keys: [publicKey] };
    expect(await run()).toMatchObject({ passed: true, detail: '1 key(s)' });
  });

  it('fails for a key with its private part, an empty set, or a plausible body without keys', async () => {
    for (const [body, why] of [
      [{ keys: [{ ...publicKey, d: 'CCCC' }] }, 'publishes its private part'],
      [{ keys: [] }, 'no "keys"'],
      [{ url: 'https://x', confirmation_code: 'x' }, 'no "keys"'],
    ] as const) {
      keySet = body;
      expect(await run()).toMatchObject({ passed: false, detail: expect.stringContaining(why) });
    }
  });

  it('is part of the suite only where the stage declares the route', () => {
    const target = targetFromBaseUrl(baseUrl, {});
    expect(checksFor(target).includes(JWKS_CHECK)).toBe(target.routeUrl(JWKS_PATH) !== undefined);
    expect(checksFor({ ...target, routeUrl: () => `${baseUrl}${JWKS_PATH}` })).toContain(JWKS_CHECK);
  });
});
