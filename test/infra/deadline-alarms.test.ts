// infra tests: the deadline alarms and the schedule of the check that feeds them.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/declarations/functions.js';
import { buildStack, resourcesOfType } from './template-queries.js';

let template: Template;

beforeAll(() => {
  ({ template } = buildStack());
});

describe('deadline alarms', () => {
  it.each(['RequestsOverdue', 'RequestsNearingDue'])(
    'alarms when %s, as emitted by the deadline check, reaches 1',
    (metric) => {
      const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).filter(
        (alarm) => alarm.Properties?.MetricName === metric,
      );
      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.Properties).toMatchObject({
        Namespace: 'DeletionService',
        Dimensions: [{ Name: 'service', Value: 'deletion-service' }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    },
  );

  it('runs the deadline check on its declared schedule', () => {
    const rules = Object.values(resourcesOfType(template, 'AWS::Events::Rule')).map(
      (rule) => rule.Properties?.ScheduleExpression,
    );
    const every = (FUNCTIONS.deadlineCheck.trigger as { everyMinutes: number }).everyMinutes;
    // CDK writes whole hours as hours.
    const expected =
      every % 60 === 0 ? `rate(${every / 60} hour${every === 60 ? '' : 's'})` : `rate(${every} minutes)`;
    expect(rules).toContain(expected);
  });
});
