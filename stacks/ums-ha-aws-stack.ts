import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { UmsHaAwsTopology, type UmsHaAwsTopologyProps } from '../constructs/aws/ums-ha-aws-topology';
import { terraformLiteral } from '../constructs/terraform-literal';
import { addBackend, type BackendConfig } from './backend';

/** Props of {@link UmsHaAwsStack}. */
export interface UmsHaAwsStackProps extends UmsHaAwsTopologyProps {
  /**
   * Where Terraform keeps the state (no secret is in it on AWS: the hosts read theirs from SSM).
   * @default - the local backend (terraform.<stack>.tfstate in the stack's folder)
   */
  readonly backend?: BackendConfig;
}

/**
 * One Terraform stack per HA network on AWS: the AWS provider in the topology's region (credentials
 * from the environment as the provider reads them: AWS_PROFILE, AWS_ACCESS_KEY_ID..., never from
 * the topology), every resource tagged with the topology, and the topology.
 */
export class UmsHaAwsStack extends TerraformStack {
  readonly topology: UmsHaAwsTopology;

  constructor(scope: Construct, id: string, props: UmsHaAwsStackProps) {
    super(scope, id);
    const region = props.topology.spec.aws?.region;
    new AwsProvider(this, 'aws', {
      ...(region !== undefined ? { region: terraformLiteral(region) } : {}),
      defaultTags: [{ tags: { 'ums-ha-topology': terraformLiteral(props.topology.metadata.name), 'managed-by': 'ums-ha' } }],
    });
    if (props.backend) addBackend(this, id, props.backend);
    this.topology = new UmsHaAwsTopology(this, 'topology', props);
  }
}
