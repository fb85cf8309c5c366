/**
 * A third platform is an addition, not an edit: this folder registers a fake platform with its
 * own rule (UMS-FAKE-001) and its own stack, and the cdktf app synthesizes a `platform: fake`
 * topology through the registry, as it does vsphere and aws. Nothing outside this folder knows
 * the fake platform.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { synthesize } from '../../../main';
import { platformEntry, registerPlatform, registeredPlatforms, synthesizedPlatforms } from '../../../core/platform/registry';
import { catalog, ruleMeta } from '../../../core/rules';
import { validateText, validateValue } from '../../../core/reader/validate';
import { baseTopology } from '../../helpers/topology';
import { repoRoot, tempDir } from '../../helpers/cli';
import { fakePlatform } from '.';
import { fakeRules } from './rules';
import type { UmsHaTopologyDocument } from '../../../core/model/model';

/** The base topology of the tests, moved to the fake platform: two servers, no vsphere block. */
function fakeTopology(name = 'fake-site'): UmsHaTopologyDocument {
  const doc = baseTopology();
  const { vsphere: _vsphere, ...spec } = doc.spec;
  return { ...doc, metadata: { name }, spec: { ...spec, platform: 'fake' } };
}

const ids = (findings: ReadonlyArray<{ ruleId: string }>) => findings.map((f) => f.ruleId);

describe('a platform that is not registered', () => {
  it('is refused by UMS-PLAT-006, which names the registered platforms', () => {
    const result = validateValue(fakeTopology());
    expect(result.valid).toBe(false);
    expect(result.findings.map((f) => `${f.ruleId} ${f.path} ${f.message}`)).toEqual(['UMS-PLAT-006 /spec/platform spec.platform "fake" is not a registered platform: use one of aws, azure, gcp and vsphere']);
    expect(ruleMeta('UMS-FAKE-001')).toBeUndefined();
  });
});

describe('the fake platform, registered from the test folder', () => {
  const dir = tempDir('ums-ha-fake-platform-');
  beforeAll(() => registerPlatform(fakePlatform));

  it('is in the registry beside the built-in platforms, with its rule in the catalog', () => {
    expect(registeredPlatforms().map((e) => e.name)).toEqual(['aws', 'azure', 'fake', 'gcp', 'vsphere']);
    expect(synthesizedPlatforms()).toEqual(['aws', 'fake', 'vsphere']);
    expect(platformEntry('fake')).toBe(fakePlatform);
    expect(catalog.map((r) => r.id)).toContain('UMS-FAKE-001');
    expect(ruleMeta('UMS-FAKE-001')?.severity).toBe('warning');
    // Registering it twice is harmless; another entry under its name is refused.
    expect(() => registerPlatform(fakePlatform)).not.toThrow();
    expect(() => registerPlatform({ ...fakePlatform })).toThrow('platform fake is already registered');
  });

  it('validates, with its own rule among the findings', () => {
    const result = validateText(stringify(fakeTopology()));
    expect(result.valid).toBe(true);
    expect(ids(result.findings)).toEqual(['UMS-FAKE-001']);
    expect(result.findings[0]!.message).toBe('the fake platform wants 3 servers; this topology has 2');
    // Placement: no subnets of its own (one pool from network.firstAddress) and no static MACs.
    expect(result.topology!.nodes.map((n) => [n.name, n.ip, n.mac])).toEqual([
      ['ums1', '10.20.0.11', null],
      ['ums2', '10.20.0.12', null],
    ]);
  });

  it('its rule runs for its own topologies only, never for vsphere or aws', () => {
    for (const file of ['berlin-small.yaml', 'frankfurt-large.yaml', 'hamburg-aws.yaml', 'hamburg-external.yaml']) {
      const result = validateText(fs.readFileSync(path.join(repoRoot, 'topologies', file), 'utf8'), { synthesis: true });
      expect(result.topology!.platform).not.toBe('fake');
      expect(ids(result.findings)).not.toContain('UMS-FAKE-001');
      // Control: the check itself would report berlin-small (two servers); the registry keeps it out.
      if (file === 'berlin-small.yaml') expect(fakeRules[0]!.check({ doc: result.document!, topology: result.topology! })).toHaveLength(1);
    }
  });

  it('is synthesized by the cdktf app through its registry entry, from the resolved topology', () => {
    const topologies = path.join(dir, 'topologies');
    fs.mkdirSync(topologies);
    fs.writeFileSync(path.join(topologies, 'fake-site.yaml'), stringify(fakeTopology()));
    fs.copyFileSync(path.join(repoRoot, 'topologies', 'berlin-small.yaml'), path.join(topologies, 'berlin-small.yaml'));
    const lines: string[] = [];
    const outdir = path.join(dir, 'out');
    const result = synthesize({ topologyDir: topologies, outdir, log: (l) => lines.push(l) });
    expect(result.code).toBe(0);
    expect(result.platforms).toEqual({ 'berlin-small': 'vsphere', 'fake-site': 'fake' });
    // The fake rule's finding is in the app's log, for the fake topology only.
    const fakeLines = lines.filter((l) => l.includes('UMS-FAKE-001'));
    expect(fakeLines).toHaveLength(1);
    expect(fakeLines[0]!.startsWith(`${path.join(topologies, 'fake-site.yaml')}:`)).toBe(true);
    expect(fakeLines[0]).toMatch(/:\d+:\d+ warning UMS-FAKE-001 the fake platform wants 3 servers; this topology has 2$/);
    const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'fake-site', 'cdk.tf.json'), 'utf8'));
    expect(stack.provider).toBeUndefined();
    expect(stack.output).toEqual({
      platform: { value: 'fake' },
      'node-ums1': { value: { vm: 'fake-site-ums1', ip: '10.20.0.11', roles: 'server,loadBalancer', mac: 'none' } },
      'node-ums2': { value: { vm: 'fake-site-ums2', ip: '10.20.0.12', roles: 'server,loadBalancer', mac: 'none' } },
    });
    // The vSphere stack beside it is built as ever.
    const vsphere = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'berlin-small', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(vsphere.provider)).toEqual(['vsphere']);
  });

  it('a platform without a stack is refused by UMS-PLAT-001, which names the fake one among those with a stack', () => {
    const doc = fakeTopology();
    const result = validateValue({ ...doc, spec: { ...doc.spec, platform: 'gcp', loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' } }, undefined, { synthesis: true });
    const f = result.findings.find((x) => x.ruleId === 'UMS-PLAT-001');
    expect(f?.message).toBe('synthesis builds stacks for the platforms aws, fake and vsphere only; platform gcp can be validated and reported but not synthesized: set platform: aws or fake or vsphere, or move this topology out of the synthesized folder');
  });

  it('the fake stack refuses a vsphere topology with UMS-PLAT-005, naming the right class from the registry', () => {
    const { App } = require('cdktf') as typeof import('cdktf');
    const FakeStack = fakePlatform.loadStack!() as unknown as new (scope: unknown, id: string, props: unknown) => unknown;
    const doc = baseTopology();
    expect(() => new FakeStack(new App({ outdir: path.join(dir, 'refused') }), 'refused', { topology: doc })).toThrow(/UMS-PLAT-005 platform vsphere is built by UmsHaStack \(or UmsHaTopology in a stack of your own\); FakeStack and FakeStack build platform fake/);
  });
});
