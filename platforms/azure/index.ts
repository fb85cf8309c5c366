/**
 * Microsoft Azure in the registry (core/platform/registry.ts): a platform a topology can be
 * designed, validated and reported for, without a stack yet (synthesis refuses it, UMS-PLAT-001).
 * Azure drops UDP broadcast (seed 004: IGEL UMS Load Balancers are not supported in cloud
 * environments like Azure / AWS), so its networks use an external load balancer (UMS-CLOUD-001).
 */
import type { PlatformEntry } from '../../core/platform/registry';

export const azurePlatform: PlatformEntry = {
  name: 'azure',
  title: 'Microsoft Azure (design only: no stack yet)',
  broadcast: false,
};
