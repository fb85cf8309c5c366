/**
 * The ums-ha package (`import { UmsHaStack, UmsHaAwsStack } from 'ums-ha'`): the cdktf constructs
 * and stacks for an IGEL UMS HA network on every registered platform with a stack (vSphere and
 * AWS: each platform's stack below, as its registry entry names it), the core they validate and
 * size with, the platform registry, and the typed topology document. `ums-ha/core` is the core
 * alone, without cdktf (docs/typescript.md). Loading the package registers the built-in platforms.
 */
import './platforms';

export * from './constructs';
export * from './platforms/aws/constructs';
export * from './platforms/vsphere/stack';
export * from './platforms/aws/stack';
export * from './core-entry';
export { BUILT_IN_PLATFORMS, awsPlatform, azurePlatform, gcpPlatform, vspherePlatform } from './platforms';
export { readTopology } from './core/reader/read';
export type * from './core/document/generated/topology-types';
