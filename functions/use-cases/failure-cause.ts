// use-cases: why a deletion job failed, in words support staff can act on: which step, and the cause
// (for the Graph API: Meta's error code, subcode and message). Stored on the request and in its audit
// trail, which outlive the identifiers, so anything that looks like an identifier is masked.

interface GraphFailureFields {
  readonly errorClass?: unknown;
  readonly status?: unknown;
  readonly code?: unknown;
  readonly subcode?: unknown;
  readonly graphMessage?: unknown;
  readonly fbtraceId?: unknown;
}

const MAX_LENGTH = 400;

/** Masks what may identify a person in an error text: long digit runs (ids, numbers) and addresses. */
export function maskIdentifiers(text: string): string {
  return text
    .replace(/\b[A-Z]{2}\.\d+\b/g, '[number]')
    .replace(/[^\s@'"()<>]+@[^\s@'"()<>]+/g, '[address]')
    .replace(/\+?\d(?:[\s-]?\d){5,}/g, '[number]');
}

function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && chain.length < 5; current = current.cause)
    chain.push(current);
  return chain;
}

function graphCause(error: Error & GraphFailureFields): string {
  const code = typeof error.code === 'number' ? String(error.code) : 'none';
  const subcode = typeof error.subcode === 'number' ? `, subcode ${error.subcode}` : '';
  const what = typeof error.errorClass === 'string' ? error.errorClass.replace(/_/g, ' ') : 'error';
  const status = typeof error.status === 'number' ? `, HTTP ${error.status}` : '';
  const message =
    typeof error.graphMessage === 'string' && error.graphMessage
      ? `: "${maskIdentifiers(error.graphMessage)}"`
      : '';
  const trace = typeof error.fbtraceId === 'string' ? ` (fbtrace_id ${error.fbtraceId})` : '';
  return `Graph API error code ${code}${subcode} (${what}${status})${message}${trace}`;
}

/** One line: `<step>: <cause>`, identifiers masked, at most 400 characters. */
export function describeFailure(stage: string, error: unknown): string {
  const chain = causes(error);
  const graph = chain.find((link) => link.name === 'GraphApiError');
  const first = chain[0];
  const cause = graph
    ? graphCause(graph as Error & GraphFailureFields)
    : first
      ? `${first.name}: ${maskIdentifiers(first.message)}`
      : String(error);
  const line = `${stage}: ${cause}`.replace(/\s+/g, ' ');
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}
