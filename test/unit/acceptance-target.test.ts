// Unit tests for where the post-deploy acceptance suite points: the URLs and secrets from a base URL and
// the environment, or from `cdk deploy --outputs-file` and Secrets Manager.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LOCAL_DEFAULTS } from '../../local/local-service.js';
import { SECRETS_FILLED_CHECK, checksFor } from '../../scripts/acceptance/checks.js';
import { runAcceptance } from '../../scripts/acceptance/run.js';
import {
  currentSecretValue,
  readStackOutputs,
  targetFromBaseUrl,
  targetFromOutputs,
} from '../../scripts/acceptance/target.js';

const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
const DOMAIN = 'https://privacy.example.com';

/** The outputs a stack with a custom domain publishes (only those the suite reads). */
const OUTPUTS: Record<string, string> = {
  ApiBaseUrl: API,
  MetaDataDeletionCallbackUrl: `${DOMAIN}/meta/data-deletion`,
  MetaDeauthorizeCallbackUrl: `${DOMAIN}/meta/deauthorize`,
  InstagramDataDeletionCallbackUrl: `${DOMAIN}/instagram/data-deletion`,
  InstagramDeauthorizeCallbackUrl: `${DOMAIN}/instagram/deauthorize`,
  WhatsAppWebhookUrl: `${DOMAIN}/whatsapp/webhook`,
  StatusBaseUrl: `${DOMAIN}/deletion-status`,
  DataDeletionInstructionsUrl: `${DOMAIN}/delete-my-data`,
  DeletionRequestsUrl: `${DOMAIN}/deletion-requests`,
  MetaAppSecretName: 'DeletionService-prod/meta-app-secret',
  InstagramAppSecretName: 'DeletionService-prod/instagram-app-secret',
  WhatsappAppSecretName: 'DeletionService-prod/whatsapp-app-secret',
  WhatsappVerifyTokenSecretName: 'DeletionService-prod/whatsapp-verify-token',
};

function outputsFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'outputs-')), 'cdk-outputs.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('targetFromOutputs', () => {
  it('calls the URLs the stack published and reads each secret by its output name in the stack region', async () => {
    const reads: string[] = [];
    const target = await targetFromOutputs('DeletionService-prod', OUTPUTS, async (name, region) => {
      reads.push(`${region} ${name}`);
      return `value of ${name}`;
    });

    expect(target.urls.facebookDeletion).toBe(`${DOMAIN}/meta/data-deletion`);
    expect(target.urls.form).toBe(`${DOMAIN}/delete-my-data`);
    expect(target.urls.selfServiceRequests).toBe(`${DOMAIN}/deletion-requests`);
    expect(target.secrets.whatsappVerifyToken).toBe('value of DeletionService-prod/whatsapp-verify-token');
    expect(reads.sort()).toEqual([
      'eu-west-1 DeletionService-prod/instagram-app-secret',
      'eu-west-1 DeletionService-prod/meta-app-secret',
      'eu-west-1 DeletionService-prod/whatsapp-app-secret',
      'eu-west-1 DeletionService-prod/whatsapp-verify-token',
    ]);
  });

  it('refuses a missing output and a plain-http URL', async () => {
    const read = async () => 'secret';
    const { WhatsAppWebhookUrl: _omitted, ...missing } = OUTPUTS;
    await expect(targetFromOutputs('S', missing, read)).rejects.toThrow('no WhatsAppWebhookUrl');
    await expect(
      targetFromOutputs('S', { ...OUTPUTS, StatusBaseUrl: 'http://privacy.example.com/x' }, read),
    ).rejects.toThrow('must be https');
  });
});

describe('readStackOutputs', () => {
  it('takes the only stack, or the one named, and asks for --stack when there are several', () => {
    expect(readStackOutputs(outputsFile({ A: { x: '1' } })).stack).toBe('A');
    const several = outputsFile({ A: { x: '1' }, B: { x: '2' } });
    expect(readStackOutputs(several, 'B').outputs).toEqual({ x: '2' });
    expect(() => readStackOutputs(several)).toThrow('pick one with --stack');
    expect(() => readStackOutputs(several, 'C')).toThrow('has no stack C');
  });
});

