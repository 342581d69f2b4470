// acceptance: the checks of the post-deploy suite, black-box over HTTP(S) as Meta, WhatsApp and people
// use the service. Signatures are computed here from the platforms' recipes, independently of the
// service's own code, so a verifier that agrees with a wrong signer cannot pass. Each check fails
// unless the answer is one only the real service gives: a server that answers 200 to everything fails.
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { PlatformChannel } from '../../functions/declarations/channels.js';
import type { AcceptanceTarget, RouteKey, SecretKey } from './target.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** What the checks found and made, shared between them (later checks use earlier answers). */
export interface SuiteState {
  readonly startedAt: number;
  /** Synthetic Meta user ids: never a real person's (random, prefixed 99999). */
  readonly facebookUserId: string;
  readonly instagramUserId: string;
  /** Requests the suite created: what it leaves behind. */
  readonly created: Map<'facebook' | 'instagram', CreatedRequest>;
  /** A delivery status for a synthetic message id was accepted (leaves a hashed receipt). */
  statusReceiptSent: boolean;
}

export interface CreatedRequest {
  readonly signedRequest: string;
  readonly confirmationCode: string;
  readonly statusUrl: string;
  /** The last status seen on its status page. */
  lastStatus?: string;
  /** The signed receipt its finished status shows (stages that publish receipt keys). */
  receipt?: string;
}

