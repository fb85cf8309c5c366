/**
 * `ums-ha/core`: the core (core/index.ts) with the built-in platforms registered
 * (platforms/index.ts), without cdktf, constructs or any provider: validate, size, report and plan
 * topologies of every registered platform.
 */
import './platforms';

export * from './core';
export { staticMac } from './platforms/vsphere/mac';
