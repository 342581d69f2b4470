// infra tests: the stack passes cdk-nag's AWS Solutions rules, and its acknowledgements are narrow enough that a
// new violation still shows.
import { describe, expect, it } from '@jest/globals';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newStack } from './template-queries.js';

describe('cdk-nag (AWS Solutions)', () => {
  it('reports no unacknowledged finding for the stack', () => {
    const stack = newStack();
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('still reports a wildcard action added to a function role', () => {
    const stack = newStack();
    stack.functions.byKey.deletionStatus.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:*'],
        resources: [stack.data.table({ id: 'MetaPlatformData' }).tableArn],
      }),
    );
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([
      'AwsSolutions-IAM5[Action::dynamodb:*]',
    ]);
  });
});
