// core: the contract between intake and the worker. Carries an opaque request id and nothing else
// about the person.
// zod/mini: the same schemas, a fraction of the bundle (every Lambda loads this at cold start).
import * as z from 'zod/mini';

export const DeletionJobMessage = z.object({
  v: z.literal(1),
  requestId: z.string().check(z.regex(/^req_[A-Za-z0-9_-]{8,64}$/)),
  /** Set when the job is to send a self-service request's verification link, not to delete. */
  notify: z.optional(z.literal('verification')),
});
export type DeletionJobMessage = z.infer<typeof DeletionJobMessage>;

export function deletionJob(requestId: string): DeletionJobMessage {
  return { v: 1, requestId };
}

export function verificationJob(requestId: string): DeletionJobMessage {
  return { v: 1, requestId, notify: 'verification' };
}
