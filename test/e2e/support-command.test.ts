// e2e: the support command as support staff use it against `npm start`: plain one-line refusals, how
// to point it at a stack, a failed request's cause in words (the step, Meta's error, when), redrive
// listing what it moved, and the local rehearsal controls (fault injection and clearing, rate limits).
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  eventually,
  localQueues,
  START_TIMEOUT_MS,
  startRunner,
  type RunningService,
} from '../support/local-runner.js';
import { runRequestsCli, runScript } from '../support/requests-cli.js';

let service: RunningService;

beforeAll(async () => {
  service = await startRunner({ SELF_SERVICE_LIMIT_PER_IDENTIFIER: '1' });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
});

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as Record<string, unknown>;
}

async function fileRequest(identifier: string): Promise<{ code: string; requestId: string }> {
  const filed = await runRequestsCli(service.baseUrl, [
    'file',
    '--identifier',
    identifier,
    '--verified-by',
    'called back on the number we hold',
    '--by',
    'dana',
  ]);
  expect(filed.code).toBe(0);
  return {
    code: /Confirmation code: (\S+)/.exec(filed.stdout)?.[1] ?? '',
    requestId: /Filed (\S+)/.exec(filed.stdout)?.[1] ?? '',
  };
}

const completed = (code: string) =>
  eventually(async () => (String((await statusOf(code)).status).startsWith('completed') ? true : undefined));

