// use-cases: one deletion job. Moves the request to in_progress, purges every mapped table in the
// request's scope, checks that nothing remains, and completes it, forgetting the raw identifiers.
// Safe to run again from any point: deletes are idempotent and every state change is conditional.
import { isTerminal } from '../core/deletion-request.js';
import { tablesInScope } from '../core/scope.js';
import type { EventRecorder } from '../runtime/observability.js';
import type { Clock, DeletionRequestStore, MappedTable, TablePurger } from './ports.js';

export interface ProcessJobPorts {
  readonly store: DeletionRequestStore;
  readonly purger: TablePurger;
  readonly tables: readonly MappedTable[];
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly statusRetentionDays: number;
}

export type JobOutcome = 'completed' | 'already_finished' | 'unknown_request' | 'not_verified';

export class PurgeIncompleteError extends Error {
  override readonly name = 'PurgeIncompleteError';
}

export class RequestBusyError extends Error {
  override readonly name = 'RequestBusyError';
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function makeProcessDeletionJob(ports: ProcessJobPorts) {
  const { store, purger, clock, events } = ports;

  return async function processDeletionJob(requestId: string): Promise<JobOutcome> {
    const request = await store.get(requestId);
    if (!request) {
      events.count('JobForUnknownRequest');
      return 'unknown_request';
    }
    if (isTerminal(request.status)) return 'already_finished';
    if (request.status === 'pending_verification') return 'not_verified';

    const started = await store.transition(
      requestId,
      ['received', 'queued', 'in_progress', 'failed'],
      'in_progress',
      {
        event: 'started',
        at: clock.now(),
        countAttempt: true,
      },
    );
    if (!started) {
      const current = await store.get(requestId);
      if (current && isTerminal(current.status)) return 'already_finished';
      throw new RequestBusyError(`Request ${requestId} could not be started`);
    }

    const startedAt = clock.now().getTime();
    try {
      const tables = tablesInScope(request.channel, ports.tables);
      for (const table of tables) {
        const outcome = await purger.purge(table, request.subject);
        await store.addOutcome(requestId, outcome);
        events.count('ItemsPurged', outcome.deleted + outcome.anonymised);
      }
      for (const table of tables) {
        if (table.personalData.action.type !== 'delete') continue;
        const remaining = await purger.countRemaining(table, request.subject);
        if (remaining > 0) throw new PurgeIncompleteError(`${remaining} items remain in ${table.id}`);
      }
      const now = clock.now();
      await store.transition(requestId, ['in_progress'], 'completed', {
        event: 'completed',
        at: now,
        forgetSubject: true,
        expiresAt: new Date(now.getTime() + ports.statusRetentionDays * DAY_MS),
      });
      events.count('DeletionCompleted', 1, { channel: request.channel });
      events.count('PurgeDurationMs', now.getTime() - startedAt);
      return 'completed';
    } catch (error) {
      await store.transition(requestId, ['in_progress'], 'failed', {
        event: 'failed',
        at: clock.now(),
        lastError: (error as Error).name,
      });
      events.count('DeletionFailed', 1, { channel: request.channel });
      throw error;
    }
  };
}
