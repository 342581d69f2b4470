// core: the contract between intake and the worker. Carries an opaque request id and nothing else
// about the person. Checked by hand: three fields do not need a schema library loaded at every cold start.
import { isJsonObject } from './json-object.js';

export interface DeletionJobMessage {
  readonly v: 1;
  readonly requestId: string;
  /** Set when the job is to send a self-service request's verification link, not to delete. */
  readonly notify?: 'verification';
}

const REQUEST_ID = /^req_[A-Za-z0-9_-]{8,64}$/;

/**
 * The job a queue message carries, or undefined when it is not a well-formed one. Only the known fields
 * are copied, so nothing else a message might hold (a personal identifier) goes any further.
 */
export function parseDeletionJobMessage(value: unknown): DeletionJobMessage | undefined {
  if (!isJsonObject(value)) return undefined;
  const { v, requestId, notify } = value;
  if (v !== 1 || typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) return undefined;
  if (notify === undefined) return { v, requestId };
  return notify === 'verification' ? { v, requestId, notify } : undefined;
}

/** The job in a queue message's body, or undefined when the body is not JSON or not a well-formed job. */
export function parseDeletionJobBody(body: string): DeletionJobMessage | undefined {
  try {
    return parseDeletionJobMessage(JSON.parse(body));
  } catch {
    return undefined;
  }
}

export function deletionJob(requestId: string): DeletionJobMessage {
  return { v: 1, requestId };
}

export function verificationJob(requestId: string): DeletionJobMessage {
  return { v: 1, requestId, notify: 'verification' };
}