describe('targetFromBaseUrl', () => {
  it("uses npm start's variables (the current of current,previous) and its defaults when unset", () => {
    const target = targetFromBaseUrl('http://127.0.0.1:3000/', { META_APP_SECRET: 'now,before' });
    expect(target.urls.status).toBe('http://127.0.0.1:3000/deletion-status');
    expect(target.secrets.metaAppSecret).toBe('now');
    expect(target.secrets.whatsappVerifyToken).toBe(LOCAL_DEFAULTS.WHATSAPP_VERIFY_TOKEN);
  });

  const STAGE_SECRETS = {
    META_APP_SECRET: 'm',
    INSTAGRAM_APP_SECRET: 'i',
    WHATSAPP_APP_SECRET: 'w',
    WHATSAPP_VERIFY_TOKEN: 'v',
  };

  it('keeps a stage path and refuses plain http beyond this machine', () => {
    expect(targetFromBaseUrl(`${API}/`, STAGE_SECRETS).urls.form).toBe(`${API}/delete-my-data`);
    expect(() => targetFromBaseUrl('http://privacy.example.com', STAGE_SECRETS)).toThrow('must be https');
  });

  it("refuses to sign with npm start's defaults for a stage beyond this machine, naming what is unset", () => {
    const { INSTAGRAM_APP_SECRET: _unset, ...three } = STAGE_SECRETS;
    expect(() => targetFromBaseUrl(API, three)).toThrow(/secrets.*: INSTAGRAM_APP_SECRET \(or use --outputs/);
    expect(() => targetFromBaseUrl(API, { ...STAGE_SECRETS, WHATSAPP_APP_SECRET: ' ' })).toThrow(
      'WHATSAPP_APP_SECRET',
    );
    expect(targetFromBaseUrl(API, STAGE_SECRETS).secrets.instagramAppSecret).toBe('i');
  });
});

describe('currentSecretValue', () => {
  it('reads "current" of the stored JSON and says when the secret is not filled', () => {
    expect(currentSecretValue('{"current":"a","previous":"b"}', 'n')).toBe('a');
    expect(() => currentSecretValue('{"placeholder":"x"}', 'n')).toThrow('no "current" value');
  });
});

describe('placeholder secrets', () => {
  it("names the Meta-issued secrets that still hold the stack's generated placeholder, and fails the run on them", async () => {
    const placeholder = 'Xq7'.padEnd(64, 'aB3');
    const target = await targetFromOutputs('S', OUTPUTS, async (name) =>
      name.includes('meta-app-secret') || name.includes('verify-token')
        ? placeholder
        : '0123456789abcdef0123456789abcdef',
    );
    expect(target.placeholderSecrets).toEqual(['metaAppSecret']);
    const report = await runAcceptance(target, { checks: [SECRETS_FILLED_CHECK], print: () => {} });
    expect(report.results[0]).toMatchObject({
      passed: false,
      detail: expect.stringContaining('metaAppSecret'),
    });

    const filled = await targetFromOutputs('S', OUTPUTS, async () => '0123456789abcdef0123456789abcdef');
    expect(filled.placeholderSecrets).toEqual([]);
    expect(checksFor(filled)[0]).toBe(SECRETS_FILLED_CHECK);
    expect(checksFor(targetFromBaseUrl('http://127.0.0.1:3000', {}))).not.toContain(SECRETS_FILLED_CHECK);
  });
});

describe('a stage that leaves channels out', () => {
  /** What a stage without Instagram publishes: no Instagram URL or secret, and the channels it serves. */
  const withoutInstagram = Object.fromEntries(
    Object.entries({ ...OUTPUTS, ServedChannels: 'facebook,whatsapp' }).filter(
      ([id]) => !/Instagram/.test(id),
    ),
  );

  it('reads the served channels from the outputs, and only their URLs and secrets', async () => {
    const reads: string[] = [];
    const target = await targetFromOutputs('S', withoutInstagram, async (name) => {
      reads.push(name);
      return 'a'.repeat(32);
    });
    expect([...target.channels]).toEqual(['facebook', 'whatsapp']);
    expect(target.urls.instagramDeletion).toBeUndefined();
    expect(target.urls.facebookDeletion).toBe(`${DOMAIN}/meta/data-deletion`);
    expect(reads.filter((name) => name.includes('instagram'))).toEqual([]);
    expect(target.secrets.instagramAppSecret).toBeUndefined();
  });

  it('treats a stack without the output as serving every channel (it needs every URL then)', async () => {
    const target = await targetFromOutputs('S', OUTPUTS, async () => 'a'.repeat(32));
    expect([...target.channels]).toEqual(['facebook', 'instagram', 'whatsapp']);
    const { ServedChannels: _absent, ...unsaid } = withoutInstagram;
    await expect(targetFromOutputs('S', unsaid, async () => 's')).rejects.toThrow(
      'no InstagramDataDeletionCallbackUrl',
    );
    const none = await targetFromOutputs('S', { ...OUTPUTS, ServedChannels: 'none' }, async () => 's');
    expect(none.channels.size).toBe(0);
  });

  it('skips the checks of the left-out channels, one line each with the reason', async () => {
    const target = await targetFromOutputs('S', withoutInstagram, async () => 'a'.repeat(32));
    const checks = checksFor(target).filter((check) => /Instagram|other platform/.test(check.name));
    const printed: string[] = [];
    const report = await runAcceptance(target, { checks, print: (line) => printed.push(line) });
    expect(report.passed).toBe(true);
    expect(report.results.map((result) => result.skipped)).toEqual([
      'the stage does not serve instagram',
      'the stage does not serve instagram',
    ]);
    expect(printed).toContain('Channels the stage serves: facebook, whatsapp');
    expect(printed).toContain('Skipped 2 checks of the channels the stage does not serve: instagram.');
  });

  it("needs only the served channels' secrets for a stage beyond this machine (SERVED_CHANNELS)", () => {
    const rest = { META_APP_SECRET: 'm', WHATSAPP_VERIFY_TOKEN: 'v' };
    expect(() => targetFromBaseUrl(API, rest)).toThrow('INSTAGRAM_APP_SECRET');
    const target = targetFromBaseUrl(API, { ...rest, SERVED_CHANNELS: 'facebook' });
    expect(Object.keys(target.secrets)).toEqual(['metaAppSecret']);
    expect(target.urls.whatsappWebhook).toBeUndefined();
    expect(() => targetFromBaseUrl(API, { ...rest, SERVED_CHANNELS: 'facebook,telegram' })).toThrow(
      'SERVED_CHANNELS names unknown channels: telegram',
    );
  });
});
