import { describe, expect, it } from '@jest/globals';
import { GraphApiError } from '../../functions/use-cases/ports.js';
import { MetaRevocationError } from '../../functions/use-cases/revoke-meta-grants.js';
import { describeFailure, maskIdentifiers } from '../../functions/use-cases/failure-cause.js';

describe('describeFailure', () => {
  it("names the step and Meta's error code, subcode and message, even when wrapped", () => {
    const graph = new GraphApiError('permission', 403, 200, 1234, 'AbC12', '(#200) Permissions error');
    const error = new MetaRevocationError('permissions: failed', { cause: graph });
    expect(describeFailure('step meta-grant-revocation', error)).toBe(
      'step meta-grant-revocation: Graph API error code 200, subcode 1234 (permission, HTTP 403): "(#200) Permissions error" (fbtrace_id AbC12)',
    );
  });

  it('keeps long Graph codes (they are not identifiers) but masks ids in the message', () => {
    const graph = new GraphApiError(
      'outside_window',
      400,
      131047,
      undefined,
      undefined,
      'No window for 15550000001',
    );
    expect(describeFailure('step whatsapp-notice', graph)).toBe(
      'step whatsapp-notice: Graph API error code 131047 (outside window, HTTP 400): "No window for [number]"',
    );
  });

  it('gives any other error by name and message, in one line', () => {
    const error = new Error('3 items remain\nin MetaInsights');
    error.name = 'PurgeIncompleteError';
    expect(describeFailure('read-after-delete check', error)).toBe(
      'read-after-delete check: PurgeIncompleteError: 3 items remain in MetaInsights',
    );
  });

  it('caps the length', () => {
    expect(describeFailure('step', new Error('x'.repeat(1000))).length).toBe(400);
  });
});

describe('maskIdentifiers', () => {
  it.each([
    ['Object with ID 10000000000000001 does not exist', 'Object with ID [number] does not exist'],
    ['Cannot send to +1 555-000-0001', 'Cannot send to [number]'],
    ['User US.100000000000000000001 blocked', 'User [number] blocked'],
    ['Mail to ana.b+x@example.com refused', 'Mail to [address] refused'],
    ['HTTP 403 after 2 tries', 'HTTP 403 after 2 tries'],
  ])('%s', (text, masked) => {
    expect(maskIdentifiers(text)).toBe(masked);
  });
});
