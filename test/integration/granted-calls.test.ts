// integration: every DynamoDB call each function makes is one its role grants. The stack grants each
// function exactly the actions its declaration lists (test/infra checks the template); here the flows
// run against the stand-ins with every call recorded under the function that made it, so a declaration
// too narrow for its code fails here instead of in AWS.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FUNCTIONS, type FunctionDeclaration } from '../../functions/declarations/functions.js';
import { type DynamoDbCall } from '../../local/dynamodb-call-recorder.js';
import { LOCAL_DEFAULTS, startLocalService, type LocalService } from '../../local/local-service.js';
import { ANA, BEN, CLEO } from '../../local/seed-data.js';
import { eventually } from '../support/local-runner.js';
import { linkIn, mailTo } from '../support/mailbox.js';
import { callbackFormBody, deletionPayload, signRequest } from '../support/signing.js';
import { confirmLink } from '../support/verification-link.js';
import { change, envelope, inboundText, sign, status } from '../support/whatsapp-payloads.js';

let service: LocalService;

beforeAll(async () => {
  service = await startLocalService({
    env: { PORT: '0', SCHEDULE_INTERVAL_MS: '300', RECONCILE_GRACE_SECONDS: '1' },
  });
}, 120_000);
afterAll(() => service?.stop());

const declared = Object.values(FUNCTIONS) as FunctionDeclaration[];

/** The calls no declaration grants: an action on a table, or a Query on an index, it does not list. */
function ungranted(calls: readonly DynamoDbCall[]): DynamoDbCall[] {
  return calls.filter((call) => {
    const entry = declared
      .find((fn) => fn.id === call.functionId)
      ?.tables.find(({ table }) => table.id === call.tableName);
    if (!entry) return true;
    if (call.indexName) return call.action !== 'Query' || !entry.indexes.includes(call.indexName);
    return !(entry.actions as readonly string[]).includes(call.action);
  });
}

const now = () => Math.floor(Date.now() / 1000);

async function metaCallback(path: string, userId: string, secret: string) {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: callbackFormBody(signRequest(deletionPayload(userId, now()), secret)),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as { confirmation_code?: string };
}

async function whatsapp(body: string) {
  const response = await fetch(`${service.baseUrl}/whatsapp/webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': sign(body, LOCAL_DEFAULTS.WHATSAPP_APP_SECRET),
    },
    body,
  });
  expect(response.status).toBe(200);
}

async function selfService(identifier: string) {
  const response = await fetch(`${service.baseUrl}/deletion-requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier }),
  });
  expect(response.status).toBe(202);
}

