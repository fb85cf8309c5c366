import { DataVsphereComputeCluster } from '@cdktf/provider-vsphere/lib/data-vsphere-compute-cluster';
import { DataVsphereDatacenter } from '@cdktf/provider-vsphere/lib/data-vsphere-datacenter';
import { DataVsphereDatastore } from '@cdktf/provider-vsphere/lib/data-vsphere-datastore';
import { DataVsphereFolder } from '@cdktf/provider-vsphere/lib/data-vsphere-folder';
import { DataVsphereVirtualMachine } from '@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine';
import { Fn, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaSite}. */
export interface UmsHaSiteProps {
  /** vSphere datacenter name. */
  readonly datacenter: string;
  /** Compute cluster the VMs run in (DRS enabled for the anti-affinity rules). */
  readonly cluster: string;
  /** Datastore for the VM disks. */
  readonly datastore: string;
  /** VM template to clone (Ubuntu 22.04 with cloud-init's VMware datasource). */
  readonly template: string;
  /**
   * VM folder, relative to the datacenter's vm folder; it must exist (the lookup fails the plan otherwise).
   * @default - the datacenter's root VM folder
   */
  readonly folder?: string;
}

/**
 * Where the VMs go: look-ups of existing vSphere objects (datacenter, cluster, datastore,
 * template, folder). Nothing here is created or changed.
 */
/** Attributes of the site's look-ups, as Terraform references. */
export interface SiteRefs {
  readonly resourcePoolId: string;
  readonly datastoreId: string;
  readonly clusterId: string;
  readonly templateId: string;
  readonly guestId: string;
  readonly scsiType: string;
  readonly firmware: string;
  /** The template's first NIC type. */
  readonly adapterType: string;
  /** Size and provisioning of the template's system disk. */
  readonly systemDiskSize: number;
  readonly systemDiskThin: IResolvable;
}

export class UmsHaSite extends Construct {
  readonly datacenter: DataVsphereDatacenter;
  readonly cluster: DataVsphereComputeCluster;
  readonly datastore: DataVsphereDatastore;
  /** The template VM; its guest id, SCSI type, firmware, NIC type and system disk are copied. */
  readonly template: DataVsphereVirtualMachine;
  /** The VM folder look-up, when a folder is given. */
  readonly folder?: DataVsphereFolder;
  /** The folder path as the VMs take it (relative to the datacenter's vm folder), as written (not escaped). */
  readonly folderPath?: string;
  /**
   * The attributes every VM takes, read once: each read of a resource attribute creates a token,
   * and cdktf records a stack trace for every token, so per-VM reads dominate synthesis time.
   */
  readonly refs: SiteRefs;

  constructor(scope: Construct, id: string, props: UmsHaSiteProps) {
    super(scope, id);
    this.datacenter = new DataVsphereDatacenter(this, 'Datacenter', { name: terraformLiteral(props.datacenter) });
    const datacenterId = this.datacenter.id;
    this.cluster = new DataVsphereComputeCluster(this, 'Cluster', { name: terraformLiteral(props.cluster), datacenterId });
    this.datastore = new DataVsphereDatastore(this, 'Datastore', { name: terraformLiteral(props.datastore), datacenterId });
    this.template = new DataVsphereVirtualMachine(this, 'Template', { name: terraformLiteral(props.template), datacenterId });
    const systemDisk = this.template.disks.get(0);
    this.refs = {
      resourcePoolId: this.cluster.resourcePoolId,
      datastoreId: this.datastore.id,
      clusterId: this.cluster.id,
      templateId: this.template.id,
      guestId: this.template.guestId,
      scsiType: this.template.scsiType,
      firmware: this.template.firmware,
      adapterType: Fn.element(this.template.networkInterfaceTypes, 0),
      systemDiskSize: Token.asNumber(systemDisk.size),
      systemDiskThin: systemDisk.thinProvisioned,
    };
    if (props.folder !== undefined) {
      this.folderPath = props.folder.replace(/^\/+|\/+$/g, '');
      this.folder = new DataVsphereFolder(this, 'Folder', { path: terraformLiteral(`/${props.datacenter}/vm/${this.folderPath}`) });
    }
  }
}
