// CDK app entry: one DeletionService-<stage> stack, checked with cdk-nag's AWS Solutions rules on every synth.
// Context: -c stage=<name> (default dev), -c publicBaseUrl=https://... (default: the API's own URL),
// -c emailFromAddress=... (default of the EmailFromAddress parameter; otherwise pass it with --parameters),
// -c metaAppId=... and -c instagramAppId=... (defaults of the MetaAppId and InstagramAppId parameters),
// -c graphApiVersion=v27.0 (the Graph API version the functions call).
// -c whatsappCompletionTemplate=<name> [-c whatsappTemplateLanguage=en_US] (WhatsApp completion notice
// outside the 24-hour window; without it none is sent there).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeletionServiceStack } from '../lib/deletion-service-stack.js';

const app = new App();
const stage = optionalContext(app, 'stage') ?? 'dev';
const publicBaseUrl = optionalContext(app, 'publicBaseUrl');
const emailFromAddress = optionalContext(app, 'emailFromAddress');
const metaAppId = optionalContext(app, 'metaAppId');
const instagramAppId = optionalContext(app, 'instagramAppId');
const graphApiVersion = optionalContext(app, 'graphApiVersion');
const templateName = optionalContext(app, 'whatsappCompletionTemplate');
const templateLanguage = optionalContext(app, 'whatsappTemplateLanguage');
const whatsappCompletionTemplate = templateName
  ? { name: templateName, ...(templateLanguage ? { language: templateLanguage } : {}) }
  : undefined;

new DeletionServiceStack(app, `DeletionService-${stage}`, {
  stage,
  publicBaseUrl,
  emailFromAddress,
  metaAppId,
  instagramAppId,
  graphApiVersion,
  ...(whatsappCompletionTemplate ? { whatsappCompletionTemplate } : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

function optionalContext(scope: App, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context "${key}" must be a string`);
  return value;
}
