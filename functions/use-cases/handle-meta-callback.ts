// use-cases: the Meta signed-request callbacks (Facebook and Instagram; data deletion and
// deauthorize). Verify against the platform's candidate secrets, find or open the one request that
// covers the user, enqueue it if this call created it, and for a deauthorize mark the user's stored
// tokens revoked. A replay, or a second callback for a user whose request is open (or completed
// within the reuse window), lands on the same request.
import { newConfirmationCode, requestIdForIntake } from '../core/confirmation-code.js';
import { isTerminal, type DeletionRequest } from '../core/deletion-request.js';
import type { IdentifierHasher } from '../core/keyed-hash.js';
import {
  DEAUTHORIZE_SCHEDULE,
  PLATFORMS,
  metaTokenOwner,
  secretCandidates,
  type MetaCallback,
  type MetaPlatform,
} from '../core/meta-callback.js';
import {
  canonicalSignedRequest,
  verifySignedRequest,
  type SignedRequestRejection,
} from '../core/signed-request.js';
import type {
  Clock,
  DeletionRequestStore,
  EventRecorder,
  JobQueue,
  MetaTokenStore,
  OpenRequestIndex,
  SecretReader,
} from './ports.js';
import { joinOrOpenRequest } from './open-request.js';
import { statusUrl } from './status-url.js';

export interface MetaCallbackPorts {
  readonly store: DeletionRequestStore;
  readonly openRequests: OpenRequestIndex;
  readonly tokens: MetaTokenStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly secrets: SecretReader;
  readonly hashIdentifier: () => Promise<IdentifierHasher>;
  readonly events: EventRecorder;
  readonly log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  readonly publicBaseUrl: string;
  /** The app id of each platform the stage serves; a callback for another platform is not served. */
  readonly appIds: Readonly<Partial<Record<MetaPlatform, string>>>;
  readonly window: { readonly maxAgeSeconds: number; readonly maxSkewSeconds: number };
  /** Days after completion during which a further callback still answers with that request. */
  readonly reuseDays: number;
  /** Days a subject pointer is kept (it outlives the reuse window; then it simply starts afresh). */
  readonly pointerDays: number;
  readonly newCode?: () => string;
}

export type MetaCallbackResult =
  | {
      readonly ok: true;
      readonly url: string;
      readonly confirmationCode: string;
      /** True when this call created the request; false for replays and joined callbacks. */
      readonly created: boolean;
      readonly secret: string;
    }
  | { readonly ok: false; readonly reason: SignedRequestRejection }
  /** The stage does not serve this platform: it holds no secret to check the request with. */
  | { readonly ok: false; readonly reason: 'channel_not_served' };

const DAY_MS = 24 * 60 * 60 * 1000;

