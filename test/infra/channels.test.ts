// infra tests: `channels` in the stage configuration. A stage that leaves a platform channel out has no route,
// secret, function, environment variable, parameter, alarm or dashboard widget for it, and says which channels it
// serves in its outputs; a stage that keeps the default serves all three as before.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SERVED_CHANNELS_ENV } from '../../functions/declarations/channels.js';
import { parseDeploymentConfig } from '../../lib/config.js';
import {
  INSTAGRAM_APP_ID_PARAMETER,
  META_APP_ID_PARAMETER,
  type DeletionServiceStack,
} from '../../lib/deletion-service-stack.js';
import { SERVED_CHANNELS_OUTPUT } from '../../lib/output-names.js';
import { apiResourcePaths, buildStack, newStack, resourcesOfType } from './template-queries.js';

interface Built {
  readonly stack: DeletionServiceStack;
  readonly template: Template;
  readonly json: {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Parameters?: Record<string, unknown>;
    Outputs?: Record<string, { Value: unknown }>;
  };
}

function build(channels?: readonly ('facebook' | 'instagram' | 'whatsapp')[]): Built {
  const { stack, template } = buildStack(channels ? { channels: [...channels] } : {});
  return { stack, template, json: template.toJSON() as Built['json'] };
}

const paths = ({ template }: Built) => [...new Set(apiResourcePaths(template).values())];
const secretDescriptions = ({ template }: Built) =>
  Object.values(resourcesOfType(template, 'AWS::SecretsManager::Secret')).map((secret) =>
    String(secret.Properties?.Description),
  );
const functionDescriptions = ({ template }: Built) =>
  Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).map((fn) =>
    String(fn.Properties?.Description),
  );
const environments = ({ template }: Built) =>
  Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).map(
    (fn) =>
      ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>,
  );
const variableNames = (built: Built) => [...new Set(environments(built).flatMap(Object.keys))];
const alarmNames = ({ template }: Built) =>
  Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((alarm) =>
    String(alarm.Properties?.AlarmName),
  );
const dashboardBody = ({ template }: Built) =>
  JSON.stringify(
    Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody,
  );
const outputValue = ({ json }: Built, id: string) => json.Outputs?.[id]?.Value;

let all: Built;
let noInstagram: Built;
let noWhatsApp: Built;
let whatsAppOnly: Built;

beforeAll(() => {
  all = build();
  noInstagram = build(['facebook', 'whatsapp']);
  noWhatsApp = build(['facebook', 'instagram']);
  whatsAppOnly = build(['whatsapp']);
});

describe('a stage that serves every channel (the default)', () => {
  it('has every callback and webhook route, secret, app-id parameter and channel function', () => {
    expect(paths(all)).toEqual(
      expect.arrayContaining([
        '/meta/data-deletion',
        '/meta/deauthorize',
        '/instagram/data-deletion',
        '/instagram/deauthorize',
        '/whatsapp/webhook',
      ]),
    );
    expect(secretDescriptions(all)).toHaveLength(6);
    expect(Object.keys(all.json.Parameters ?? {})).toEqual(
      expect.arrayContaining([META_APP_ID_PARAMETER, INSTAGRAM_APP_ID_PARAMETER]),
    );
    expect(all.stack.functions.keys).toEqual(
      expect.arrayContaining(['metaCallbacks', 'whatsappWebhook', 'whatsappSweeper']),
    );
    expect(alarmNames(all)).toContain('deletion-service-test-whats-app-sweeper-errors');
    expect(outputValue(all, SERVED_CHANNELS_OUTPUT)).toBe('facebook,instagram,whatsapp');
  });
});

describe('a stage without Instagram', () => {
  it('has no Instagram callback route (API Gateway answers 404 for it) and no URL output for one', () => {
    expect(paths(noInstagram).filter((path) => path.startsWith('/instagram'))).toEqual([]);
    expect(paths(noInstagram)).toEqual(expect.arrayContaining(['/meta/data-deletion', '/whatsapp/webhook']));
    const outputs = Object.keys(noInstagram.json.Outputs ?? {});
    expect(outputs.filter((id) => /instagram/i.test(id))).toEqual([]);
  });

  it('creates no Instagram secret, parameter or environment variable', () => {
    expect(secretDescriptions(noInstagram).filter((text) => /instagram/i.test(text))).toEqual([]);
    expect(secretDescriptions(noInstagram)).toHaveLength(5);
    expect(Object.keys(noInstagram.json.Parameters ?? {})).not.toContain(INSTAGRAM_APP_ID_PARAMETER);
    expect(Object.keys(noInstagram.json.Parameters ?? {})).toContain(META_APP_ID_PARAMETER);
    expect(variableNames(noInstagram).filter((name) => name.startsWith('INSTAGRAM_'))).toEqual([]);
  });

  it('keeps the Facebook callbacks, told which channels the stage serves', () => {
    const environment = environments(noInstagram).find((variables) => 'META_APP_ID' in variables);
    expect(environment?.[SERVED_CHANNELS_ENV]).toBe('facebook,whatsapp');
    expect(outputValue(noInstagram, SERVED_CHANNELS_OUTPUT)).toBe('facebook,whatsapp');
  });
});

