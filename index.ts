/**
 * The ums-ha package (`import { UmsHaStack } from 'ums-ha'`): the cdktf constructs and stack for an
 * IGEL UMS HA network on vSphere, the core they validate and size with, and the typed topology
 * document. `ums-ha/core` is the core alone, without cdktf (docs/typescript.md).
 */
export * from './constructs';
export * from './stacks/ums-ha-stack';
export * from './topology';
export { readTopology } from './topology/read';
export type * from './topology/generated/topology-types';
