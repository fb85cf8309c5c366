import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { Construct } from 'constructs';
import type { AwsSubnet } from '../../../core/document/generated/topology-types';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaAwsNetwork}. */
export interface UmsHaAwsNetworkProps {
  /** Id of the existing VPC (`aws.vpcId`). */
  readonly vpcId: string;
  /** One existing subnet per availability zone (`aws.subnets`). */
  readonly subnets: readonly AwsSubnet[];
}

/**
 * The network of an aws stack, by look-up only: the VPC and one subnet per availability zone,
 * each found by VPC, zone and CIDR block (the plan fails when one does not exist). Nothing is
 * created or changed.
 */
export class UmsHaAwsNetwork extends Construct {
  readonly vpc: DataAwsVpc;
  readonly subnets: readonly DataAwsSubnet[];
  /** Attributes read once (each read of an attribute is a new token). */
  readonly vpcId: string;
  readonly subnetIds: readonly string[];

  constructor(scope: Construct, id: string, props: UmsHaAwsNetworkProps) {
    super(scope, id);
    this.vpc = new DataAwsVpc(this, 'Vpc', { id: terraformLiteral(props.vpcId) });
    this.vpc.overrideLogicalId('vpc');
    this.vpcId = this.vpc.id;
    this.subnets = props.subnets.map((s, i) => {
      const subnet = new DataAwsSubnet(this, `Subnet${i}`, {
        vpcId: this.vpcId,
        availabilityZone: terraformLiteral(s.availabilityZone),
        cidrBlock: terraformLiteral(s.cidr),
      });
      subnet.overrideLogicalId(`subnet_${s.availabilityZone.replace(/-/g, '_')}`);
      return subnet;
    });
    this.subnetIds = this.subnets.map((s) => s.id);
  }
}
