// Unit tests for the deployment configuration's context keys: a misspelt or mis-cased `-c` key is an
// error that names the closest known setting, while the CDK's own keys (feature flags, lookups) pass.
import { describe, expect, it } from '@jest/globals';
import { DeploymentConfigError, loadDeploymentConfig, unknownContextKeys } from '../../lib/config.js';

const load = (context: Record<string, unknown>) =>
  loadDeploymentConfig((key) => context[key], undefined, Object.keys(context));

describe('context keys', () => {
  it.each([
    ['publicbaseurl', 'publicBaseUrl'],
    ['PublicBaseUrl', 'publicBaseUrl'],
    ['alarmEmial', 'alarmEmail'],
    ['stages', 'stage'],
  ])('refuses %s, naming %s', (key, closest) => {
    expect(() => load({ stage: 'dev', [key]: 'x' })).toThrow(DeploymentConfigError);
    expect(() => load({ stage: 'dev', [key]: 'x' })).toThrow(
      `${key}: unknown setting (did you mean ${closest}?)`,
    );
  });

  it("lets the CDK's own keys through", () => {
    expect(
      unknownContextKeys([
        '@aws-cdk/core:checkSecretUsage',
        'aws:cdk:enable-path-metadata',
        'availability-zones:account=123456789012:region=eu-west-1',
        'cli-telemetry',
        'stage',
        'publicBaseUrl',
      ]),
    ).toEqual([]);
    expect(load({ stage: 'dev', '@aws-cdk/core:checkSecretUsage': true }).stage).toBe('dev');
  });
});
