import { DataVsphereNetwork } from '@cdktf/provider-vsphere/lib/data-vsphere-network';
import type { DistributedPortGroup } from '@cdktf/provider-vsphere/lib/distributed-port-group';
import { Construct } from 'constructs';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/**
 * The distributed switch bindings (about 200 KB of provider code) load only when a topology names
 * a switch; most look up an existing port group, and every synthesis would pay for reading them.
 */
function distributedSwitchBindings() {
  return {
    ...(require('@cdktf/provider-vsphere/lib/data-vsphere-distributed-virtual-switch') as typeof import('@cdktf/provider-vsphere/lib/data-vsphere-distributed-virtual-switch')),
    ...(require('@cdktf/provider-vsphere/lib/distributed-port-group') as typeof import('@cdktf/provider-vsphere/lib/distributed-port-group')),
  };
}

/** Props of {@link UmsHaNetwork}. */
export interface UmsHaNetworkProps {
  /** Id of the datacenter the network is in. */
  readonly datacenterId: string;
  /** Port group that carries the HA VLAN (`network.portGroup`). */
  readonly portGroup: string;
  /** The HA VLAN id (`network.vlanId`), set on a port group this construct creates. */
  readonly vlanId: number;
  /**
   * Distributed switch to create the port group on (`network.distributedSwitch`).
   * @default - the port group exists already and is looked up by name
   */
  readonly distributedSwitch?: string;
}

/**
 * The one VLAN of the HA network (seed 004: all UMS Servers and Load Balancers on the same VLAN,
 * for UDP broadcast on 6155 and 61616): an existing port group, or a distributed port group created
 * with the VLAN id.
 */
export class UmsHaNetwork extends Construct {
  /** The network id every node's NIC attaches to. */
  readonly networkId: string;
  /** The port group created on the distributed switch, when one is named. */
  readonly portGroup?: DistributedPortGroup;

  constructor(scope: Construct, id: string, props: UmsHaNetworkProps) {
    super(scope, id);
    if (props.distributedSwitch !== undefined) {
      const { DataVsphereDistributedVirtualSwitch, DistributedPortGroup } = distributedSwitchBindings();
      const dvs = new DataVsphereDistributedVirtualSwitch(this, 'Switch', { name: terraformLiteral(props.distributedSwitch), datacenterId: props.datacenterId });
      this.portGroup = new DistributedPortGroup(this, 'Resource', {
        name: terraformLiteral(props.portGroup),
        distributedVirtualSwitchUuid: dvs.id,
        vlanId: props.vlanId,
        description: terraformLiteral('IGEL UMS HA VLAN (managed by ums-ha)'),
      });
      this.networkId = this.portGroup.id;
    } else {
      this.networkId = new DataVsphereNetwork(this, 'Lookup', { name: terraformLiteral(props.portGroup), datacenterId: props.datacenterId }).id;
    }
  }
}
