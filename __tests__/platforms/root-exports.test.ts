/**
 * The package root exports every registered platform's stack (and construct) under the names its
 * registry entry gives, the same classes the cdktf app loads through the entry; and the platforms
 * without a stack are the ones synthesis refuses (UMS-PLAT-001).
 */
import * as root from '../../index';
import * as coreEntry from '../../core-entry';
import { registeredPlatforms, synthesizedPlatforms } from '../../core/platform/registry';

describe('the package exports every platform', () => {
  const withStack = registeredPlatforms().filter((e) => e.loadStack !== undefined);

  it('registers the built-in platforms, two of them with a stack', () => {
    expect(registeredPlatforms().map((e) => e.name)).toEqual(['aws', 'azure', 'gcp', 'vsphere']);
    expect(synthesizedPlatforms()).toEqual(['aws', 'vsphere']);
    expect(registeredPlatforms().filter((e) => e.isDefault).map((e) => e.name)).toEqual(['vsphere']);
  });

  it.each(withStack.map((e) => [e.name, e] as const))('%s: the root exports its stack and construct, the classes its entry loads', (_name, entry) => {
    const exported = root as unknown as Record<string, unknown>;
    expect(entry.classes).toBeDefined();
    expect(typeof exported[entry.classes!.stack]).toBe('function');
    expect(exported[entry.classes!.stack]).toBe(entry.loadStack!());
    expect(typeof exported[entry.classes!.construct]).toBe('function');
  });

  it('both entries export the registry, so a program can register a platform of its own', () => {
    for (const entry of [root, coreEntry]) {
      expect(entry.registerPlatform).toBeDefined();
      expect(entry.platformEntry('vsphere')?.name).toBe('vsphere');
    }
    expect(root.BUILT_IN_PLATFORMS.map((e) => e.name)).toEqual(['vsphere', 'aws', 'azure', 'gcp']);
  });
});
