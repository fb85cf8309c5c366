import { ComputeClusterVmAntiAffinityRule } from '@cdktf/provider-vsphere/lib/compute-cluster-vm-anti-affinity-rule';
import { Construct } from 'constructs';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** One group of VMs that must not share an ESXi host. */
export interface AntiAffinityGroup {
  /** Rule name, unique in the cluster (prefix it with the topology name). */
  readonly name: string;
  /** VM ids of the group. */
  readonly virtualMachineIds: string[];
}

/** Props of {@link UmsHaAntiAffinity}. */
export interface UmsHaAntiAffinityProps {
  /** The compute cluster the rules belong to. */
  readonly computeClusterId: string;
  /** Groups of VMs to keep apart; a group of fewer than two VMs gets no rule. */
  readonly groups: readonly AntiAffinityGroup[];
  /**
   * Mandatory rules make DRS refuse placements that break them (needs as many hosts as VMs per
   * group); preferred rules are best effort and never block a power-on.
   * @default false
   */
  readonly mandatory?: boolean;
}

/**
 * Keeps the members of each role on different ESXi hosts, so one host failure never takes two
 * servers (or two separate load balancers) of the HA network.
 */
export class UmsHaAntiAffinity extends Construct {
  readonly rules: ComputeClusterVmAntiAffinityRule[];

  constructor(scope: Construct, id: string, props: UmsHaAntiAffinityProps) {
    super(scope, id);
    this.rules = props.groups
      .filter((g) => g.virtualMachineIds.length >= 2)
      .map(
        (g) =>
          new ComputeClusterVmAntiAffinityRule(this, g.name, {
            name: terraformLiteral(g.name),
            computeClusterId: props.computeClusterId,
            virtualMachineIds: g.virtualMachineIds,
            mandatory: props.mandatory ?? false,
          }),
      );
  }
}
