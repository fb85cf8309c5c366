/**
 * registerPlatform is called by programs of their own (docs/platforms.md): a bad entry is refused
 * with one clear line, and nothing of it lands in the registry, so later validations still work.
 */
import { registerPlatform, registeredPlatforms } from '../../core/platform/registry';
import { validateValue } from '../../core/reader/validate';
import { baseTopology } from '../helpers/topology';
import type { PlatformEntry } from '../../core/platform/registry';

const misspelled = () => {
  const doc = baseTopology();
  return { ...doc, spec: { ...doc.spec, platform: 'vspere' } };
};

describe('registerPlatform with a bad entry', () => {
  const bad: Array<[string, unknown, string]> = [
    ['no entry', undefined, 'a platform entry is an object with a name, not undefined'],
    ['null', null, 'a platform entry is an object with a name, not null'],
    ['an entry without a name', { broadcast: false }, 'platform name undefined is not a lower-case name'],
    ['a number as the name', { name: 42, broadcast: false }, 'platform name 42 is not a lower-case name'],
    ['an upper-case name', { name: 'AWS', broadcast: false }, 'platform name "AWS" is not a lower-case name'],
    ['a name of 32 characters', { name: 'x'.repeat(32), broadcast: false }, 'is not a lower-case name'],
  ];

  it.each(bad)('refuses %s with one line and registers nothing', (_what, entry, message) => {
    expect(() => registerPlatform(entry as PlatformEntry)).toThrow(message);
    expect(registeredPlatforms().map((e) => e.name)).toEqual(['aws', 'azure', 'gcp', 'vsphere']);
    // UMS-PLAT-006 still names the registered platforms (it compared against every name).
    expect(validateValue(misspelled()).findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      'UMS-PLAT-006 spec.platform "vspere" is not a registered platform (did you mean vsphere?): use one of aws, azure, gcp and vsphere',
    ]);
  });
});