async function privacyRequest(fields: Record<string, string>) {
  const response = await fetch(`${service.baseUrl}/privacy-requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fields),
  });
  expect(response.status).toBe(202);
}

/** The verification link of the newest mail to `address` whose subject starts with `subject`. */
async function mailedLink(address: string, subject: string): Promise<string> {
  return eventually(async () =>
    linkIn(
      (await mailTo(service.endpoints.ses, address))
        .filter((mail) => mail.subject.startsWith(subject))
        .at(-1),
      '/deletion-requests/verify?token=',
    ),
  );
}

async function statusOf(code: string) {
  const response = await fetch(`${service.baseUrl}/deletion-status?code=${code}`, {
    headers: { Accept: 'application/json' },
  });
  return (await response.json()) as { status?: string };
}

const finished = (code: string) =>
  eventually(async () => ((await statusOf(code)).status?.startsWith('completed') ? true : undefined), 60_000);

/** Confirms a verification link and returns the confirmation code it leads to. */
async function openLink(link: string): Promise<string> {
  const confirmed = await confirmLink(link, service.baseUrl);
  return new URL(confirmed.location).searchParams.get('code') ?? '';
}

describe('the DynamoDB calls of every flow', () => {
  it('flags a call that no declaration grants (the check can fail)', () => {
    expect(
      ungranted([
        { functionId: 'DeletionStatus', action: 'Scan', tableName: 'DeletionRequests' },
        {
          functionId: 'DeletionStatus',
          action: 'Query',
          tableName: 'DeletionRequests',
          indexName: 'openByDue',
        },
        { functionId: 'MetaCallbacks', action: 'BatchWriteItem', tableName: 'IntegrationTokens' },
        { functionId: 'DeletionStatus', action: 'GetItem', tableName: 'DeletionRequests' },
      ]),
    ).toHaveLength(3);
  });

  it('are all granted to the function that made them', async () => {
    const codes: string[] = [];
    // Meta: deletion callbacks on both platforms, a deauthorize that revokes stored tokens, and one
    // request whose job send fails so the reconciler enqueues it.
    codes.push(
      (await metaCallback('/meta/data-deletion', ANA.facebookAsid, LOCAL_DEFAULTS.META_APP_SECRET))
        .confirmation_code ?? '',
    );
    codes.push(
      (
        await metaCallback(
          '/instagram/data-deletion',
          CLEO.instagramScopedId,
          LOCAL_DEFAULTS.INSTAGRAM_APP_SECRET,
        )
      ).confirmation_code ?? '',
    );
    // Meta retries: the same user's callback again gets the same code.
    const replayed = await metaCallback(
      '/meta/data-deletion',
      ANA.facebookAsid,
      LOCAL_DEFAULTS.META_APP_SECRET,
    );
    expect(replayed.confirmation_code).toBe(codes[0]);
    await metaCallback('/meta/deauthorize', BEN.facebookAsid, LOCAL_DEFAULTS.META_APP_SECRET);
    await fetch(`${service.baseUrl}/__local/faults/sqs`, {
      method: 'POST',
      body: JSON.stringify({ action: 'SendMessage', count: 1 }),
    });
    codes.push(
      (await metaCallback('/meta/data-deletion', '10000000000009999', LOCAL_DEFAULTS.META_APP_SECRET))
        .confirmation_code ?? '',
    );

    // WhatsApp: a changed number, DELETE MY DATA, STOP from someone else, and a delivery status.
    await whatsapp(
      envelope([
        [
          change({
            messages: [
              {
                from: BEN.whatsappPhone,
                id: 'wamid.GRANTS.CHANGED',
                timestamp: String(now()),
                type: 'system',
                system: { body: 'changed', new_wa_id: '15550007777', type: 'user_changed_number' },
              },
            ],
          }),
        ],
      ]),
    );
    await whatsapp(inboundText('15550007777', 'wamid.GRANTS.DELETE', 'DELETE MY DATA'));
    await whatsapp(inboundText('15550008888', 'wamid.GRANTS.STOP', 'STOP'));
    await whatsapp(envelope([[change({ statuses: [status('wamid.GRANTS.DELETE', 'delivered')] })]]));

    // Self-service: an email verified by its link, a phone number verified over WhatsApp.
    await selfService(BEN.email);
    const mailed = await eventually(async () =>
      linkIn((await mailTo(service.endpoints.ses, BEN.email))[0], '/deletion-requests/verify?token='),
    );
    codes.push(await openLink(mailed));
    await whatsapp(inboundText(ANA.whatsappPhone, 'wamid.GRANTS.HI', 'hi'));
    await selfService(`+${ANA.whatsappPhone}`);
    const texted = await eventually(async () => {
      const calls = (await (await fetch(`${service.endpoints.graph}/__calls`)).json()) as {
        body?: { to?: string; text?: { body?: string } };
      }[];
      return calls
        .filter((call) => call.body?.to === ANA.whatsappPhone)
        .map(
          (call) =>
            /(http\S+\/deletion-requests\/verify\?token=[A-Za-z0-9_-]+)/.exec(
              call.body?.text?.body ?? '',
            )?.[1],
        )
        .find((link) => link !== undefined);
    });
    codes.push(await openLink(texted));

    // The other rights: a copy (then opened), a withdrawal, a correction of the name, and one of the
    // email address confirmed by a second link to the new address.
    await privacyRequest({ identifier: ANA.email, type: 'access' });
    const copy = await openLink(await mailedLink(ANA.email, 'Confirm your request for a copy'));
    codes.push(copy);
    await privacyRequest({ identifier: ANA.email, type: 'withdraw_consent', activity: 'analytics' });
    codes.push(await openLink(await mailedLink(ANA.email, 'Confirm your request to stop')));
    await privacyRequest({ identifier: ANA.email, type: 'correction', attribute: 'name', value: 'Ana M' });
    codes.push(await openLink(await mailedLink(ANA.email, 'Confirm your correction request')));
    await privacyRequest({
      identifier: CLEO.email,
      type: 'correction',
      attribute: 'email',
      value: 'cleo.new@example.com',
    });
    await openLink(await mailedLink(CLEO.email, 'Confirm your correction request'));
    codes.push(await openLink(await mailedLink('cleo.new@example.com', 'Confirm your new email address')));

    for (const code of codes) {
      expect(code).toMatch(/^[A-Za-z0-9]{24}$/);
      await finished(code);
    }
    expect((await fetch(`${service.baseUrl}/privacy-export?code=${copy}`)).status).toBe(200);
    expect((await fetch(`${service.baseUrl}/deletion-status?code=${codes[0]}`)).status).toBe(200);
    expect((await fetch(`${service.baseUrl}/.well-known/jwks.json`)).status).toBe(200);
    // Every scheduled function has run at least once more since the last request finished.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const calls = service.dynamoDbCalls();
    const callers = new Set(calls.map((call) => call.functionId));
    for (const fn of declared.filter((candidate) => candidate.tables.length > 0)) {
      expect([fn.id, callers.has(fn.id)]).toEqual([fn.id, true]);
    }
    expect(calls.filter((call) => call.functionId === 'unknown')).toEqual([]);
    expect(ungranted(calls)).toEqual([]);
  }, 180_000);
});
