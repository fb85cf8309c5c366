/**
 * Registers the built-in platforms (core/platform/registry.ts). The CLI, the cdktf app and the
 * package's entries (index.ts, core-entry.ts) load this first; it loads no cdktf (each entry loads
 * its stack only when synthesis asks for it). Adding a platform: docs/platforms.md.
 */
import { registerPlatform } from '../core/platform/registry';
import { awsPlatform } from './aws';
import { azurePlatform } from './azure';
import { gcpPlatform } from './gcp';
import { vspherePlatform } from './vsphere';

export const BUILT_IN_PLATFORMS = [vspherePlatform, awsPlatform, azurePlatform, gcpPlatform] as const;

for (const entry of BUILT_IN_PLATFORMS) registerPlatform(entry);

export { awsPlatform, azurePlatform, gcpPlatform, vspherePlatform };
