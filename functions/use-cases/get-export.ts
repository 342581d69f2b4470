// use-cases: the link in the access email. Only the request's confirmation code opens it, only for a
// completed access request, and only until it expires; after that the copy is deleted (here, if the
// bucket's lifecycle rule has not done it yet) and the answer is 410.
import { isWellFormedConfirmationCode } from '../core/confirmation-code.js';
import type { Clock, DeletionRequestStore } from './ports.js';
import { withFileLink } from '../core/export-document.js';
import { EXPORT_FILES, exportPrefix } from './build-export.js';
import type { ExportStore } from './rights-ports.js';

export type ExportAnswer =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'ok'; readonly body: string; readonly contentType: string };

export function makeGetExport(ports: {
  readonly store: Pick<DeletionRequestStore, 'getByCode'>;
  readonly exports: Pick<ExportStore, 'get' | 'deletePrefix'>;
  readonly clock: Clock;
}) {
  return async function getExport(code: unknown, format: 'html' | 'json'): Promise<ExportAnswer> {
    if (!isWellFormedConfirmationCode(code)) return { kind: 'not_found' };
    const request = await ports.store.getByCode(code);
    if (!request || request.type !== 'access' || !request.exportExpiresAt) return { kind: 'not_found' };
    if (ports.clock.now().getTime() >= new Date(request.exportExpiresAt).getTime()) {
      await ports.exports.deletePrefix(exportPrefix(request.requestId));
      return { kind: 'expired' };
    }
    const body = await ports.exports.get(`${exportPrefix(request.requestId)}${EXPORT_FILES[format]}`);
    if (body === undefined) return { kind: 'expired' };
    return {
      kind: 'ok',
      body: format === 'html' ? withFileLink(body, code) : body,
      contentType: format === 'json' ? 'application/json' : 'text/html; charset=utf-8',
    };
  };
}
