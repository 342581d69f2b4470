// adapters: DynamoDB error shapes shared by the table adapters.

/** A conditional write refused (the item was not in the expected state): an answer, not a failure. */
export function isConditionalFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
