// Unit tests for the settings every function reads at start: a wrong one fails the start, clearly.
import { describe, expect, it } from '@jest/globals';
import { ConfigError, privacyContact, publicBaseUrl } from '../../functions/runtime/config.js';

describe('PUBLIC_BASE_URL', () => {
  it.each([
    ['https://privacy.example.com', 'https://privacy.example.com'],
    ['https://privacy.example.com/', 'https://privacy.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    [
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
    ],
  ])('accepts %s', (value, expected) => {
    expect(publicBaseUrl({ PUBLIC_BASE_URL: value })).toBe(expected);
  });

  it.each([
    'privacy.example.com',
    'ftp://privacy.example.com',
    'javascript:alert(1)',
    'https://',
    'file:///etc',
  ])('refuses %s', (value) => {
    expect(() => publicBaseUrl({ PUBLIC_BASE_URL: value })).toThrow(ConfigError);
  });
});

describe('PRIVACY_CONTACT_EMAIL', () => {
  it('takes the address given, and a placeholder locally', () => {
    expect(privacyContact({ PRIVACY_CONTACT_EMAIL: 'dpo@example.com' })).toEqual({
      email: 'dpo@example.com',
    });
    expect(privacyContact({})).toEqual({ email: 'privacy@example.com' });
  });

  it.each(['dpo', 'dpo@', '@example.com', 'Data Protection <dpo@example.com>', 'dpo@example'])(
    'refuses %s',
    (value) => {
      expect(() => privacyContact({ PRIVACY_CONTACT_EMAIL: value })).toThrow(ConfigError);
    },
  );
});
