/** The cdktf adapters of the aws platform (they load @cdktf/provider-aws; import them only for aws). */
export * from './ums-ha-aws-topology';
export * from './network';
export * from './security-groups';
export * from './instance-profile';
export * from './node-instance';
export * from './load-balancer';