describe('refusals and where to point the command', () => {
  it('refuses an unknown request in one line, exit 1, without the usage text', async () => {
    const result = await runRequestsCli(service.baseUrl, ['show', 'AAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'No request has the confirmation code AAAAAAAAAAAAAAAAAAAAAAAA in this stack.\n',
    );
  });

  it('refuses to retry a request that is not failed, saying what it is', async () => {
    const { code, requestId } = await fileRequest('account_id=acct_nobody_retry');
    await completed(code);
    const result = await runRequestsCli(service.baseUrl, ['retry', code]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Cannot retry ${requestId}: it is completed, and only a failed request can be retried.\n`,
    );
  });

  it('refuses an identifier the form would refuse in one line', async () => {
    const result = await runRequestsCli(service.baseUrl, [
      'file',
      '--identifier',
      'facebook_asid=ana',
      '--verified-by',
      'x',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Refused facebook_asid: /);
  });

  it('says how to point the command at a stack when given none', async () => {
    const result = await runScript('scripts/requests.ts', ['list', 'open']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--local http://127.0.0.1:3000');
    expect(result.stderr).toContain('--outputs cdk-outputs.json');
    expect(result.stderr).not.toContain('Usage');
  });

  it('names the URL it tried when the local stack is not there', async () => {
    const port = await closedPort();
    const result = await runRequestsCli(`http://127.0.0.1:${port}`, ['list', 'open']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Could not reach the local stack at http://127.0.0.1:${port}/__local/info (connection refused): is npm start running? Give --local the "API:" address it prints.\n`,
    );
  });

  it('treats an unknown option as a usage error, not a crash', async () => {
    const result = await runRequestsCli(service.baseUrl, ['list', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown option '--bogus'\n\nUsage:/);
  });
});

describe('a failed request, as support sees it', () => {
  it("shows the step, Meta's error code and message, and when; each failed attempt carries its reason", async () => {
    const armed = await fetch(`${service.endpoints.graph}/__faults`, {
      method: 'POST',
      body: JSON.stringify({
        status: 403,
        body: {
          error: {
            message: '(#200) Permissions error',
            type: 'OAuthException',
            code: 200,
            fbtrace_id: 'Trace1',
          },
        },
        count: 2,
      }),
    });
    expect(armed.ok).toBe(true);
    const { code } = await fileRequest('facebook_asid=10000000000000009');
    await eventually(async () =>
      (await runRequestsCli(service.baseUrl, ['show', code])).stdout.includes('failed  —') ? true : undefined,
    );
    const shown = (await runRequestsCli(service.baseUrl, ['show', code])).stdout;
    const cause =
      'step meta-grant-revocation: Graph API error code 200 (permission, HTTP 403): "(#200) Permissions error" (fbtrace_id Trace1)';
    expect(shown).toMatch(
      new RegExp(`^last failure \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(attempt \\d\\): ${escape(cause)}$`, 'm'),
    );
    expect(shown).toMatch(new RegExp(`^  \\S+  failed  — ${escape(cause)}$`, 'm'));
    expect(shown).toMatch(/^identifier hashes: facebook_asid [\w-]{22}$/m);
    expect(shown).not.toContain('10000000000000009');
    // Two faults, then the automatic retry goes through.
    await completed(code);
    const after = (await runRequestsCli(service.baseUrl, ['show', code])).stdout;
    for (const line of after.split('\n').filter((l) => /\d\d\dZ {2}failed/.test(l)))
      expect(line).toContain(' — step ');
  });

  it('labels a request filed with a WhatsApp number as taken by support, not as an email', async () => {
    const { code } = await fileRequest('whatsapp_phone=+1 555 000 0009');
    const shown = (await runRequestsCli(service.baseUrl, ['show', code])).stdout;
    expect(shown.split('\n')[0]).toMatch(/ support( |$)/);
    expect(shown).not.toMatch(/ email( |$)/m);
    expect(shown).toMatch(/^identifier hashes: whatsapp_phone [\w-]{22}$/m);
    expect((await statusOf(code)).channel).toBe('support');
    const page = await (await fetch(`${service.baseUrl}/deletion-status?code=${code}`)).text();
    expect(page).toContain('Our support team');
    expect(page).not.toContain('Email to our support team');
  });
});

describe('redrive', () => {
  it('lists the requests it moved and records nothing on one already finished', async () => {
    const finished = await fileRequest('account_id=acct_nobody_redrive');
    await completed(finished.code);
    const { sqs, ...info } = await localQueues(service);
    try {
      for (const requestId of [finished.requestId, 'req_unknown_request'])
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: info.deadLetterQueueUrl,
            MessageBody: JSON.stringify({ v: 1, requestId }),
          }),
        );
    } finally {
      sqs.destroy();
    }
    const redriven = await runRequestsCli(service.baseUrl, ['redrive', '--by', 'dana']);
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toMatch(
      new RegExp(
        `^  ${finished.requestId}  ${finished.code}  deletion  completed .*already finished: the worker will drop the job; nothing recorded$`,
        'm',
      ),
    );
    expect(redriven.stdout).toMatch(
      /^ {2}req_unknown_request {2}no such request: the worker will drop the job$/m,
    );
    expect(redriven.stdout).toContain('Redrove 2 job(s) from the dead-letter queue');
    expect((await runRequestsCli(service.baseUrl, ['show', finished.code])).stdout).not.toContain('redriven');
  });
});

describe('local rehearsal controls', () => {
  it('arms, shows and clears SQS faults', async () => {
    const faults = `${service.baseUrl}/__local/faults/sqs`;
    await service.failSqs('SendMessage', 3);
    expect(await (await fetch(faults)).json()).toEqual({ pending: { SendMessage: 3 } });
    const cleared = await fetch(faults, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ pending: {} });
    // Nothing left armed: a filed request is queued at once.
    const filed = await runRequestsCli(service.baseUrl, [
      'file',
      '--identifier',
      'account_id=acct_after_clear',
      '--verified-by',
      'x',
    ]);
    expect(filed.stdout).not.toContain('Not queued yet');
  });

  it('forgets the self-service rate limits on request', async () => {
    const ask = () =>
      fetch(`${service.baseUrl}/deletion-requests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ identifier: 'rehearsal@example.com' }),
      });
    expect((await ask()).status).toBe(202);
    expect((await ask()).status).toBe(429); // one a day here (SELF_SERVICE_LIMIT_PER_IDENTIFIER=1)
    const reset = await fetch(`${service.baseUrl}/__local/rate-limits`, { method: 'DELETE' });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { removed: number }).removed).toBeGreaterThan(0);
    expect((await ask()).status).toBe(202);
  });
});

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
