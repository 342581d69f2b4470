// e2e: the receipt as people and verifiers meet it, against the local runner: the JWKS endpoint, the
// status JSON and page, and `npm run receipt -- verify` with a code, a file, and a changed file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyReceipt } from '../../functions/core/receipt-verification.js';
import { ANA } from '../../local/seed-data.js';
import { eventually, startRunner, type RunningService } from '../support/local-runner.js';
import { runScript, type CliResult } from '../support/requests-cli.js';
import { callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';

const SECRET = 'e2e-receipt-meta-app-secret';

let service: RunningService;
let folder: string;

beforeAll(async () => {
  service = await startRunner({ META_APP_SECRET: SECRET });
  folder = mkdtempSync(path.join(tmpdir(), 'receipt-'));
}, 60_000);

afterAll(async () => {
  await service?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function receiptCli(args: readonly string[]): Promise<CliResult> {
  return runScript('scripts/receipt.ts', args);
}

async function completedCode(): Promise<string> {
  const body = callbackFormBody(
    signRequest(deletionPayload(ANA.facebookAsid, Math.floor(Date.now() / 1000)), SECRET),
  );
  const answer = (await (
    await fetch(`${service.baseUrl}/meta/data-deletion`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    })
  ).json()) as { confirmation_code: string };
  await eventually(async () => {
    const view = (await (
      await fetch(`${service.baseUrl}/deletion-status?code=${answer.confirmation_code}`, {
        headers: { Accept: 'application/json' },
      })
    ).json()) as { receipt?: string };
    return view.receipt;
  });
  return answer.confirmation_code;
}

describe('deletion receipts, end to end', () => {
  let code: string;
  let receipt: string;

  it('publishes the current and the previous key at /.well-known/jwks.json, cacheable and open to any origin', async () => {
    const response = await fetch(`${service.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
    expect((await fetch(`${service.baseUrl}/.well-known/jwks.json`, { method: 'POST' })).status).toBe(405);
  });

  it('puts the receipt in the status JSON and offers it on the page once the request completed', async () => {
    code = await completedCode();
    const view = (await (
      await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
        headers: { Accept: 'application/json' },
      })
    ).json()) as { receipt: string; status: string };
    receipt = view.receipt;
    const jwks = (await (await fetch(`${service.baseUrl}/.well-known/jwks.json`)).json()) as {
      keys: unknown[];
    };
    expect(verifyReceipt(receipt, jwks.keys).ok).toBe(true);
    const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
    expect(page).toContain(`href="data:application/jose,${receipt}" download="deletion-receipt.jws"`);
    expect(page).toContain('check that we deleted what it lists');
  }, 60_000);

  it('verifies a confirmation code with the receipt command and prints the receipt in words', async () => {
    const result = await receiptCli(['verify', code, '--service', service.baseUrl]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('VALID: signed with key');
    expect(result.stdout).toContain(`It belongs to confirmation code ${code}.`);
    expect(result.stdout).toContain(
      'made through Facebook, covering the data received through Facebook and Instagram',
    );
    expect(result.stdout).toMatch(/Deleted:\n( {2}\d+ records? \([a-z ,]+\)\n)+/);
    expect(result.stdout).toMatch(/ {2}\d+ records? \(meta pages, meta page roles, /);
    expect(result.stdout).not.toContain(ANA.facebookAsid);
  }, 60_000);

  it('verifies a saved file against a saved JWKS with no network, and refuses a changed one', async () => {
    const file = path.join(folder, 'deletion-receipt.jws');
    const keys = path.join(folder, 'jwks.json');
    writeFileSync(file, `${receipt}\n`);
    writeFileSync(keys, await (await fetch(`${service.baseUrl}/.well-known/jwks.json`)).text());
    const valid = await receiptCli(['verify', file, '--jwks', keys, '--json']);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, claims: { channel: 'facebook' } });

    const [header, payload = '', signature] = receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, outcome: 'no_data_held' })).toString('base64url');
    writeFileSync(file, `${header}.${forged}.${signature}`);
    const changed = await receiptCli(['verify', file, '--jwks', keys]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('NOT VALID: the signature does not match');

    const otherCode = await receiptCli([
      'verify',
      receipt,
      '--jwks',
      keys,
      '--code',
      'AAAAAAAAAAAAAAAAAAAAAAAA',
    ]);
    expect(otherCode.code).toBe(1);
    expect(otherCode.stdout).toContain('belongs to another confirmation code');
  }, 60_000);

  it('explains what it needs instead of failing obscurely', async () => {
    const noService = await receiptCli(['verify', 'AAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(noService.code).toBe(2);
    expect(noService.stderr).toContain('--service');
    const usage = await receiptCli(['check']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run receipt -- verify');
  }, 60_000);
});
