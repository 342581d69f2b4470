// infra tests: a stage that is not a demo gets its own web ACL in front of the shared stage throttles:
// per-IP rate-based rules per route group (blocked with 429), no sampled requests (they would keep
// URLs with ?code=), and an alarm on blocks. A stage that names its own ACL, or a demo, gets none.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../functions/declarations/functions.js';
import { RATE_LIMIT_GROUPS } from '../../lib/web-acl-construct.js';
import { buildStack } from './template-queries.js';

describe('web ACL', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('is created for a stage that is not a demo, with a per-IP rate rule for every route group', () => {
    const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const properties = acls[0]!.Properties as {
      Scope: string;
      DefaultAction: unknown;
      VisibilityConfig: { SampledRequestsEnabled: boolean };
      Rules: {
        Name: string;
        Action: { Block?: { CustomResponse?: { ResponseCode: number } } };
        VisibilityConfig: { SampledRequestsEnabled: boolean };
        Statement: { RateBasedStatement?: { AggregateKeyType: string; Limit: number } };
      }[];
    };
    expect(properties.Scope).toBe('REGIONAL');
    expect(properties.DefaultAction).toEqual({ Allow: {} });
    expect(properties.VisibilityConfig.SampledRequestsEnabled).toBe(false);
    expect(properties.Rules).toHaveLength(RATE_LIMIT_GROUPS.length);
    for (const rule of properties.Rules) {
      expect(rule.Statement.RateBasedStatement?.AggregateKeyType).toBe('IP');
      expect(rule.Action.Block?.CustomResponse?.ResponseCode).toBe(429);
      expect(rule.VisibilityConfig.SampledRequestsEnabled).toBe(false);
    }
    // Every route is in a group, and the form is limited well below the callbacks.
    for (const route of ROUTES)
      expect(RATE_LIMIT_GROUPS.some((group) => group.paths.includes(route.path))).toBe(true);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it("sets each route's stage throttle at least ten addresses' worth of its per-IP limit", () => {
    // A method throttle is shared by every client; the per-IP rule stops one address. So that a flood
    // from a handful of addresses cannot use up the throttle Meta's own calls need, it sits far above
    // what one address may send.
    for (const route of ROUTES) {
      const group = RATE_LIMIT_GROUPS.find((candidate) => candidate.paths.includes(route.path));
      const perIpPerSecond = (group?.limitPerFiveMinutes ?? Infinity) / 300;
      expect([route.method, route.path, route.throttle.ratePerSecond >= 10 * perIpPerSecond]).toEqual([
        route.method,
        route.path,
        true,
      ]);
      expect(route.throttle.burst).toBeGreaterThanOrEqual(route.throttle.ratePerSecond);
    }
  });

  it('alarms on blocked requests, to the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => (alarm.Properties as { Namespace?: string }).Namespace === 'AWS/WAFV2',
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({ MetricName: 'BlockedRequests' });
    expect((alarms[0]!.Properties as { AlarmActions: unknown[] }).AlarmActions).toHaveLength(1);
  });

  it('is not created for a demo stage, nor when the stage names its own ACL', () => {
    expect(Object.keys(buildStack({ demo: true }).template.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
    const given = buildStack({
      wafWebAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0000-1111',
    }).template;
    expect(Object.keys(given.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
    given.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});
