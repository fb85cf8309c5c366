/** The cdktf adapters over the ums-ha core: one construct per concern. */
export * from '../platforms/vsphere/constructs/ums-ha-topology';
export * from '../platforms/vsphere/constructs/site';
export * from '../platforms/vsphere/constructs/network';
export * from '../platforms/vsphere/constructs/node-vm';
export * from '../platforms/vsphere/constructs/anti-affinity';
export * from './tags';
export * from './errors';
export * from './variable';
export * from './terraform-literal';
export * from './validated';
