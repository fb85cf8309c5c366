import { VirtualMachine } from '@cdktf/provider-vsphere/lib/virtual-machine';
import { Construct } from 'constructs';
import { encodeGuestinfo, type NodeBootstrap } from '../../../bootstrap/cloud-init';
import type { ResolvedNode } from '../../../core/model/model';
import type { UmsHaSite } from './site';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaNodeVm}. */
export interface UmsHaNodeVmProps {
  /** The node from the resolved topology: name, roles, address and size. */
  readonly node: ResolvedNode;
  /** Where the VM goes (cluster, datastore, template, folder). */
  readonly site: UmsHaSite;
  /** Network id of the HA port group. */
  readonly networkId: string;
  /** The node's cloud-init, attached as guestinfo.metadata (base64) and guestinfo.userdata (gzip+base64). */
  readonly bootstrap: NodeBootstrap;
  /**
   * Extra guestinfo keys whose values are Terraform references to sensitive variables
   * (e.g. `guestinfo.ums.db_password` = `${var.UMS_DB_PASSWORD}`); the bootstrap reads them once and blanks them.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * vSphere tag ids for the VM.
   * @default - none
   */
  readonly tagIds?: string[];
}

/**
 * One HA host: a VM cloned from the template with the role's CPUs and memory, the template's
 * system disk, a data disk (`disk1`, the UMS installation and data directory: program files and
 * retained firmware on servers) and one NIC on the HA port group.
 *
 * Network and identity come from cloud-init metadata, never from vSphere guest customization
 * (which reboots and can revert to DHCP). The template UUID and extra_config are ignored after
 * creation: a rebuilt template or a changed bootstrap does not touch running HA hosts; roll such a
 * change out host by host with `terraform apply -replace=<address>`.
 */
export class UmsHaNodeVm extends Construct {
  readonly resource: VirtualMachine;

  constructor(scope: Construct, id: string, props: UmsHaNodeVmProps) {
    super(scope, id);
    const { node, site } = props;
    const refs = site.refs;
    const metadata = encodeGuestinfo(`${node.vmName} guestinfo.metadata`, props.bootstrap.metadata);
    const userData = encodeGuestinfo(`${node.vmName} guestinfo.userdata`, props.bootstrap.userData, { gzip: true });
    this.resource = new VirtualMachine(this, 'Resource', {
      name: terraformLiteral(node.vmName),
      annotation: terraformLiteral(`IGEL UMS HA ${node.roles.join(' + ')} (managed by ums-ha)`),
      resourcePoolId: refs.resourcePoolId,
      datastoreId: refs.datastoreId,
      ...(site.folderPath !== undefined ? { folder: terraformLiteral(site.folderPath) } : {}),
      numCpus: node.size.cpus,
      memory: node.size.memoryGb * 1024,
      guestId: refs.guestId,
      scsiType: refs.scsiType,
      firmware: refs.firmware,
      enableDiskUuid: true,
      // A static MAC known at synthesis (the resolved node's, platforms/vsphere/mac.ts): the metadata matches the NIC by it.
      networkInterface: [{ networkId: props.networkId, adapterType: refs.adapterType, useStaticMac: true, macAddress: terraformLiteral(node.mac ?? '') }],
      disk: [
        { label: 'disk0', unitNumber: 0, size: refs.systemDiskSize, thinProvisioned: refs.systemDiskThin },
        { label: 'disk1', unitNumber: 1, size: node.size.diskGb, thinProvisioned: true },
      ],
      clone: { templateUuid: refs.templateId },
      extraConfig: {
        'guestinfo.metadata': terraformLiteral(metadata.value),
        'guestinfo.metadata.encoding': terraformLiteral(metadata.encoding),
        'guestinfo.userdata': terraformLiteral(userData.value),
        'guestinfo.userdata.encoding': terraformLiteral(userData.encoding),
        ...props.secrets,
      },
      tags: props.tagIds,
      waitForGuestNetTimeout: 10,
      // A running host's NIC keeps the MAC it booted with (its network config matches it).
      lifecycle: { ignoreChanges: ['clone[0].template_uuid', 'extra_config', 'network_interface[0].use_static_mac', 'network_interface[0].mac_address'] },
    });
    // A readable address for operators: vsphere_virtual_machine.<node name> (unique per stack, UMS-NET-004).
    this.resource.overrideLogicalId(node.name);
  }
}