export function makeHandleMetaCallback(ports: MetaCallbackPorts) {
  const newCode = ports.newCode ?? newConfirmationCode;

  async function enqueue(request: DeletionRequest): Promise<void> {
    try {
      await ports.queue.sendDeletionJob(request.requestId);
    } catch (error) {
      // The request is persisted: the reconciler enqueues it later, so the answer can still be 200.
      ports.events.count('JobEnqueueFailed');
      ports.log('warn', 'Deletion job not enqueued; left for the reconciler', {
        requestId: request.requestId,
        error: (error as Error).name,
      });
      return;
    }
    await ports.store.transition(request.requestId, ['received'], 'queued', {
      event: 'queued',
      at: ports.clock.now(),
    });
  }

  /**
   * A request still answers for its subject while open, and for `reuseDays` after completing unless
   * the person connected the app again since (live tokens are back: there is new data to delete).
   */
  async function stillCovers(
    request: DeletionRequest,
    owner: string | undefined,
    now: Date,
  ): Promise<boolean> {
    if (!isTerminal(request.status)) return true;
    const ended = new Date(request.completedAt ?? request.updatedAt).getTime();
    if (request.status === 'canceled' || now.getTime() - ended >= ports.reuseDays * DAY_MS) return false;
    const tokens = owner ? await ports.tokens.list(owner) : [];
    return !tokens.some((token) => !token.revoked);
  }

  async function verify(callback: MetaCallback, signedRequest: string, now: Date) {
    const names = PLATFORMS[callback.platform].secrets;
    const candidates = secretCandidates(
      await Promise.all(names.map(async (name) => [name, await ports.secrets(name)] as const)),
    );
    const verification = verifySignedRequest(
      signedRequest,
      { secrets: candidates.map((candidate) => candidate.value), ...ports.window },
      Math.floor(now.getTime() / 1000),
    );
    // Named like the route path: meta-data-deletion, meta-deauthorize, instagram-data-deletion, ...
    const route = `${callback.platform === 'facebook' ? 'meta' : 'instagram'}-${callback.kind.replace('_', '-')}`;
    if (!verification.ok) {
      ports.events.count('SignatureRejected');
      ports.events.count('SignatureRejected', 1, { route, reason: verification.reason });
      return verification;
    }
    const secret = candidates[verification.matchedSecretIndex]?.label ?? 'unknown';
    if (verification.matchedSecretIndex > 0) ports.events.count('FallbackSecretMatched');
    ports.events.count('SecretMatched', 1, { route, candidate: secret });
    return { ...verification, secret };
  }

  async function markRevoked(
    platform: MetaPlatform,
    owner: string | undefined,
    requestId: string,
  ): Promise<void> {
    if (!owner) return;
    try {
      const marked = await ports.tokens.markRevoked(owner, ports.clock.now());
      ports.events.count('IntegrationRevoked', marked, { platform });
    } catch (error) {
      // The request is persisted and its purge deletes the tokens: answer 200 all the same.
      ports.events.count('IntegrationRevokeFailed');
      ports.log('warn', 'Tokens not marked revoked; the purge deletes them', {
        requestId,
        error: (error as Error).name,
      });
    }
  }

  return async function handleMetaCallback(
    callback: MetaCallback,
    signedRequest: string,
  ): Promise<MetaCallbackResult> {
    const appId = ports.appIds[callback.platform];
    if (appId === undefined) return { ok: false, reason: 'channel_not_served' };
    const now = ports.clock.now();
    const verification = await verify(callback, signedRequest, now);
    if (!verification.ok) return verification;
    ports.events.count('MetaCallbackReceived', 1, { platform: callback.platform, kind: callback.kind });

    const platform = PLATFORMS[callback.platform];
    const userId = verification.payload.userId;
    const hash = await ports.hashIdentifier();
    const identifierHash = hash(platform.identifier, userId);
    const subjectKey = `${callback.platform}#${appId}#${identifierHash}`;
    // Same id as the walking skeleton for Facebook deletions: a replay lands on the same request.
    const intakeKind = `${callback.platform}-${callback.kind === 'data_deletion' ? 'data-deletion' : 'deauthorize'}`;
    const ownId = requestIdForIntake(intakeKind, canonicalSignedRequest(signedRequest));

    const owner = metaTokenOwner({ kind: platform.identifier, value: userId });
    const candidate: DeletionRequest = {
      requestId: ownId,
      confirmationCode: newCode(),
      status: 'received',
      channel: platform.channel,
      subject: [{ kind: platform.identifier, value: userId }],
      subjectHashes: [identifierHash],
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      outcomes: [],
      attempts: 0,
      ...(callback.kind === 'deauthorize'
        ? { startedBy: 'deauthorize' as const, schedule: DEAUTHORIZE_SCHEDULE }
        : {}),
    };
    // Whoever creates the request the pointer names enqueues it: concurrent callbacks for the same
    // user (a replay, or a deauthorize racing a deletion) create and enqueue it exactly once.
    const { created, request } = await joinOrOpenRequest(ports, {
      subjectKey,
      candidate,
      at: now,
      expiresAt: new Date(now.getTime() + ports.pointerDays * DAY_MS),
      covers: (named) => stillCovers(named, owner, now),
    });
    if (created) {
      ports.events.count('DeletionRequested', 1, { channel: platform.channel });
      await enqueue(request);
    } else if (request.requestId !== ownId) ports.events.count('CallbackJoinedOpenRequest');
    if (callback.kind === 'deauthorize') await markRevoked(callback.platform, owner, request.requestId);

    ports.log('info', 'Meta callback accepted', {
      platform: callback.platform,
      kind: callback.kind,
      requestId: request.requestId,
      subject: identifierHash,
      secret: verification.secret,
      created,
    });
    return {
      ok: true,
      url: statusUrl(ports.publicBaseUrl, request.confirmationCode),
      confirmationCode: request.confirmationCode,
      created,
      secret: verification.secret,
    };
  };
}
