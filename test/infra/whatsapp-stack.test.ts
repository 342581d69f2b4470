// infra tests: the WhatsApp channel in the synthesized stack — webhook routes, the sweeper's
// schedule, the receipts table's TTL, and which function gets which WhatsApp secret.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WHATSAPP_WEBHOOK_RECEIPTS_TABLE } from '../../functions/declarations/tables.js';
import { secretArnEnvVar } from '../../functions/declarations/secrets.js';
import type { DeletionServiceStack } from '../../lib/deletion-service-stack.js';
import { apiResourcePaths, buildStack, logicalIdOf, resource, resourcesOfType } from './template-queries.js';

let stack: DeletionServiceStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = buildStack());
});

const environmentOf = (key: keyof DeletionServiceStack['functions']['byKey']) =>
  (
    resource(template, logicalIdOf(stack.functions.function(key))).Properties?.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('WhatsApp channel', () => {
  it('serves GET and POST /whatsapp/webhook from the webhook function', () => {
    const paths = apiResourcePaths(template);
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(
      (method) => paths.get((method.Properties?.ResourceId as { Ref: string }).Ref) === '/whatsapp/webhook',
    );
    expect(methods.map((method) => method.Properties?.HttpMethod).sort()).toEqual(['GET', 'POST']);
    const webhook = logicalIdOf(stack.functions.function('whatsappWebhook'));
    for (const method of methods) expect(JSON.stringify(method.Properties?.Integration)).toContain(webhook);
  });

  it('runs the sweeper every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.function('whatsappSweeper')), 'Arn'] },
        }),
      ],
    });
  });

  it('expires webhook receipts by TTL', () => {
    const table = resource(template, logicalIdOf(stack.data.table(WHATSAPP_WEBHOOK_RECEIPTS_TABLE)));
    expect(table.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('gives the app secret and verify token to the webhook only; the access token to whatever sends', () => {
    const appSecret = secretArnEnvVar('whatsappAppSecret');
    const verifyToken = secretArnEnvVar('whatsappVerifyToken');
    const accessToken = secretArnEnvVar('whatsappAccessToken');
    expect(Object.keys(environmentOf('whatsappWebhook'))).toEqual(
      expect.arrayContaining([appSecret, verifyToken, accessToken]),
    );
    expect(Object.keys(environmentOf('whatsappSweeper'))).toContain(accessToken);
    expect(Object.keys(environmentOf('whatsappSweeper'))).not.toContain(appSecret);
    expect(Object.keys(environmentOf('whatsappSweeper'))).not.toContain(verifyToken);
    expect(Object.keys(environmentOf('deletionWorker'))).toContain(accessToken);
    expect(Object.keys(environmentOf('deletionWorker'))).not.toContain(appSecret);
    expect(Object.keys(environmentOf('metaCallbacks'))).not.toContain(accessToken);
  });

  it('outputs the webhook URL to enter in the dashboard', () => {
    template.hasOutput('WhatsAppWebhookUrl', {});
  });

  it('sets the completion template on the worker only when one is configured', () => {
    expect(environmentOf('deletionWorker')).not.toHaveProperty('WHATSAPP_COMPLETION_TEMPLATE');
    const configured = buildStack({ whatsappCompletionTemplate: 'deletion_completed' });
    const worker = resource(configured.template, logicalIdOf(configured.stack.functions.byKey.deletionWorker))
      .Properties?.Environment as { Variables: Record<string, unknown> };
    expect(worker.Variables).toMatchObject({
      WHATSAPP_COMPLETION_TEMPLATE: 'deletion_completed',
      WHATSAPP_TEMPLATE_LANGUAGE: 'en_US',
    });
  });
});
