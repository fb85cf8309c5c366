/**
 * registerPlatform is called by programs of their own (docs/platforms.md): a bad entry is refused
 * with one clear line, and nothing of it lands in the registry, so later validations still work.
 */
import { registerPlatform, registeredPlatforms } from '../../core/platform/registry';
import { validateValue } from '../../core/reader/validate';
import { catalog } from '../../core/rules';
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

describe('an unregistered platform in synthesis', () => {
  // Names a lookup in a plain object would find (Object.prototype), a misspelling and a look-alike.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'vspere', 'vsph\u0435re'])(
    'platform %s is refused by UMS-PLAT-006 alone, not also by UMS-PLAT-001 as a platform that "can be validated"',
    (platform) => {
      const doc = baseTopology();
      const result = validateValue({ ...doc, spec: { ...doc.spec, platform } }, undefined, { synthesis: true });
      expect(result.valid).toBe(false);
      expect(result.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['UMS-PLAT-006']);
    },
  );

  it('a registered platform without a stack is still refused by UMS-PLAT-001 (the control)', () => {
    const doc = baseTopology();
    const { vsphere: _vsphere, ...spec } = doc.spec;
    const result = validateValue({ ...doc, spec: { ...spec, platform: 'azure', loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' } }, undefined, { synthesis: true });
    const ids = result.findings.map((f) => f.ruleId);
    expect(ids).toContain('UMS-PLAT-001');
    expect(ids).not.toContain('UMS-PLAT-006');
  });
});

describe('registerPlatform with a rule id that is taken', () => {
  const rule = (id: string) => ({ id, phase: 'topology' as const, severity: 'warning' as const, seed: [], title: 't', explanation: 'e', check: () => [] });

  it.each([
    ['a core rule\'s id', 'dup-core', [rule('UMS-PLAT-001')], 'platform dup-core: rule id UMS-PLAT-001 is taken'],
    ['the same id twice', 'dup-own', [rule('UMS-DUP-001'), rule('UMS-DUP-001')], 'platform dup-own: rule id UMS-DUP-001 is taken'],
  ])('%s is refused, and neither the platform nor any of its rules is added', (_what, name, rules, message) => {
    const before = catalog.length;
    expect(() => registerPlatform({ name, title: name, broadcast: true, rules })).toThrow(message);
    expect(registeredPlatforms().map((e) => e.name)).toEqual(['aws', 'azure', 'gcp', 'vsphere']);
    expect(catalog.length).toBe(before);
    expect(catalog.filter((r) => r.id === 'UMS-PLAT-001')).toHaveLength(1);
  });

  it('a platform with ids of its own registers (the control)', () => {
    registerPlatform({ name: 'own-ids', title: 'own', broadcast: true, rules: [rule('UMS-OWN-001'), rule('UMS-OWN-002')] });
    expect(catalog.filter((r) => r.id.startsWith('UMS-OWN-')).map((r) => r.id)).toEqual(['UMS-OWN-001', 'UMS-OWN-002']);
  });
});
