import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { UmsHaAwsTopology, type UmsHaAwsTopologyProps } from './constructs/ums-ha-aws-topology';
import { terraformLiteral } from '../../constructs/terraform-literal';
import { addBackend, addTopology, type BackendConfig } from '../../stacks/backend';

/** Props of {@link UmsHaAwsStack}. */
export interface UmsHaAwsStackProps extends UmsHaAwsTopologyProps {
  /**
   * Where Terraform keeps the state (no secret is in it on AWS: the hosts read theirs from SSM).
   * @default - the local backend (terraform.<stack>.tfstate in the stack's folder)
   */
  readonly backend?: BackendConfig;
  /**
   * Path of the local state file when no `backend` is given, relative to the stack's folder (where
   * Terraform runs), so the synthesized stack works from any checkout.
   * @default - cdktf's default: terraform.<stack>.tfstate in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
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
    // Read before validation, so any value: the topology construct refuses a wrong one (and the stack with it).
    const region = props.topology?.spec?.aws?.region;
    const name = props.topology?.metadata?.name;
    new AwsProvider(this, 'aws', {
      ...(typeof region === 'string' ? { region: terraformLiteral(region) } : {}),
      defaultTags: [{ tags: { 'ums-ha-topology': terraformLiteral(typeof name === 'string' ? name : id), 'managed-by': 'ums-ha' } }],
    });
    addBackend(this, id, props.backend, props.localStatePath);
    this.topology = addTopology(this, scope, id, props.sourceFile, () => new UmsHaAwsTopology(this, 'topology', props));
  }
}
