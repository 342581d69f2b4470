// Unit tests for the intake → worker contract: an opaque request id and nothing else.
import { describe, it, expect } from '@jest/globals';
import {
  deletionJob,
  parseDeletionJobBody,
  parseDeletionJobMessage,
  verificationJob,
} from '../../functions/core/job-message.js';

const REQUEST_ID = 'req_Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM';

describe('parseDeletionJobMessage', () => {
  it('accepts a version-1 message with a request id', () => {
    expect(parseDeletionJobMessage({ v: 1, requestId: REQUEST_ID })).toStrictEqual({
      v: 1,
      requestId: REQUEST_ID,
    });
  });

  it('lets no extra (personal) field survive parsing', () => {
    const parsed = parseDeletionJobMessage({
      v: 1,
      requestId: REQUEST_ID,
      userId: '10158012345678901',
      phone: '+4915123456789',
    });
    expect(Object.keys(parsed ?? {}).sort()).toStrictEqual(['requestId', 'v']);
    expect(JSON.stringify(parsed)).not.toContain('10158012345678901');
  });

  it.each([
    ['version 2', { v: 2, requestId: REQUEST_ID }],
    ['the version as a string', { v: '1', requestId: REQUEST_ID }],
    ['no version', { requestId: REQUEST_ID }],
    ['no request id', { v: 1 }],
    ['a request id without the req_ prefix', { v: 1, requestId: 'Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM' }],
    ['a too short request id', { v: 1, requestId: 'req_abc' }],
    ['a too long request id', { v: 1, requestId: `req_${'a'.repeat(65)}` }],
    ['a request id with a space', { v: 1, requestId: 'req_abc defgh' }],
    ['a user id as the request id', { v: 1, requestId: '10158012345678901' }],
    ['an unknown notification', { v: 1, requestId: REQUEST_ID, notify: 'email' }],
    ['no object at all', 'req_Zk3xL0aP9qT2vW8yB1cD4eF6gH7iJ5kM'],
    ['an array', [1, REQUEST_ID]],
    ['null', null],
  ])('rejects a message with %s', (_name, message) => {
    expect(parseDeletionJobMessage(message)).toBeUndefined();
  });

  it('keeps a verification notice and nothing else beside the request id', () => {
    expect(
      parseDeletionJobMessage({ v: 1, requestId: REQUEST_ID, notify: 'verification', email: 'a@b.example' }),
    ).toStrictEqual({ v: 1, requestId: REQUEST_ID, notify: 'verification' });
  });

  it('builds messages that it accepts', () => {
    expect(parseDeletionJobMessage(deletionJob(REQUEST_ID))).toStrictEqual({ v: 1, requestId: REQUEST_ID });
    expect(parseDeletionJobMessage(verificationJob(REQUEST_ID))).toStrictEqual(verificationJob(REQUEST_ID));
  });

  it('reads a queue message body, and refuses one that is not JSON', () => {
    expect(parseDeletionJobBody(JSON.stringify(deletionJob(REQUEST_ID)))).toStrictEqual(
      deletionJob(REQUEST_ID),
    );
    expect(parseDeletionJobBody('{"v":1,')).toBeUndefined();
    expect(parseDeletionJobBody('')).toBeUndefined();
  });
});
