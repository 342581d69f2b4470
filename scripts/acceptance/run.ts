// acceptance: runs the checks in order, one line each, then a summary that says what the run left
// behind. Every request has a timeout and the whole run a time budget, so it ends within a minute.
import {
  checksFor,
  skipReason,
  syntheticUserId,
  type Check,
  type CheckContext,
  type HttpAnswer,
  type SuiteState,
} from './checks.js';
import { PLATFORM_CHANNELS } from '../../functions/declarations/channels.js';
import { RECEIPT_TTL_DAYS } from '../../functions/adapters/dynamo-whatsapp-inbox.js';
import type { AcceptanceTarget } from './target.js';

export interface AcceptanceOptions {
  readonly checks?: readonly Check[];
  /** The whole run's budget (ms); the status checks wait at most until it is spent. */
  readonly budgetMs?: number;
  readonly requestTimeoutMs?: number;
  readonly print?: (line: string) => void;
}

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why it did not run: a channel the stage does not serve (it then counts as neither passed nor failed). */
  readonly skipped?: string;
  readonly detail?: string;
  readonly millis: number;
}

export interface AcceptanceReport {
  readonly passed: boolean;
  readonly results: readonly CheckResult[];
  readonly leftBehind: string;
}

export const DEFAULT_BUDGET_MS = 50_000;

export async function runAcceptance(
  target: AcceptanceTarget,
  options: AcceptanceOptions = {},
): Promise<AcceptanceReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const checks = options.checks ?? checksFor(target);
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const state: SuiteState = {
    startedAt: Date.now(),
    facebookUserId: syntheticUserId(),
    instagramUserId: syntheticUserId(),
    created: new Map(),
    statusReceiptSent: false,
  };
  const context: CheckContext = {
    target,
    state,
    request: async (url, init = {}): Promise<HttpAnswer> => {
      // Redirects are answers too: following one could hide a misrouted domain.
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    remainingMs: () => state.startedAt + budgetMs - Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };

  print(`Acceptance suite against ${target.label}`);
  const served = [...target.channels];
  print(
    `Channels the stage serves: ${served.length > 0 ? served.join(', ') : 'none (form, email and support only)'}`,
  );
  const results: CheckResult[] = [];
  for (const check of checks) {
    const skipped = skipReason(check, target);
    if (skipped) {
      results.push({ name: check.name, passed: true, skipped, millis: 0 });
      print(`SKIP  ${check.name}: ${skipped}`);
      continue;
    }
    const started = Date.now();
    let result: CheckResult;
    try {
      const detail = await check.run(context);
      result = {
        name: check.name,
        passed: true,
        millis: Date.now() - started,
        ...(detail ? { detail } : {}),
      };
    } catch (error) {
      result = { name: check.name, passed: false, millis: Date.now() - started, detail: describe(error) };
    }
    results.push(result);
    print(
      `${result.passed ? 'PASS' : 'FAIL'}  ${result.name} (${result.millis} ms)${result.detail ? `: ${result.detail}` : ''}`,
    );
  }

  const failed = results.filter((result) => !result.passed).length;
  const ran = results.filter((result) => !result.skipped);
  const skipped = results.length - ran.length;
  const leftBehind = describeLeftBehind(state);
  print(
    `${failed === 0 ? 'PASSED' : 'FAILED'}: ${ran.length - failed} of ${ran.length} checks passed in ${((Date.now() - state.startedAt) / 1000).toFixed(1)} s`,
  );
  if (skipped > 0) {
    const missing = PLATFORM_CHANNELS.filter((channel) => !target.channels.has(channel));
    print(
      `Skipped ${skipped} ${skipped === 1 ? 'check' : 'checks'} of the channels the stage does not serve: ${missing.join(', ')}.`,
    );
  }
  print(leftBehind);
  return { passed: failed === 0, results, leftBehind };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  // fetch's own failures (refused, DNS, TLS) keep the reason in `cause`.
  const cause = (error.cause as { code?: string; message?: string } | undefined) ?? undefined;
  return cause?.code || cause?.message ? `${error.message} (${cause.code ?? cause.message})` : error.message;
}

/** What the run leaves in the stage: only requests for synthetic ids, and whether they finished. */
export function describeLeftBehind(state: SuiteState): string {
  const requests = [...state.created.entries()];
  if (requests.length === 0 && !state.statusReceiptSent) return 'Left behind: nothing.';
  const parts = requests.map(
    ([platform, created]) =>
      `${platform} request ${created.confirmationCode} (synthetic id ${platform === 'facebook' ? state.facebookUserId : state.instagramUserId}, ${created.lastStatus ?? 'status not seen'})`,
  );
  const unfinished = requests.filter(
    ([, created]) => !['completed', 'completed_with_retention'].includes(created.lastStatus ?? ''),
  );
  const lines = [
    `Left behind: ${requests.length === 0 ? 'no request' : `${requests.length} request(s) for synthetic ids, no personal data: ${parts.join(', ')}`}.`,
  ];
  if (state.statusReceiptSent) {
    lines.push(
      `  and one delivery-status receipt for a synthetic WhatsApp message id (a keyed hash; it expires in ${RECEIPT_TTL_DAYS} days).`,
    );
  }
  lines.push(
    unfinished.length === 0
      ? '  Every request it created is finished.'
      : `  NOT FINISHED: ${unfinished.map(([platform]) => platform).join(', ')}; look it up with npm run requests -- show <code>.`,
  );
  return lines.join('\n');
}