export interface CheckContext {
  readonly target: AcceptanceTarget;
  readonly state: SuiteState;
  readonly request: (url: string, init?: RequestInit) => Promise<HttpAnswer>;
  /** Milliseconds until the suite's time budget is spent. */
  readonly remainingMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface Check {
  readonly name: string;
  /**
   * The platform channels it exercises: on a stage that leaves them out it is skipped, and the run says so.
   * It needs every one of them, or with `anyChannel` at least one (it then covers the served ones).
   */
  readonly channels?: readonly PlatformChannel[];
  readonly anyChannel?: boolean;
  /** Throws CheckFailure (or any error) when the service does not behave; may return a short detail. */
  readonly run: (context: CheckContext) => Promise<string | void>;
}

export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

function expectStatus(answer: HttpAnswer, wanted: number, what: string): void {
  expect(answer.status === wanted, `${what}: expected HTTP ${wanted}, got ${answer.status}`);
}

/** Why a check does not run on this target (a channel the stage does not serve), or undefined when it runs. */
export function skipReason(check: Check, target: AcceptanceTarget): string | undefined {
  const missing = (check.channels ?? []).filter((channel) => !target.channels.has(channel));
  if (missing.length === 0 || (check.anyChannel && missing.length < (check.channels ?? []).length))
    return undefined;
  return `the stage does not serve ${missing.join(' or ')}`;
}

/** A route's URL; a check runs only where its channel's routes exist, so a missing one is the stage's fault. */
function urlOf(target: AcceptanceTarget, key: RouteKey): string {
  const url = target.urls[key];
  expect(url, `the stage has no URL for ${key}`);
  return url;
}

function secretOf(target: AcceptanceTarget, key: SecretKey): string {
  const secret = target.secrets[key];
  expect(secret !== undefined, `no ${key} to sign with`);
  return secret;
}

type MetaPlatform = 'facebook' | 'instagram';

/** The Meta platforms the stage serves, Facebook first. */
function metaPlatformsOf(target: AcceptanceTarget): MetaPlatform[] {
  return (['facebook', 'instagram'] as const).filter((platform) => target.channels.has(platform));
}

const DELETION_ROUTE = { facebook: 'facebookDeletion', instagram: 'instagramDeletion' } as const;
const APP_SECRET = { facebook: 'metaAppSecret', instagram: 'instagramAppSecret' } as const;

function json(answer: HttpAnswer): Record<string, unknown> {
  try {
    const value = JSON.parse(answer.text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// Meta's signed_request: base64url(HMAC-SHA256(secret, payload)) + '.' + payload, payload = base64url(json).
const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

export function signedRequest(payload: object, secret: string): string {
  const encoded = base64url(JSON.stringify(payload));
  return `${base64url(createHmac('sha256', secret).update(encoded).digest())}.${encoded}`;
}

/** WhatsApp's X-Hub-Signature-256: sha256= and the hex HMAC-SHA256 of the exact body bytes. */
export function hubSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function deletionPayload(userId: string, issuedAt = nowSeconds()): Record<string, unknown> {
  return { algorithm: 'HMAC-SHA256', expires: issuedAt + 3600, issued_at: issuedAt, user_id: userId };
}

/** A synthetic app-scoped id: the digit-string shape Meta uses, random, prefixed 99999. */
export function syntheticUserId(): string {
  return `99999${String(randomInt(0, 1e12)).padStart(12, '0')}`;
}

/** A secret that is not the service's: what a forger would have. */
const forgedSecret = () => randomBytes(16).toString('hex');

const FORM = 'application/x-www-form-urlencoded';
const formBody = (value: string) => new URLSearchParams({ signed_request: value }).toString();

async function postCallback(context: CheckContext, url: string, body: string, contentType = FORM) {
  return context.request(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
}

const CODE = /^[A-Za-z0-9]{24}$/;
const FINISHED = new Set(['completed', 'completed_with_retention']);

/** A deletion callback's answer: 200, JSON {url, confirmation_code}, the url a status link carrying that code. */
function deletionAnswer(answer: HttpAnswer, what: string): { url: string; code: string } {
  expectStatus(answer, 200, what);
  expect(
    /^application\/json/i.test(answer.headers.get('content-type') ?? ''),
    `${what}: not JSON (${answer.headers.get('content-type')})`,
  );
  const body = json(answer);
  const code = body.confirmation_code;
  const url = body.url;
  expect(typeof code === 'string' && CODE.test(code), `${what}: confirmation_code is not 24 letters/digits`);
  expect(typeof url === 'string', `${what}: no url`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CheckFailure(`${what}: url is not absolute`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  expect(parsed.protocol === 'https:' || loopback, `${what}: status url is not https`);
  expect(parsed.searchParams.get('code') === code, `${what}: the status url does not carry the code`);
  return { url, code };
}

async function deletionCallback(
  context: CheckContext,
  platform: 'facebook' | 'instagram',
): Promise<CreatedRequest> {
  const { target, state } = context;
  const userId = platform === 'facebook' ? state.facebookUserId : state.instagramUserId;
  const secret = secretOf(target, APP_SECRET[platform]);
  const url = urlOf(target, DELETION_ROUTE[platform]);
  const signed = signedRequest(deletionPayload(userId), secret);
  const response = await postCallback(context, url, formBody(signed));
  // The likeliest cause of a refusal here is the suite's secret, not the stage: say so.
  const which = platform === 'facebook' ? 'Meta app secret' : 'Instagram app secret';
  const what = `signed callback${response.status === 403 ? ` (refused: does the stage hold this ${which}?)` : ''}`;
  const answer = deletionAnswer(response, what);
  const created = { signedRequest: signed, confirmationCode: answer.code, statusUrl: answer.url };
  state.created.set(platform, created);
  return created;
}

function createdBy(context: CheckContext, platform: 'facebook' | 'instagram'): CreatedRequest {
  const created = context.state.created.get(platform);
  expect(created, `no ${platform} request to look at (its deletion callback check failed)`);
  return created;
}

async function statusJson(context: CheckContext, url: string): Promise<HttpAnswer> {
  return context.request(url, { headers: { Accept: 'application/json' } });
}

/** Polls a request's status page until it is finished, within the suite's time budget. */
async function untilFinished(
  context: CheckContext,
  created: CreatedRequest,
): Promise<Record<string, unknown>> {
  for (;;) {
    const answer = await statusJson(context, created.statusUrl);
    expectStatus(answer, 200, 'status page (JSON)');
    const body = json(answer);
    expect(body.confirmation_code === created.confirmationCode, 'status page shows another code');
    created.lastStatus = typeof body.status === 'string' ? body.status : undefined;
    expect(created.lastStatus, 'status page (JSON) has no status');
    if (FINISHED.has(created.lastStatus)) {
      if (typeof body.receipt === 'string') created.receipt = body.receipt;
      return body;
    }
    if (context.remainingMs() < 1_500) {
      throw new CheckFailure(`not finished in time: still "${created.lastStatus}"`);
    }
    await context.sleep(500);
  }
}

function whatsappStatusUpdate(wamid: string): string {
  const timestamp = String(nowSeconds());
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000000',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: '100000000000000' },
              statuses: [{ id: wamid, status: 'delivered', timestamp, recipient_id: '15550000000' }],
            },
          },
        ],
      },
    ],
  });
}

