import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaAwsInstanceProfile}. */
export interface UmsHaAwsInstanceProfileProps {
  /** The topology name: role and profile are `<name>-ums-ha-host`. */
  readonly topologyName: string;
  readonly region: string;
  /** The SSM parameter names the hosts read (each starts with /). */
  readonly parameters: readonly string[];
  /** A customer managed KMS key the parameters are encrypted with. @default - aws/ssm (no permission needed) */
  readonly kmsKeyArn?: string;
}

/**
 * The hosts' identity: an IAM role EC2 may assume, allowed ssm:GetParameter on exactly the
 * topology's parameters (and kms:Decrypt on their key, when a customer key is named), and nothing
 * else; the instance profile carries it. The ARNs are built from the partition and account of the
 * credentials Terraform runs with; no parameter value is ever read by Terraform.
 */
export class UmsHaAwsInstanceProfile extends Construct {
  readonly role: IamRole;
  readonly profile: IamInstanceProfile;
  /** The profile name, read once. */
  readonly profileName: string;

  constructor(scope: Construct, id: string, props: UmsHaAwsInstanceProfileProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, 'Partition');
    partition.overrideLogicalId('current');
    const account = new DataAwsCallerIdentity(this, 'Account');
    account.overrideLogicalId('current');
    const name = terraformLiteral(`${props.topologyName}-ums-ha-host`);
    this.role = new IamRole(this, 'Role', {
      name,
      description: terraformLiteral(`IGEL UMS HA hosts of ${props.topologyName}: read their SSM parameters (managed by ums-ha)`),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    this.role.overrideLogicalId('hosts');
    const prefix = `arn:${partition.partition}:ssm:${terraformLiteral(props.region)}:${account.accountId}:parameter`;
    const statements: Array<Record<string, unknown>> = [
      { Sid: 'ReadTheSecretsOfThisNetwork', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: props.parameters.map((p) => `${prefix}${terraformLiteral(p)}`) },
    ];
    if (props.kmsKeyArn !== undefined) statements.push({ Sid: 'DecryptThem', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [terraformLiteral(props.kmsKeyArn)] });
    new IamRolePolicy(this, 'Policy', {
      name: 'read-ssm-parameters',
      role: this.role.id,
      policy: Fn.jsonencode({ Version: '2012-10-17', Statement: statements }),
    }).overrideLogicalId('hosts_read_parameters');
    this.profile = new IamInstanceProfile(this, 'Profile', { name, role: this.role.name });
    this.profile.overrideLogicalId('hosts');
    this.profileName = this.profile.name;
  }
}
