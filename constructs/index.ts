/** The cdktf adapters over the ums-ha core: one construct per concern. */
export * from './ums-ha-topology';
export * from './site';
export * from './network';
export * from './node-vm';
export * from './anti-affinity';
export * from './tags';
export * from './errors';
export * from './variable';
export * from './terraform-literal';
export * from './validated';