function hasHeader(answer: HttpAnswer, name: string, pattern: RegExp): boolean {
  return pattern.test(answer.headers.get(name) ?? '');
}

/** Run first against a deployed stack: signing with a placeholder would prove nothing about Meta's callbacks. */
export const SECRETS_FILLED_CHECK: Check = {
  name: "Meta's secrets are stored (not the generated placeholders)",
  async run({ target }) {
    const unfilled = target.placeholderSecrets ?? [];
    expect(unfilled.length === 0, `still the placeholder: ${unfilled.join(', ')} (docs/operations.md)`);
  },
};

/** Where the public keys of signed deletion receipts are published, on stages that have them. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** Public keys only: an EC P-256 key set with ids, and never a private part. */
export const JWKS_CHECK: Check = {
  name: 'The receipt signing keys are published (JWKS, public parts only)',
  async run({ target, request }) {
    const url = target.routeUrl(JWKS_PATH);
    expect(url, `no ${JWKS_PATH} route`);
    const answer = await request(url, { headers: { Accept: 'application/json' } });
    expectStatus(answer, 200, 'JWKS');
    const keys = json(answer).keys;
    expect(Array.isArray(keys) && keys.length > 0, 'no "keys" in the key set');
    for (const key of keys as Record<string, unknown>[]) {
      expect(typeof key.kid === 'string' && key.kid !== '', 'a key without "kid"');
      expect(key.kty === 'EC' && key.crv === 'P-256', `key ${String(key.kid)} is not an EC P-256 key`);
      expect(typeof key.x === 'string' && typeof key.y === 'string', `key ${String(key.kid)} has no x, y`);
      expect(!('d' in key), `key ${String(key.kid)} publishes its private part`);
    }
    return `${keys.length} key(s)`;
  },
};

const sha256Base64url = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/**
 * Each finished request's receipt verifies, with a standard JOSE library, against the published keys: ES256, the
 * receipt type, the request's own code (by its hash) and the outcome its status page shows. Runs after the status
 * checks, which collect the receipts.
 */
export const RECEIPT_CHECK: Check = {
  name: "Each finished request's receipt verifies against the published keys",
  // The requests it looks at come from the Meta callbacks.
  channels: ['facebook', 'instagram'],
  anyChannel: true,
  async run({ target, state, request }) {
    const url = target.routeUrl(JWKS_PATH);
    expect(url, `no ${JWKS_PATH} route`);
    expect(state.created.size > 0, 'no request to look at (the deletion callback checks failed)');
    const keySet = json(await request(url, { headers: { Accept: 'application/json' } }));
    expect(Array.isArray(keySet.keys), 'no key set to verify with');
    const keys = createLocalJWKSet(keySet as unknown as JSONWebKeySet);
    const details: string[] = [];
    for (const [platform, created] of state.created) {
      expect(created.receipt, `${platform}: the finished status shows no receipt`);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(created.receipt, keys, {
          algorithms: ['ES256'],
          typ: 'deletion-receipt+jwt',
        }));
      } catch (error) {
        throw new CheckFailure(`${platform}: the receipt does not verify (${(error as Error).message})`);
      }
      expect(
        payload.confirmation_code_sha256 === sha256Base64url(created.confirmationCode),
        `${platform}: the receipt is for another request`,
      );
      expect(
        payload.channel === platform,
        `${platform}: the receipt names channel ${String(payload.channel)}`,
      );
      expect(
        payload.outcome === 'no_data_held',
        `${platform}: a synthetic id should hold no data, the receipt says ${String(payload.outcome)}`,
      );
      details.push(`${platform} ${String(payload.kid)}`);
    }
    return details.join(', ');
  },
};

