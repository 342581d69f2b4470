// core: the contract between intake and the worker. Carries an opaque request id and nothing else
// about the person.
import { z } from 'zod';

export const DeletionJobMessage = z.object({
  v: z.literal(1),
  requestId: z.string().regex(/^req_[A-Za-z0-9_-]{8,64}$/),
});
export type DeletionJobMessage = z.infer<typeof DeletionJobMessage>;

export function deletionJob(requestId: string): DeletionJobMessage {
  return { v: 1, requestId };
}
