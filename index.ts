/**
 * The ums-ha package (`import { UmsHaStack, UmsHaAwsStack } from 'ums-ha'`): the cdktf constructs
 * and stacks for an IGEL UMS HA network on vSphere and on AWS, the core they validate and size
 * with, and the typed topology document. `ums-ha/core` is the core alone, without cdktf
 * (docs/typescript.md).
 */
export * from './constructs';
export * from './platforms/aws/constructs';
export * from './platforms/vsphere/stack';
export * from './platforms/aws/stack';
export * from './core';
export { readTopology } from './core/reader/read';
export type * from './core/document/generated/topology-types';