/**
 * The checks for a target: the secrets check only where the secrets came from the stack, and a check for each
 * optional public endpoint the stage declares.
 */
export function checksFor(target: AcceptanceTarget): readonly Check[] {
  return [
    ...(target.placeholderSecrets === undefined ? [] : [SECRETS_FILLED_CHECK]),
    ...CHECKS,
    ...(target.routeUrl(JWKS_PATH) ? [JWKS_CHECK, RECEIPT_CHECK] : []),
  ];
}

/** Every check, in the order they run and print. Add a check here to extend the suite. */
export const CHECKS: readonly Check[] = [
  {
    name: 'WhatsApp handshake echoes the challenge for the verify token',
    channels: ['whatsapp'],
    async run({ target, request }) {
      const challenge = String(randomInt(1e9, 1e10));
      const query = new URLSearchParams({
        'hub.mode': 'subscribe',
        'hub.challenge': challenge,
        'hub.verify_token': secretOf(target, 'whatsappVerifyToken'),
      });
      const answer = await request(`${urlOf(target, 'whatsappWebhook')}?${query}`);
      expectStatus(answer, 200, 'handshake');
      expect(answer.text === challenge, 'the answer is not the challenge, verbatim');
      expect(hasHeader(answer, 'content-type', /^text\/plain/i), 'the challenge is not text/plain');
    },
  },
  {
    name: 'WhatsApp handshake with a wrong verify token is refused (403)',
    channels: ['whatsapp'],
    async run({ target, request }) {
      const challenge = String(randomInt(1e9, 1e10));
      const query = new URLSearchParams({
        'hub.mode': 'subscribe',
        'hub.challenge': challenge,
        'hub.verify_token': forgedSecret(),
      });
      const answer = await request(`${urlOf(target, 'whatsappWebhook')}?${query}`);
      expectStatus(answer, 403, 'wrong verify token');
      expect(!answer.text.includes(challenge), 'the challenge was echoed');
    },
  },
  {
    name: 'Facebook deletion callback (synthetic id) answers {url, confirmation_code}',
    channels: ['facebook'],
    async run(context) {
      const created = await deletionCallback(context, 'facebook');
      return `code ${created.confirmationCode}`;
    },
  },
  {
    name: 'Instagram deletion callback (synthetic id) answers {url, confirmation_code}',
    channels: ['instagram'],
    async run(context) {
      const created = await deletionCallback(context, 'instagram');
      const facebook = context.state.created.get('facebook');
      expect(
        created.confirmationCode !== facebook?.confirmationCode,
        'the same code as the Facebook request of another person',
      );
      return `code ${created.confirmationCode}`;
    },
  },
  {
    name: 'A replayed callback gets the same confirmation code',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      for (const platform of metaPlatformsOf(context.target)) {
        const created = createdBy(context, platform);
        const url = urlOf(context.target, DELETION_ROUTE[platform]);
        const again = deletionAnswer(
          await postCallback(context, url, formBody(created.signedRequest)),
          'replay',
        );
        expect(again.code === created.confirmationCode, `${platform} replay got another code`);
      }
    },
  },
  {
    name: 'Forged and mis-signed callbacks are refused (403)',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      const { target, state } = context;
      const forged = formBody(signedRequest(deletionPayload(syntheticUserId()), forgedSecret()));
      const callbackRoutes = {
        facebook: ['facebookDeletion', 'facebookDeauthorize'],
        instagram: ['instagramDeletion', 'instagramDeauthorize'],
      } as const;
      for (const url of metaPlatformsOf(target).flatMap((platform) =>
        callbackRoutes[platform].map((key) => urlOf(target, key)),
      )) {
        expectStatus(
          await postCallback(context, url, forged),
          403,
          `forged signature on ${new URL(url).pathname}`,
        );
      }
      // A genuine signature over another payload: the user id swapped after signing.
      const [platform = 'facebook'] = metaPlatformsOf(target);
      const userId = platform === 'facebook' ? state.facebookUserId : state.instagramUserId;
      const genuine = signedRequest(deletionPayload(userId), secretOf(target, APP_SECRET[platform]));
      const [signature] = genuine.split('.');
      const swapped = `${signature}.${base64url(JSON.stringify(deletionPayload(syntheticUserId())))}`;
      expectStatus(
        await postCallback(context, urlOf(target, DELETION_ROUTE[platform]), formBody(swapped)),
        403,
        'signature of another payload',
      );
    },
  },
  {
    name: "Each Meta route refuses the other platform's secret (403)",
    channels: ['facebook', 'instagram'],
    async run(context) {
      const { target } = context;
      const metaAppSecret = secretOf(target, 'metaAppSecret');
      const instagramAppSecret = secretOf(target, 'instagramAppSecret');
      // With one secret for both, a Facebook-signed request would be read as an Instagram user.
      expect(
        metaAppSecret !== instagramAppSecret,
        'the Facebook and Instagram app secrets are the same value: each platform issues its own',
      );
      for (const [what, url, secret] of [
        [
          'Facebook-signed callback on the Instagram route',
          urlOf(target, 'instagramDeletion'),
          metaAppSecret,
        ],
        [
          'Instagram-signed callback on the Facebook route',
          urlOf(target, 'facebookDeletion'),
          instagramAppSecret,
        ],
      ] as const) {
        const signed = signedRequest(deletionPayload(syntheticUserId()), secret);
        expectStatus(await postCallback(context, url, formBody(signed)), 403, what);
      }
    },
  },
  {
    name: 'A login-shaped signed_request (code or oauth_token) is refused (400)',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      const { target } = context;
      // What the JavaScript SDK hands browsers (and the fbsr_ cookie): correctly signed, but not a callback.
      // One request per field (each is a rejection the signature alarm counts), on each served platform.
      const cases = {
        facebook: [
          'Facebook callback carrying code',
          { code: `AQD${randomBytes(24).toString('base64url')}` },
        ],
        instagram: [
          'Instagram callback carrying oauth_token',
          { oauth_token: `EAAB${randomBytes(24).toString('base64url')}` },
        ],
      } as const;
      for (const platform of metaPlatformsOf(target)) {
        const [what, extra] = cases[platform];
        const url = urlOf(target, DELETION_ROUTE[platform]);
        const secret = secretOf(target, APP_SECRET[platform]);
        const signed = signedRequest({ ...deletionPayload(syntheticUserId()), ...extra }, secret);
        expectStatus(await postCallback(context, url, formBody(signed)), 400, what);
      }
    },
  },
  {
    name: 'Malformed callbacks are refused (400, 415)',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      const [platform = 'facebook'] = metaPlatformsOf(context.target);
      const url = urlOf(context.target, DELETION_ROUTE[platform]);
      expectStatus(await postCallback(context, url, ''), 400, 'empty body');
      expectStatus(await postCallback(context, url, 'user_id=1'), 400, 'no signed_request');
      expectStatus(await postCallback(context, url, formBody('not-a-signed-request')), 400, 'no dot');
      expectStatus(await postCallback(context, url, '{not json', 'application/json'), 400, 'broken JSON');
      expectStatus(await postCallback(context, url, formBody('a.b'), 'text/plain'), 415, 'text/plain body');
    },
  },
  {
    name: 'An oversized callback is refused (413)',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      const padding = 'x'.repeat(9 * 1024);
      const body = `${formBody(signedRequest(deletionPayload(syntheticUserId()), forgedSecret()))}&padding=${padding}`;
      const [platform = 'facebook'] = metaPlatformsOf(context.target);
      const url = urlOf(context.target, DELETION_ROUTE[platform]);
      expectStatus(await postCallback(context, url, body), 413, '9 KB body');
    },
  },
  {
    name: 'Stale and future-dated callbacks are refused (400)',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      const { target } = context;
      const [platform = 'facebook'] = metaPlatformsOf(target);
      const now = nowSeconds();
      for (const [what, issuedAt] of [
        ['issued two days ago', now - 2 * 24 * 3600],
        ['issued an hour ahead', now + 3600],
      ] as const) {
        const signed = signedRequest(
          deletionPayload(syntheticUserId(), issuedAt),
          secretOf(target, APP_SECRET[platform]),
        );
        const url = urlOf(target, DELETION_ROUTE[platform]);
        expectStatus(await postCallback(context, url, formBody(signed)), 400, what);
      }
    },
  },
  {
    name: 'Unsigned and mis-signed WhatsApp webhooks are refused (401)',
    channels: ['whatsapp'],
    async run({ target, request }) {
      const body = whatsappStatusUpdate(`wamid.ACCEPTANCE${randomBytes(8).toString('hex')}`);
      const post = (headers: Record<string, string>) =>
        request(urlOf(target, 'whatsappWebhook'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body,
        });
      expectStatus(await post({}), 401, 'unsigned');
      expectStatus(
        await post({ 'X-Hub-Signature-256': hubSignature(body, forgedSecret()) }),
        401,
        'mis-signed',
      );
    },
  },
  {
    name: 'A signed WhatsApp status update is accepted (200)',
    channels: ['whatsapp'],
    async run({ target, request, state }) {
      const body = whatsappStatusUpdate(`wamid.ACCEPTANCE${randomBytes(8).toString('hex')}`);
      const answer = await request(urlOf(target, 'whatsappWebhook'), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': hubSignature(body, secretOf(target, 'whatsappAppSecret')),
        },
        body,
      });
      expectStatus(answer, 200, 'signed status update');
      state.statusReceiptSent = true;
    },
  },
  {
    name: 'An unknown confirmation code gets 404 (JSON and HTML)',
    async run({ target, request }) {
      const unknown = `${urlOf(target, 'status')}?code=${randomBytes(18).toString('base64url').replace(/[-_]/g, 'A').slice(0, 24)}`;
      const asJson = await request(unknown, { headers: { Accept: 'application/json' } });
      expectStatus(asJson, 404, 'JSON');
      expect(!('status' in json(asJson)), 'the 404 carries a status');
      const asHtml = await request(unknown, { headers: { Accept: 'text/html' } });
      expectStatus(asHtml, 404, 'HTML');
      expect(hasHeader(asHtml, 'content-type', /^text\/html/i), 'the HTML 404 is not text/html');
    },
  },
  {
    name: 'The self-service form page posts to the request route',
    async run({ target, request }) {
      const form = urlOf(target, 'form');
      const answer = await request(form);
      expectStatus(answer, 200, 'form page');
      expect(hasHeader(answer, 'content-type', /^text\/html/i), 'the form page is not text/html');
      expect(hasHeader(answer, 'content-security-policy', /default-src 'none'/), 'no restrictive CSP');
      const element = /<form\b[^>]*>/i.exec(answer.text)?.[0];
      expect(element, 'the page has no form');
      expect(/method="post"/i.test(element), 'the form does not POST');
      const action = /action="([^"]*)"/i.exec(element)?.[1];
      expect(action !== undefined, 'the form has no action');
      // The browser resolves the action against the page's own URL (a stage path included).
      const resolved = new URL(action, form).href;
      const requests = urlOf(target, 'selfServiceRequests');
      expect(resolved === requests, `the form posts to ${resolved}, not ${requests}`);
    },
  },
  {
    name: 'Both status pages reach a finished state, holding no data',
    channels: ['facebook', 'instagram'],
    anyChannel: true,
    async run(context) {
      // Each request on its own: one that was never created must not hide whether the other finished.
      const details: string[] = [];
      const failures: string[] = [];
      for (const platform of metaPlatformsOf(context.target)) {
        try {
          const created = createdBy(context, platform);
          const view = await untilFinished(context, created);
          expect(view.no_data_held === true, 'a synthetic id should hold no data');
          const page = await context.request(created.statusUrl, { headers: { Accept: 'text/html' } });
          expectStatus(page, 200, 'status page (HTML)');
          expect(page.text.includes(created.confirmationCode), 'the page does not show its code');
          expect(hasHeader(page, 'cache-control', /no-store/), 'the page may be cached');
          expect(hasHeader(page, 'x-robots-tag', /noindex/), 'the page may be indexed');
          details.push(`${platform} ${created.lastStatus}`);
        } catch (error) {
          if (!(error instanceof CheckFailure)) throw error;
          failures.push(`${platform}: ${error.message}`);
        }
      }
      expect(failures.length === 0, failures.join('; '));
      return details.join(', ');
    },
  },
];
