// use-cases: the job step that ends our access at Meta before the purge deletes the tokens. For each
// Facebook or Instagram identity of the subject: unsubscribe the app from the webhooks of the pages
// the data map records (with each page's own token, unless it is marked revoked), then, for
// Facebook, revoke the app's grant with DELETE /{user-id}/permissions and the app access token.
// Business Login for Instagram has no documented grant revocation (docs/meta.md): its tokens are
// marked revoked and deleted by the purge, with no Graph call.
import { PLATFORM_OF_IDENTIFIER, metaTokenOwner, type MetaPlatform } from '../core/meta-callback.js';
import type { DeletionRequest } from '../core/deletion-request.js';
import { scopeOfRequest } from '../core/scope.js';
import type { JobStep } from './process-deletion-job.js';
import { type EventRecorder, type GraphApiClient, GraphApiError, type MetaTokenStore } from './ports.js';

export interface MetaGrantRevocationPorts {
  readonly graph: GraphApiClient;
  readonly tokens: MetaTokenStore;
  /** The Facebook app access token `{app-id}|{app-secret}`: built server side, never logged. */
  readonly appAccessToken: () => Promise<string>;
  readonly events: EventRecorder;
  readonly log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
  /**
   * The platforms the stage serves (default: both). For another platform it has no app and no secret: the
   * step calls nothing there, says so in the log, and the purge still deletes the stored tokens.
   */
  readonly servedPlatforms?: ReadonlySet<MetaPlatform>;
}

export const META_GRANT_REVOCATION_STEP = 'meta-grant-revocation';

/** Raised for a Graph error that is neither retried by the client nor a sign of access already gone. */
export class MetaRevocationError extends Error {
  override readonly name = 'MetaRevocationError';
}

export function metaGrantRevocation(ports: MetaGrantRevocationPorts): JobStep {
  /** Runs one call; true when done (or access was already gone), throws for anything else. */
  async function call(
    what: 'permissions' | 'subscribed_apps',
    request: DeletionRequest,
    run: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      ports.events.count('GraphApiError', 1, { class: error.errorClass });
      const fields = {
        requestId: request.requestId,
        call: what,
        errorClass: error.errorClass,
        code: error.code,
        subcode: error.subcode,
        fbtraceId: error.fbtraceId,
      };
      // 190 (with 458 "app not installed", 460 password changed, expired...): the grant or the
      // token is already gone, which is what this step wants.
      if (error.errorClass === 'invalid_token') {
        ports.log('info', 'Meta access already revoked', fields);
        return;
      }
      ports.events.count('GraphApiError');
      ports.log('warn', 'Graph API call failed; the job will be retried', fields);
      throw new MetaRevocationError(`${what}: ${error.message}`, { cause: error });
    }
  }

  return {
    name: META_GRANT_REVOCATION_STEP,
    async run(request) {
      if (!scopeOfRequest(request).categories.includes('meta_access_tokens')) return;
      for (const identifier of request.subject) {
        const platform = PLATFORM_OF_IDENTIFIER[identifier.kind];
        const owner = metaTokenOwner(identifier);
        if (!platform || !owner) continue;
        if (ports.servedPlatforms && !ports.servedPlatforms.has(platform)) {
          ports.events.count('MetaRevocationSkipped', 1, { platform });
          ports.log('info', 'Meta access not revoked: the stage does not serve this platform', {
            requestId: request.requestId,
            platform,
          });
          continue;
        }
        const tokens = await ports.tokens.list(owner);

        // Pages first: their tokens derive from the user's grant and die with it.
        for (const token of tokens) {
          if (!token.webhookSubscribed || !token.pageId || !token.accessToken) continue;
          if (token.revoked) continue;
          const pageId = token.pageId;
          const accessToken = token.accessToken;
          await call('subscribed_apps', request, () =>
            ports.graph.request({
              method: 'DELETE',
              path: `/${encodeURIComponent(pageId)}/subscribed_apps`,
              token: accessToken,
            }),
          );
          ports.events.count('WebhookUnsubscribed');
        }

        if (platform === 'facebook') {
          const appToken = await ports.appAccessToken();
          await call('permissions', request, () =>
            ports.graph.request({
              method: 'DELETE',
              path: `/${encodeURIComponent(identifier.value)}/permissions`,
              token: appToken,
            }),
          );
          ports.events.count('GrantRevoked', 1, { platform });
        }
      }
    },
  };
}
