// e2e: the post-deploy acceptance suite (`npm run test:deployed`) as an operator runs it: against the local
// service it passes and leaves only finished requests for synthetic ids; against an impostor that answers
// 200 with a plausible body to everything, and against a form that posts outside its stage, it fails.
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { renderRequestForm } from '../../functions/core/rights-pages.js';
import { DEFAULT_CONTACT } from '../../functions/core/status-page.js';
import {
  CHECKS,
  JWKS_CHECK,
  JWKS_PATH,
  RECEIPT_CHECK,
  checksFor,
  type Check,
} from '../../scripts/acceptance/checks.js';
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
    expect(lineOf(output, 'Facebook deletion callback')).toMatch(
      /^FAIL {2}.*\(refused: does the stage hold this Meta app secret\?\): expected HTTP 200, got 403/,
    );
    expect(output).toMatch(/^FAILED: /m);
    expect(code).toBe(1);
    // The Instagram request it could create is still followed to the end, and its receipt checked.
    expect(lineOf(output, 'Both status pages')).toMatch(
      /^FAIL {2}.*: facebook: no facebook request to look at/,
    );
    expect(lineOf(output, 'Both status pages')).not.toContain('instagram:');
    expect(lineOf(output, "Each finished request's receipt verifies")).toMatch(/^PASS {2}.*: instagram /);
    expect(output).toContain('Every request it created is finished.');
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
      "Each Meta route refuses the other platform's secret",
      'A login-shaped signed_request',
      'Malformed callbacks are refused',
      'An oversized callback is refused',
      'Stale and future-dated callbacks are refused',
      'Unsigned and mis-signed WhatsApp webhooks are refused',
      'An unknown confirmation code gets 404',
      'The self-service form page',
      "Each finished request's receipt verifies",
    ]) {
      expect(lineOf(output, name)).toMatch(/^FAIL {2}/);
    }
  }, 120_000);
});

describe('against a service that checks signatures but not whose they are or what they carry', () => {
  let server: Server;
  let baseUrl: string;
  const META = 'lenient-meta-secret';
  const INSTAGRAM = 'lenient-instagram-secret';

  beforeAll(async () => {
    // Accepts a valid signature with either app's secret on every Meta route, and reads past `code` and
    // `oauth_token`: the holes the checks below exist for. Forged signatures it refuses, as it should.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const [signature = '', payload = ''] = (new URLSearchParams(body).get('signed_request') ?? '').split(
          '.',
        );
        const signedWith = [META, INSTAGRAM].some(
          (secret) => createHmac('sha256', secret).update(payload).digest('base64url') === signature,
        );
        if (!signedWith) {
          res.writeHead(403).end();
          return;
        }
        const code = randomBytes(18).toString('base64url').replace(/[-_]/g, 'A').slice(0, 24);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ url: `${baseUrl}/deletion-status?code=${code}`, confirmation_code: code }));
      });
    });
    baseUrl = await listen(server);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const checksNamed = (...prefixes: string[]) =>
    CHECKS.filter((check) => prefixes.some((prefix) => check.name.startsWith(prefix)));
  const target = () => targetFromBaseUrl(baseUrl, { META_APP_SECRET: META, INSTAGRAM_APP_SECRET: INSTAGRAM });

  it('fails the cross-platform and login-shaped checks, and says which request got through', async () => {
    const report = await runAcceptance(target(), {
      checks: checksNamed('Forged and mis-signed', 'Each Meta route refuses', 'A login-shaped'),
      print: () => {},
    });
    const [forged, crossPlatform, loginShaped] = report.results;
    expect(forged).toMatchObject({ passed: true });
    expect(crossPlatform).toMatchObject({
      passed: false,
      detail: 'Facebook-signed callback on the Instagram route: expected HTTP 403, got 200',
    });
    expect(loginShaped).toMatchObject({
      passed: false,
      detail: 'Facebook callback carrying code: expected HTTP 400, got 200',
    });
  });

  it('fails the cross-platform check when both apps were given the same secret', async () => {
    const report = await runAcceptance(
      targetFromBaseUrl(baseUrl, { META_APP_SECRET: META, INSTAGRAM_APP_SECRET: META }),
      { checks: checksNamed('Each Meta route refuses'), print: () => {} },
    );
    expect(report.results[0]).toMatchObject({
      passed: false,
      detail: expect.stringContaining('the Facebook and Instagram app secrets are the same'),
    });
  });
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

describe('the receipt check', () => {
  let server: Server;
  let baseUrl: string;
  let published: JSONWebKeySet;
  const CODE = 'ReceiptCheckCode01234567';
  const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(published));
    });
    baseUrl = await listen(server);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function keyPair(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }

  async function receipt(
    privateKey: Parameters<SignJWT['sign']>[0],
    kid: string,
    claims: Record<string, unknown>,
  ) {
    return new SignJWT({
      confirmation_code_sha256: sha256(CODE),
      channel: 'facebook',
      outcome: 'no_data_held',
      kid,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'deletion-receipt+jwt', kid })
      .setIssuedAt()
      .sign(privateKey);
  }

  /** Runs the receipt check on one finished Facebook request whose status showed `jws`. */
  async function check(jws: string | undefined) {
    const seed: Check = {
      name: 'seed',
      async run({ state }) {
        state.created.set('facebook', {
          signedRequest: 'x.y',
          confirmationCode: CODE,
          statusUrl: `${baseUrl}/deletion-status?code=${CODE}`,
          lastStatus: 'completed',
          ...(jws ? { receipt: jws } : {}),
        });
      },
    };
    const target = { ...targetFromBaseUrl(baseUrl, {}), routeUrl: () => `${baseUrl}${JWKS_PATH}` };
    return (await runAcceptance(target, { checks: [seed, RECEIPT_CHECK], print: () => {} })).results[1];
  }

  it('passes for a receipt signed with a published key, for this request and outcome', async () => {
    const current = await keyPair('current');
    published = { keys: [current.jwk] };
    expect(await check(await receipt(current.privateKey, 'current', {}))).toMatchObject({
      passed: true,
      detail: 'facebook current',
    });
  });

  it('fails for a receipt signed with an unpublished key, of another request, another outcome, or none', async () => {
    const current = await keyPair('current');
    const other = await keyPair('current');
    published = { keys: [current.jwk] };
    for (const [jws, why] of [
      [await receipt(other.privateKey, 'current', {}), 'does not verify'],
      [
        await receipt(current.privateKey, 'current', { confirmation_code_sha256: sha256('x') }),
        'another request',
      ],
      [await receipt(current.privateKey, 'current', { outcome: 'completed' }), 'should hold no data'],
      [await receipt(current.privateKey, 'current', { channel: 'instagram' }), 'channel instagram'],
      [undefined, 'shows no receipt'],
    ] as const) {
      expect(await check(jws)).toMatchObject({ passed: false, detail: expect.stringContaining(why) });
    }
  });
});
