// infra tests: each function of a stage that leaves a channel out starts (loads its handler, which reads its
// configuration at cold start) with exactly the environment the synthesized stack gives it, and no setting of
// the left-out channel. The stack's references (table names, secret ARNs, parameters) are given plausible
// values; nothing is called at load, so no AWS account is needed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { FUNCTIONS, type FunctionKey } from '../../functions/declarations/functions.js';
import type { PlatformChannel } from '../../functions/declarations/channels.js';
import { buildStack, logicalIdOf, resource } from './template-queries.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** A value of the shape the function expects, for each variable the template fills from a reference. */
function resolved(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (name.endsWith('_ARN')) return `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
  if (name === 'PUBLIC_BASE_URL') return 'https://privacy.example.com';
  if (name.endsWith('_URL')) return 'https://sqs.us-east-1.amazonaws.com/123456789012/deletion-jobs';
  if (name.endsWith('_APP_ID')) return '100000000000001';
  if (name.startsWith('RECEIPT_')) return '1234abcd-12ab-34cd-56ef-1234567890ab';
  if (name === 'SES_FROM_ADDRESS') return 'privacy@example.com';
  return `deletion-service-test-${name.toLowerCase().replace(/_/g, '-')}`;
}

type Stage = ReturnType<typeof buildStack>;

function environmentOf({ stack, template }: Stage, key: FunctionKey): Record<string, string> {
  const variables = (
    resource(template, logicalIdOf(stack.functions.function(key))).Properties?.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolved(name, value)]));
}

const stage = (channels: PlatformChannel[]): Stage => buildStack({ channels });

/** Loads the handler in a fresh process with only `environment` (and what Lambda itself sets). */
async function coldStart(key: FunctionKey, environment: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['test/support/cold-start.ts', FUNCTIONS[key].entry],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...environment },
        timeout: 60_000,
      },
    );
    return stdout.trim();
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error).trim();
  }
}

describe('a function starts without the settings of a channel its stage leaves out', () => {
  it('the Meta callbacks, on a stage without Instagram: no Instagram app id or secret', async () => {
    const stack = stage(['facebook', 'whatsapp']);
    const environment = environmentOf(stack, 'metaCallbacks');
    expect(Object.keys(environment).filter((name) => name.startsWith('INSTAGRAM_'))).toEqual([]);
    expect(await coldStart('metaCallbacks', environment)).toBe('started');
    // The same environment without the list of served channels (every one, then): it stops, naming what is missing.
    const everyChannel = Object.fromEntries(
      Object.entries(environment).filter(([name]) => name !== 'SERVED_CHANNELS'),
    );
    expect(await coldStart('metaCallbacks', everyChannel)).toBe(
      'ConfigError: Missing environment variable INSTAGRAM_APP_ID',
    );
  });

  it('the worker, on a stage with WhatsApp only: no Meta app id or app secret', async () => {
    const stack = stage(['whatsapp']);
    const environment = environmentOf(stack, 'deletionWorker');
    expect(Object.keys(environment)).not.toContain('META_APP_ID');
    expect(Object.keys(environment)).not.toContain('META_APP_SECRET_SECRET_ARN');
    expect(await coldStart('deletionWorker', environment)).toBe('started');
  });

  it('the worker and the form, on a stage without WhatsApp: no WhatsApp token or number', async () => {
    const stack = stage(['facebook', 'instagram']);
    for (const key of ['deletionWorker', 'selfService'] as const) {
      const environment = environmentOf(stack, key);
      expect(Object.keys(environment).filter((name) => name.startsWith('WHATSAPP_'))).toEqual([]);
      expect(await coldStart(key, environment)).toBe('started');
    }
  });
});
