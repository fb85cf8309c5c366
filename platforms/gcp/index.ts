/**
 * Google Cloud in the registry (core/platform/registry.ts): a platform a topology can be designed,
 * validated and reported for, without a stack yet (synthesis refuses it, UMS-PLAT-001). Like the
 * other clouds it drops UDP broadcast, so its networks use an external load balancer (UMS-CLOUD-001).
 */
import type { PlatformEntry } from '../../core/platform/registry';

export const gcpPlatform: PlatformEntry = {
  name: 'gcp',
  title: 'Google Cloud (design only: no stack yet)',
  broadcast: false,
};
