// use-cases: what the status page shows for a confirmation code.
import { isWellFormedConfirmationCode } from '../core/confirmation-code.js';
import { toStatusView, type DeletionStatusView, type StatusViewOptions } from '../core/deletion-request.js';
import type { DeletionRequestStore } from './ports.js';

export function makeGetDeletionStatus(
  store: Pick<DeletionRequestStore, 'getByCode'>,
  options: StatusViewOptions = {},
) {
  return async function getDeletionStatus(code: unknown): Promise<DeletionStatusView | undefined> {
    if (!isWellFormedConfirmationCode(code)) return undefined;
    const request = await store.getByCode(code);
    return request ? toStatusView(request, options) : undefined;
  };
}