describe('a stage without WhatsApp', () => {
  it('has no webhook route, no webhook or sweeper function and no sweeper schedule', () => {
    expect(paths(noWhatsApp).filter((path) => path.startsWith('/whatsapp'))).toEqual([]);
    expect(noWhatsApp.stack.functions.keys).not.toContain('whatsappWebhook');
    expect(noWhatsApp.stack.functions.keys).not.toContain('whatsappSweeper');
    expect(functionDescriptions(noWhatsApp).filter((text) => /whatsapp/i.test(text))).toEqual([]);
    const rules = Object.values(resourcesOfType(noWhatsApp.template, 'AWS::Events::Rule'));
    expect(rules.map((rule) => String(rule.Properties?.Description))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/WhatsApp/)]),
    );
  });

  it('creates no WhatsApp secret and gives no function a WhatsApp setting', () => {
    expect(secretDescriptions(noWhatsApp).filter((text) => /whatsapp/i.test(text))).toEqual([]);
    expect(secretDescriptions(noWhatsApp)).toHaveLength(3);
    expect(variableNames(noWhatsApp).filter((name) => name.startsWith('WHATSAPP_'))).toEqual([]);
    expect(Object.keys(noWhatsApp.json.Outputs ?? {}).filter((id) => /whats/i.test(id))).toEqual([]);
  });

  it('has no alarm or dashboard widget for the WhatsApp functions', () => {
    expect(alarmNames(noWhatsApp).filter((name) => /whats-app/.test(name))).toEqual([]);
    expect(dashboardBody(noWhatsApp)).not.toMatch(/WhatsApp(Sweeper|Webhook)/);
    expect(dashboardBody(all)).toMatch(/WhatsAppSweeper/);
  });
});

describe('a stage with WhatsApp only', () => {
  it('has no Meta callback function, route, secret or app-id parameter', () => {
    expect(whatsAppOnly.stack.functions.keys).not.toContain('metaCallbacks');
    expect(paths(whatsAppOnly).filter((path) => /^\/(meta|instagram)\//.test(path))).toEqual([]);
    expect(Object.keys(whatsAppOnly.json.Parameters ?? {})).not.toContain(META_APP_ID_PARAMETER);
    expect(Object.keys(whatsAppOnly.json.Parameters ?? {})).not.toContain(INSTAGRAM_APP_ID_PARAMETER);
    expect(secretDescriptions(whatsAppOnly).filter((text) => /Meta app secret|Instagram/.test(text))).toEqual(
      [],
    );
    expect(variableNames(whatsAppOnly)).not.toContain('META_APP_ID');
  });

  it('passes cdk-nag like the full stage', () => {
    const report = new AwsSolutionsChecks().validateScope(newStack({ channels: ['whatsapp'] }));
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('channels in the configuration', () => {
  it('defaults to every channel and reads a comma-separated -c value', () => {
    expect(parseDeploymentConfig({}).channels).toEqual(['facebook', 'instagram', 'whatsapp']);
    expect(parseDeploymentConfig({ channels: 'facebook, whatsapp' }).channels).toEqual([
      'facebook',
      'whatsapp',
    ]);
    expect(parseDeploymentConfig({ channels: '' }).channels).toEqual([]);
  });

  it('refuses an unknown or repeated channel', () => {
    expect(() => parseDeploymentConfig({ channels: ['facebook', 'telegram'] })).toThrow(
      /channels\.1: must list channels among facebook, instagram, whatsapp/,
    );
    expect(() => parseDeploymentConfig({ channels: ['whatsapp', 'whatsapp'] })).toThrow(
      /channels: must not repeat a channel/,
    );
  });

  it("refuses a left-out channel's settings instead of ignoring them", () => {
    expect(() =>
      parseDeploymentConfig({
        channels: ['facebook', 'instagram'],
        whatsappPhoneNumberId: '106540352242922',
        whatsappCompletionTemplate: 'deletion_done',
      }),
    ).toThrow(
      /whatsappCompletionTemplate: is a setting of whatsapp, but channels leaves whatsapp out[\s\S]*whatsappPhoneNumberId: is a setting of whatsapp/,
    );
    expect(() =>
      parseDeploymentConfig({ channels: ['facebook'], instagramAppId: '200000000000002' }),
    ).toThrow(/instagramAppId: is a setting of instagram, but channels leaves instagram out/);
  });
});
