// infra: the public REST API (API Gateway), one Lambda-proxy method per declared route, with per-method
// throttling and access logs that never record the query string (the status code in ?code= is a bearer secret).
import { Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { RouteDeclaration } from '../functions/declarations/functions.js';

export interface ApiConstructProps {
  readonly stage: string;
  readonly routes: readonly RouteDeclaration[];
  readonly logRetention: logs.RetentionDays;
  /** A regional WAFv2 web ACL to associate with the stage (managed outside this stack). */
  readonly wafWebAclArn?: string;
  /** The stack creates the stage's own web ACL (lib/web-acl-construct.ts). */
  readonly ownWebAcl?: boolean;
  /** A custom domain in front of the stage (its root maps to the stage), with its DNS alias when a zone is given. */
  readonly customDomain?: CustomDomainProps;
}

export interface CustomDomainProps {
  readonly domainName: string;
  /** ACM certificate for the domain, in the stack's region (the API endpoint is regional). */
  readonly certificateArn: string;
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

const field = apigateway.AccessLogField;

/**
 * Access-log fields. Deliberately absent: $context.path and anything with the query string (the status code),
 * $context.identity.sourceIp and userAgent (personal data we have no use for), and request/response bodies.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: field.contextRequestId(),
  extendedRequestId: field.contextExtendedRequestId(),
  requestTime: field.contextRequestTime(),
  httpMethod: field.contextHttpMethod(),
  resourcePath: field.contextResourcePath(),
  status: field.contextStatus(),
  protocol: field.contextProtocol(),
  responseLength: field.contextResponseLength(),
  responseLatency: field.contextResponseLatency(),
  integrationStatus: field.contextIntegrationStatus(),
  integrationLatency: field.contextIntegrationLatency(),
  errorMessage: field.contextErrorMessage(),
  errorResponseType: field.contextErrorResponseType(),
  xrayTraceId: field.contextXrayTraceId(),
};

export class ApiConstruct extends Construct {
  readonly restApi: apigateway.RestApi;
  /**
   * https://{api id}.execute-api.{region}.{url suffix}/{stage}, without a trailing slash. Built from the API id
   * rather than `restApi.url` so functions can use it: the URL of the deployed stage depends on the methods,
   * which depend on the functions.
   */
  readonly baseUrl: string;
  /** The custom domain, when one is configured. */
  readonly domain?: apigateway.DomainName;
  private readonly routes: readonly RouteDeclaration[];
  private readonly integratedRoutes = new Set<RouteDeclaration>();

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    this.routes = props.routes;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `deletion-service-${props.stage}`,
      description: 'Deletion service: Meta data-deletion callbacks and the deletion status page.',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // API Gateway writes access logs through the account-wide CloudWatch role; kept if the stack goes,
      // since other APIs in the account and region may rely on it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stage,
        // Off: stage tracing records each request's full URL, query string included (the status code in
        // ?code=, the verification token in ?token=). The functions are traced, without URLs.
        tracingEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        methodOptions: Object.fromEntries(
          props.routes.map((route) => [
            `${route.path}/${route.method}`,
            { throttlingRateLimit: route.throttle.ratePerSecond, throttlingBurstLimit: route.throttle.burst },
          ]),
        ),
      },
    });

    // CDK's own `Endpoint` output repeats the stage URL: the stack publishes it once, as ApiBaseUrl.
    this.restApi.node.tryRemoveChild('Endpoint');

    const stack = Stack.of(this);
    this.baseUrl = Fn.join('', [
      'https://',
      this.restApi.restApiId,
      '.execute-api.',
      stack.region,
      '.',
      stack.urlSuffix,
      `/${props.stage}`,
    ]);

    if (props.customDomain) this.domain = this.addCustomDomain(props.customDomain);

    if (props.wafWebAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn: props.wafWebAclArn,
      });
    }

    this.node.addValidation({
      validate: () =>
        this.routes
          .filter((route) => !this.integratedRoutes.has(route))
          .map(
            (route) =>
              `Route ${route.method} ${route.path} has no integration; call integrate() with its function.`,
          ),
    });
    this.acknowledgeNagFindings({ hasWebAcl: props.wafWebAclArn !== undefined || props.ownWebAcl === true });
  }

  /** Adds a Lambda-proxy method for every route; called once the functions exist (they need `baseUrl`). */
  integrate(functionFor: (functionId: string) => lambda.IFunction): void {
    for (const route of this.routes) {
      this.restApi.root
        .resourceForPath(route.path)
        // No test-invoke permission: the functions are invoked only through the deployed stage.
        .addMethod(
          route.method,
          new apigateway.LambdaIntegration(functionFor(route.functionId), { allowTestInvoke: false }),
        );
      this.integratedRoutes.add(route);
    }
  }

  /**
   * `GET /` answers 302 to the request form, so the bare domain (or stage URL) a person types leads somewhere.
   * A mock integration: no function runs for it, so a flood of it costs nothing beyond the stage throttle.
   */
  redirectRoot(location: string): void {
    this.restApi.root.addMethod(
      'GET',
      new apigateway.MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 302}' },
        integrationResponses: [
          {
            statusCode: '302',
            responseParameters: {
              'method.response.header.Location': Fn.join('', ["'", location, "'"]),
              'method.response.header.Cache-Control': "'no-store'",
            },
          },
        ],
      }),
      {
        methodResponses: [
          {
            statusCode: '302',
            responseParameters: {
              'method.response.header.Location': true,
              'method.response.header.Cache-Control': true,
            },
          },
        ],
      },
    );
  }

  /**
   * The domain serves the stage at its root (an empty base path), so https://<domain>/<route> reaches the same
   * method as the stage URL. TLS 1.2 at least; Meta's and people's clients all speak it.
   */
  private addCustomDomain(props: CustomDomainProps): apigateway.DomainName {
    const domain = new apigateway.DomainName(this, 'CustomDomain', {
      domainName: props.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    domain.addBasePathMapping(this.restApi, { stage: this.restApi.deploymentStage });
    if (props.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
        hostedZoneId: props.hostedZone.id,
        zoneName: props.hostedZone.name,
      });
      new route53.ARecord(this, 'AliasRecord', {
        zone,
        recordName: `${props.domainName}.`,
        target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(domain)),
      });
    }
    // A regional endpoint takes only a certificate of its own region.
    this.node.addValidation({
      validate: () => {
        const region = Stack.of(this).region;
        const certificateRegion = props.certificateArn.split(':')[3];
        return Token.isUnresolved(region) || certificateRegion === region
          ? []
          : [`certificateArn is in ${certificateRegion}; a regional API needs a certificate in ${region}`];
      },
    });
    return domain;
  }

  /** The full URL of a route on the deployed stage. */
  urlOf(route: RouteDeclaration): string {
    return this.restApi.urlForPath(route.path);
  }

  private acknowledgeNagFindings(options: { readonly hasWebAcl: boolean }): void {
    if (!options.hasWebAcl) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'No wafWebAclArn configured for this stage: every route is throttled per method and authenticates each ' +
          'request in the handler (HMAC signature, unguessable code, body size limit). Set wafWebAclArn to ' +
          'associate a web ACL (docs/configuration.md).',
      });
    }
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Meta posts a form-encoded signed_request, which API Gateway models cannot validate, and the status page ' +
          'takes one query parameter. The handlers validate strictly (size, content type, signature, code format) ' +
          'and answer 4xx, identically in the local runner.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by protocol: Meta calls the callback without AWS credentials (it is authenticated by the ' +
          'signed_request HMAC), and people open the status page from a link, authenticated by its bearer code.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'No user pool: the callers are Meta servers and anonymous people holding a status code (see APIG4).',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging is off on purpose: at INFO it records the query string, which carries the status code ' +
          '(a bearer secret). Access logs with a format free of paths and query strings are on instead.',
      },
    );
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role through which API Gateway writes access logs; this AWS managed policy is the one AWS ' +
        'documents for it.',
    });
  }
}
