// core: confirmation codes and request ids. Random, never derived from who asked.
import { createHash, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 24 characters of a 62-letter alphabet: log2(62^24) ≈ 142.9 bits. */
export const CONFIRMATION_CODE_LENGTH = 24;
export const CONFIRMATION_CODE_PATTERN = /^[A-Za-z0-9]{24}$/;

export type RandomIndex = (exclusiveMax: number) => number;

export function newConfirmationCode(randomIndex: RandomIndex = randomInt): string {
  let code = '';
  for (let i = 0; i < CONFIRMATION_CODE_LENGTH; i += 1)
    code += ALPHANUMERIC[randomIndex(ALPHANUMERIC.length)];
  return code;
}

export function isWellFormedConfirmationCode(value: unknown): value is string {
  return typeof value === 'string' && CONFIRMATION_CODE_PATTERN.test(value);
}

/**
 * The request id of a callback is derived from the exact callback it came from, so a replay of
 * the same callback lands on the same request. It is a one-way hash: it reveals nothing of the user.
 */
export function requestIdForIntake(intakeKind: string, intakeBody: string): string {
  return `req_${createHash('sha256').update(`${intakeKind}\n${intakeBody}`).digest('base64url').slice(0, 32)}`;
}
