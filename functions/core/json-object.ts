// core: whether a parsed JSON value is an object with named members (not null, not an array): the first
// check on anything read from outside (webhooks, queue messages, receipts).
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
