// infra tests: the optional custom domain (domain name, base path mapping to the stage, DNS alias in a hosted
// zone), the URLs the stack publishes with and without it, and the outputs the acceptance suite reads.
import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ROUTES } from '../../functions/declarations/functions.js';
import { DeploymentConfigError, parseDeploymentConfig } from '../../lib/config.js';
import { DeletionServiceStack, type DeletionServiceStackProps } from '../../lib/deletion-service-stack.js';
import { routeOutputId, secretOutputId } from '../../lib/output-names.js';
import { ACCEPTANCE_ROUTES, ACCEPTANCE_SECRETS } from '../../scripts/acceptance/target.js';
import { logicalIdOf, mentions, resource, resourcesOfType, CDK_JSON_CONTEXT } from './template-queries.js';

function newStack(props: Partial<DeletionServiceStackProps> = {}): DeletionServiceStack {
  return new DeletionServiceStack(new App({ context: CDK_JSON_CONTEXT }), 'DeletionService-test', {
    stage: 'test',
    demoDataStores: true,
    ...props,
  });
}

function buildStack(props: Partial<DeletionServiceStackProps> = {}) {
  const stack = newStack(props);
  return { stack, template: Template.fromStack(stack) };
}

const DOMAIN = {
  domainName: 'privacy.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
};
const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };

type Outputs = Record<string, { Value: unknown }>;

/** Every output that is a URL a person or a platform is given. */
const PUBLISHED_URL_OUTPUTS = [
  'MetaDataDeletionCallbackUrl',
  'MetaDeauthorizeCallbackUrl',
  'InstagramDataDeletionCallbackUrl',
  'InstagramDeauthorizeCallbackUrl',
  'WhatsAppWebhookUrl',
  'StatusBaseUrl',
  'DataDeletionInstructionsUrl',
  ...[...new Set(ROUTES.map((route) => route.path))].map(routeOutputId),
];

describe('without a custom domain', () => {
  const { stack, template } = buildStack();
  const outputs = template.findOutputs('*') as Outputs;

  it('creates no domain, mapping or DNS record', () => {
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(outputs.CustomDomainAliasTarget).toBeUndefined();
  });

  it("publishes every URL on the API's own stage URL", () => {
    for (const id of PUBLISHED_URL_OUTPUTS) {
      expect([id, mentions(outputs[id]?.Value, logicalIdOf(stack.api.restApi))]).toEqual([id, true]);
      expect([id, JSON.stringify(outputs[id]?.Value)]).toEqual([id, expect.stringContaining('/test/')]);
    }
  });
});

