/**
 * The ums-ha package (`import { UmsHaStack, UmsHaAwsStack } from 'ums-ha'`): the cdktf constructs
 * and stacks for an IGEL UMS HA network on vSphere and on AWS, the core they validate and size
 * with, and the typed topology document. `ums-ha/core` is the core alone, without cdktf
 * (docs/typescript.md).
 */
export * from './constructs';
export * from './constructs/aws';
export * from './stacks/ums-ha-stack';
export * from './stacks/ums-ha-aws-stack';
export * from './topology';
export { readTopology } from './topology/read';
export type * from './topology/generated/topology-types';
