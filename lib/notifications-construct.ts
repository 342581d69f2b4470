// infra: confirmation email through SES: the sender address (a deploy-time parameter) and the grant to send as it.
import { Aws, CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface NotificationsConstructProps {
  /** Default of the EmailFromAddress parameter (from context); without one, every deploy must pass it. */
  readonly defaultFromAddress?: string;
  /** SES configuration set the confirmations are sent with (delivery, bounce and complaint events). */
  readonly configurationSet?: string;
}

/** Logical id of the parameter, as `cdk deploy --parameters EmailFromAddress=...` names it. */
export const EMAIL_FROM_ADDRESS_PARAMETER = 'EmailFromAddress';

export class NotificationsConstruct extends Construct {
  /** The sender address (a token until deploy). Its address or its domain must be a verified SES identity. */
  readonly fromAddress: string;
  readonly configurationSet?: string;

  constructor(scope: Construct, id: string, props: NotificationsConstructProps = {}) {
    super(scope, id);
    // A parameter rather than context: synthesis needs no value, a deploy cannot forget it, and later deploys
    // keep the previous value.
    const parameter = new CfnParameter(this, EMAIL_FROM_ADDRESS_PARAMETER, {
      type: 'String',
      description: 'Sender of deletion confirmations. The address or its domain must be verified in SES.',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be an email address',
      default: props.defaultFromAddress,
    });
    parameter.overrideLogicalId(EMAIL_FROM_ADDRESS_PARAMETER);
    this.fromAddress = parameter.valueAsString;
    this.configurationSet = props.configurationSet;
  }

  /**
   * Lets `grantee` send email from the sender address only, whether SES verified the address or its domain (and
   * with the configured configuration set, which SES authorises as a resource of its own).
   */
  grantSendEmail(grantee: iam.IGrantable): iam.Grant {
    const domain = Fn.select(1, Fn.split('@', this.fromAddress));
    const sesArn = (resource: string) =>
      `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        sesArn(`identity/${this.fromAddress}`),
        sesArn(`identity/${domain}`),
        ...(this.configurationSet ? [sesArn(`configuration-set/${this.configurationSet}`)] : []),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
    });
  }
}
