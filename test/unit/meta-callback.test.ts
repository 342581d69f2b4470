// Unit tests for the Meta callback definitions: candidate secrets per platform, token owners from the
// data map, and how a request started by a deauthorize shows on the status page.
import { describe, expect, it } from '@jest/globals';
import { toStatusView, type DeletionRequest } from '../../functions/core/deletion-request.js';
import {
  DEAUTHORIZE_SCHEDULE,
  PLATFORMS,
  answersWithStatus,
  metaTokenOwner,
  secretCandidates,
} from '../../functions/core/meta-callback.js';
import { renderStatusPage } from '../../functions/core/status-page.js';
import { ROUTES, metaCallbackOf } from '../../functions/declarations/functions.js';

describe('candidate secrets', () => {
  it("accepts only each platform's own app secret", () => {
    expect(PLATFORMS.instagram.secrets).toEqual(['instagramAppSecret']);
    expect(PLATFORMS.facebook.secrets).toEqual(['metaAppSecret']);
  });

  it('flattens each secret into current then previous, labelled without the value', () => {
    const candidates = secretCandidates([
      ['instagramAppSecret', ['ig1', 'ig0']],
      ['metaAppSecret', ['m1']],
    ]);
    expect(candidates).toEqual([
      { value: 'ig1', label: 'instagramAppSecret:current' },
      { value: 'ig0', label: 'instagramAppSecret:previous' },
      { value: 'm1', label: 'metaAppSecret:current' },
    ]);
  });
});

describe('platform identifiers', () => {
  it('treats Facebook and Instagram user ids as different identifiers', () => {
    expect(PLATFORMS.facebook.identifier).toBe('facebook_asid');
    expect(PLATFORMS.instagram.identifier).toBe('instagram_scoped_id');
  });

  it('finds the IntegrationTokens owner key of a Meta identity in the data map', () => {
    expect(metaTokenOwner({ kind: 'facebook_asid', value: '1' })).toBe('facebook_asid#1');
    expect(metaTokenOwner({ kind: 'instagram_scoped_id', value: '2' })).toBe('instagram_scoped_id#2');
    expect(metaTokenOwner({ kind: 'whatsapp_phone', value: '3' })).toBeUndefined();
  });
});

describe('routes', () => {
  it('declares the four callback routes on one function', () => {
    const callbacks = ROUTES.filter((route) => route.metaCallback);
    expect(callbacks.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'POST /instagram/data-deletion',
      'POST /instagram/deauthorize',
      'POST /meta/data-deletion',
      'POST /meta/deauthorize',
    ]);
    expect(new Set(callbacks.map((route) => route.functionId)).size).toBe(1);
    expect(metaCallbackOf('/instagram/deauthorize')).toEqual({ platform: 'instagram', kind: 'deauthorize' });
    expect(metaCallbackOf('/deletion-status')).toBeUndefined();
  });

  it('answers a deletion with a status link and a deauthorize with an empty 200', () => {
    expect(answersWithStatus('data_deletion')).toBe(true);
    expect(answersWithStatus('deauthorize')).toBe(false);
  });
});

describe('a request started by a deauthorize', () => {
  const request: DeletionRequest = {
    requestId: 'req_x',
    confirmationCode: 'AbCdEfGhIjKlMnOpQrStUvWx',
    status: 'completed',
    channel: 'instagram',
    subject: [],
    subjectHashes: [],
    receivedAt: '2026-11-29T00:00:00.000Z',
    updatedAt: '2026-11-29T00:01:00.000Z',
    completedAt: '2026-11-29T00:01:00.000Z',
    outcomes: [],
    attempts: 1,
    startedBy: 'deauthorize',
    schedule: DEAUTHORIZE_SCHEDULE,
  };

  it('says so, with its schedule, in the status view and on the page', () => {
    const view = toStatusView(request);
    expect(view).toMatchObject({ started_by: 'deauthorize', schedule: 'immediate_on_deauthorize' });
    expect(renderStatusPage(view)).toContain('started when you removed our app');
  });

  it('adds nothing for a request started by a deletion callback', () => {
    const { startedBy: _s, schedule: _t, ...plain } = request;
    const view = toStatusView(plain);
    expect(view).not.toHaveProperty('started_by');
    expect(renderStatusPage(view)).not.toContain('removed our app');
  });
});