describe('with domainName and certificateArn', () => {
  const { stack, template } = buildStack(DOMAIN);
  const outputs = template.findOutputs('*') as Outputs;

  it('creates a regional custom domain with the certificate and TLS 1.2', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'privacy.example.com',
      RegionalCertificateArn: DOMAIN.certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
  });

  it("maps the domain's root to the API stage", () => {
    const mappings = Object.values(resourcesOfType(template, 'AWS::ApiGateway::BasePathMapping'));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]!.Properties ?? {};
    expect(mapping.BasePath).toBeUndefined();
    expect(mapping.RestApiId).toEqual({ Ref: logicalIdOf(stack.api.restApi) });
    expect(mapping.Stage).toEqual({ Ref: logicalIdOf(stack.api.restApi.deploymentStage) });
    expect(mapping.DomainName).toEqual({ Ref: logicalIdOf(stack.api.domain!) });
  });

  it('creates no DNS record without a hosted zone, and says where the domain must point', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(mentions(outputs.CustomDomainAliasTarget?.Value, logicalIdOf(stack.api.domain!))).toBe(true);
  });

  it('publishes every URL, and gives the functions status links, on the domain', () => {
    for (const id of PUBLISHED_URL_OUTPUTS) {
      expect([id, outputs[id]?.Value]).toEqual([
        id,
        expect.stringMatching(/^https:\/\/privacy\.example\.com\//),
      ]);
    }
    expect(outputs.MetaDataDeletionCallbackUrl?.Value).toBe('https://privacy.example.com/meta/data-deletion');
    expect(outputs.DataDeletionInstructionsUrl?.Value).toBe('https://privacy.example.com/delete-my-data');
    expect(outputs.StatusBaseUrl?.Value).toBe('https://privacy.example.com/deletion-status');
    for (const key of ['metaCallbacks', 'deletionWorker', 'selfService'] as const) {
      const fn = resource(template, logicalIdOf(stack.functions.function(key)));
      expect(fn.Properties?.Environment).toMatchObject({
        Variables: { PUBLIC_BASE_URL: 'https://privacy.example.com' },
      });
    }
    // The stage URL stays available (and is how the domain is reached behind the scenes).
    expect(mentions(outputs.ApiBaseUrl?.Value, logicalIdOf(stack.api.restApi))).toBe(true);
  });

  it('lets an explicit publicBaseUrl win for status links', () => {
    const custom = buildStack({ ...DOMAIN, publicBaseUrl: 'https://www.example.com/privacy' });
    custom.template.hasOutput('StatusBaseUrl', { Value: 'https://www.example.com/privacy/deletion-status' });
  });

  it('passes cdk-nag with nothing new to acknowledge', () => {
    const report = new AwsSolutionsChecks().validateScope(newStack(DOMAIN));
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('with a hosted zone', () => {
  const { stack, template } = buildStack({ ...DOMAIN, ...ZONE });

  it("creates the domain's alias record in the zone, pointing at the custom domain", () => {
    const records = Object.values(resourcesOfType(template, 'AWS::Route53::RecordSet'));
    expect(records).toHaveLength(1);
    const record = records[0]!.Properties ?? {};
    expect(record).toMatchObject({
      Name: 'privacy.example.com.',
      Type: 'A',
      HostedZoneId: ZONE.hostedZoneId,
    });
    const domainId = logicalIdOf(stack.api.domain!);
    expect(record.AliasTarget).toEqual({
      DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
    });
  });
});

describe('custom domain configuration', () => {
  const invalid = (input: Record<string, unknown>) => {
    try {
      parseDeploymentConfig(input);
    } catch (error) {
      if (error instanceof DeploymentConfigError) return error.message;
      throw error;
    }
    return 'valid';
  };

  it('asks for the certificate with the domain and the other way round', () => {
    expect(invalid({ domainName: DOMAIN.domainName })).toContain(
      'certificateArn: is required with domainName',
    );
    expect(invalid({ certificateArn: DOMAIN.certificateArn })).toContain(
      'domainName: is required with certificateArn',
    );
  });

  it('asks for both halves of the hosted zone, and a zone that holds the domain', () => {
    expect(invalid({ ...DOMAIN, hostedZoneId: ZONE.hostedZoneId })).toContain('hostedZoneName: is required');
    expect(invalid({ ...DOMAIN, hostedZoneName: ZONE.hostedZoneName })).toContain(
      'hostedZoneId: is required',
    );
    expect(invalid({ ...DOMAIN, ...ZONE, hostedZoneName: 'example.org' })).toContain(
      'hostedZoneName: must be privacy.example.com or a parent of it',
    );
    expect(invalid({ ...DOMAIN, ...ZONE, hostedZoneName: 'ample.com' })).toContain('a parent of it');
    expect(invalid({ ...DOMAIN, ...ZONE })).toBe('valid');
  });

  it('refuses a malformed domain, certificate ARN or zone id', () => {
    const message = invalid({
      domainName: 'https://privacy.example.com',
      certificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
      hostedZoneId: 'zone-1',
      hostedZoneName: 'example.com',
    });
    expect(message).toContain('domainName: must be a DNS name');
    expect(message).toContain('certificateArn: must be the ARN of an ACM certificate');
    expect(message).toContain('hostedZoneId: must be a Route 53 hosted zone id');
  });

  it('refuses at synth a certificate from another region than the stack', () => {
    const stack = newStack({ ...DOMAIN, env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => Template.fromStack(stack)).toThrow(/certificateArn is in eu-west-1.*us-east-1/);
  });
});

describe('outputs for the acceptance suite', () => {
  const { template } = buildStack(DOMAIN);
  const outputs = template.findOutputs('*') as Outputs;

  it('include every URL and secret name the suite reads, and the command to run it', () => {
    for (const path of Object.values(ACCEPTANCE_ROUTES)) {
      expect([path, outputs[routeOutputId(path)]?.Value]).toEqual([
        path,
        `https://privacy.example.com${path}`,
      ]);
    }
    for (const name of Object.keys(ACCEPTANCE_SECRETS)) expect(outputs[secretOutputId(name)]).toBeDefined();
    expect(outputs.ApiBaseUrl).toBeDefined();
    expect(outputs.AcceptanceTestCommand?.Value).toBe(
      'npm run test:deployed -- --outputs cdk-outputs.json --stack DeletionService-test',
    );
  });
});
