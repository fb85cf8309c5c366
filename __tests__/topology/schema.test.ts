import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ruleOwnedConstraints } from '../../core/document/generated/schema-meta';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { validateText } from '../../core/reader/validate';
import { baseTopology, check, expectFinding, ids, topology } from '../helpers/topology';

const root = path.resolve(__dirname, '../..');
const exampleText = fs.readFileSync(path.join(__dirname, '../fixtures/topology-md-example.yaml'), 'utf8');
const publishedSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas/topology.schema.json'), 'utf8'));

function fullSchemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword({ keyword: 'x-ums-rule', schemaType: 'string' });
  return ajv.compile(publishedSchema);
}

describe('schemas/topology.schema.json', () => {
  it('accepts every key of the topology file contract (the example of docs/topology.md)', () => {
    const result = validateText(exampleText);
    expect(result.findings).toEqual([]);
    expect(fullSchemaValidator()(parse(exampleText))).toBe(true);
  });

  it('is the one source of the generated validator and TypeScript types (no drift)', () => {
    expect(() => execFileSync(process.execPath, [path.join(root, 'scripts/build-schema.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('types and schema agree: a typed topology passes the published schema as it is', () => {
    const typed: UmsHaTopologyDocument = baseTopology();
    const validate = fullSchemaValidator();
    expect(validate(typed)).toBe(true);
  });

  it('documents a description for every property', () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, at: string) => {
      for (const [key, sub] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof sub.description !== 'string' || sub.description.length < 10) missing.push(`${at}/${key}`);
      }
    };
    walk(publishedSchema, '');
    for (const [name, def] of Object.entries(publishedSchema.definitions as Record<string, Record<string, unknown>>)) walk(def, name);
    expect(missing).toEqual([]);
  });

  it('closes every object (additionalProperties: false)', () => {
    const open: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && n.additionalProperties !== false) open.push(at);
      for (const [k, v] of Object.entries(n)) visit(v, `${at}/${k}`);
    };
    visit(publishedSchema, '#');
    expect(open).toEqual([]);
  });

  describe('rule-owned constraints: the published schema and the rule agree', () => {
    const cases: Array<[string, UmsHaTopologyDocument, string]> = [
      ['UMS-INST-001', topology({ installer: { url: 'https://a.example/x.bin', sha256: 'a'.repeat(63) } }), '/spec/installer/sha256'],
      ['UMS-NET-003', topology({}, { ntpServers: [] }), '/spec/network/ntpServers'],
      ['UMS-NET-004', topology({ nodes: [{ name: 'UMS_1', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] }), '/spec/nodes/0/name'],
      ['UMS-NET-004', { ...topology(), metadata: { name: 'a'.repeat(41) } }, '/metadata/name'],
      ['UMS-DB-002', topology({ database: { ...baseTopology().spec.database, passwordVariable: 'not a name' } }), '/spec/database/passwordVariable'],
      ['UMS-DB-002', topology({ networkToken: { mode: 'create', variable: 'tok=en' } }), '/spec/networkToken/variable'],
    ];
    it.each(cases)('%s at %s', (ruleId, doc, pointer) => {
      expect(fullSchemaValidator()(doc)).toBe(false);
      const result = check(doc);
      expectFinding(result, ruleId, pointer);
      expect(ids(result)).not.toContain('UMS-SCHEMA');
    });
    it('lists only ids of real rules', () => {
      expect(ruleOwnedConstraints.map((c) => c.ruleId).sort()).toEqual(['UMS-DB-002', 'UMS-DB-002', 'UMS-INST-001', 'UMS-NET-003', 'UMS-NET-004', 'UMS-NET-004', 'UMS-PLAT-006']);
    });
  });
});

describe('UMS-SCHEMA findings', () => {
  const replace = (from: string | RegExp, to: string) => validateText(exampleText.replace(from, to));

  it('names an unknown key, suggests the right one and points at the key', () => {
    const result = replace('    vlanId: 120\n    portGroup', '    vlanID: 120\n    portGroup');
    const f = expectFinding(result, 'UMS-SCHEMA', '/spec/network/vlanID');
    expect(f.message).toContain('unknown key "vlanID"');
    expect(f.message).toContain('did you mean "vlanId"');
    expect([f.line, f.column]).toEqual([27, 5]);
  });

  it('lists the allowed keys when nothing is close', () => {
    const f = expectFinding(replace('  sharedWorkplace: false', '  zzzzzz: false'), 'UMS-SCHEMA', '/spec/zzzzzz');
    expect(f.message).toContain('allowed keys: umsVersion, devices');
  });

  it.each([
    ['12.07', '12.07'],
    ['12.10', '12.10'],
  ])('says to quote an unquoted umsVersion %s, quoting what was written', (written) => {
    const f = expectFinding(replace('umsVersion: "12.07.100"', `umsVersion: ${written}`), 'UMS-SCHEMA', '/spec/umsVersion');
    expect(f.message).toContain('quoted string');
    expect(f.message).toContain(`unquoted ${written}`);
    expect(f.message).toContain('"12.07.100"');
  });

  it.each([
    [0, false],
    [1, true],
    [4094, true],
    [4095, false],
  ])('vlanId %i valid: %s', (vlan, ok) => {
    const result = check(topology({}, { vlanId: vlan }));
    if (ok) expect(result.valid).toBe(true);
    else expectFinding(result, 'UMS-SCHEMA', '/spec/network/vlanId');
  });

  it.each([
    ['a string for a number', { devices: 'many' }, '/spec/devices', 'must be a whole number'],
    ['a fraction of a device', { devices: 1.5 }, '/spec/devices', 'must be a whole number'],
    ['an unknown OS', { deviceOs: ['os13'] }, '/spec/deviceOs/0', 'must be one of os11, os12'],
    ['a duplicate OS', { deviceOs: ['os11', 'os11'] }, '/spec/deviceOs', 'same value twice'],
    ['a bad cluster address', { loadBalancing: 'external', clusterAddress: 'ums:99999' }, '/spec/clusterAddress', 'host:port'],
    ['no vsphere block on vsphere', { vsphere: undefined }, '/spec/vsphere', 'missing required key "vsphere"'],
  ])('%s', (_n, spec, pointer, text) => {
    const f = expectFinding(check(topology(spec)), 'UMS-SCHEMA', pointer);
    expect(f.message).toContain(text);
  });

  // spec.platform is any lower-case name to the schema; the registry refuses one it does not know
  // (UMS-PLAT-006, docs/platforms.md), with the same hint the schema gives for an enum.
  it.each([
    ['a misspelt platform', 'vspere', 'spec.platform "vspere" is not a registered platform (did you mean vsphere?): use one of aws, azure, gcp and vsphere'],
    ['an unknown platform', 'openstack', 'spec.platform "openstack" is not a registered platform: use one of aws, azure, gcp and vsphere'],
    ['a platform name in capitals', 'AWS', 'spec.platform "AWS" is not a registered platform (did you mean aws?): use one of aws, azure, gcp and vsphere'],
  ])('%s is UMS-PLAT-006, naming the registered platforms', (_n, platform, message) => {
    const result = check(topology({ platform }));
    const f = expectFinding(result, 'UMS-PLAT-006', '/spec/platform');
    expect(f.message).toBe(message);
    expect(result.valid).toBe(false);
    expect(result.findings.filter((x) => x.ruleId === 'UMS-SCHEMA' && x.path === '/spec/platform')).toEqual([]);
  });

  it('asks for no vsphere block on a cloud platform', () => {
    expect(ids(check(topology({ platform: 'aws', loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'u.example:8443', vsphere: undefined })))).toEqual([]);
  });

  it.each([
    ['gateway', { gateway: '10.20.0.300' }, '/spec/network/gateway', 'an IPv4 address such as'],
    ['cidr', { cidr: '10.20.0.0/33' }, '/spec/network/cidr', 'CIDR notation'],
    ['dns', { dns: ['dns.example'] }, '/spec/network/dns/0', 'an IPv4 address'],
  ])('explains a malformed %s', (_n, network, pointer, text) => {
    const f = expectFinding(check(topology({}, network)), 'UMS-SCHEMA', pointer);
    expect(f.message).toContain(text);
  });

  it('reports a missing key at the pointer where it belongs, located at its parent', () => {
    const result = validateText(exampleText.replace(/  networkToken:\n    mode: create\n    variable: UMS_NETWORK_TOKEN\n/, ''));
    const f = expectFinding(result, 'UMS-SCHEMA', '/spec/networkToken');
    expect(f.message).toBe('missing required key "networkToken" in /spec');
    // At the parent's key (`spec:`), not at its first child.
    expect(f.line).toBe(exampleText.split('\n').indexOf('spec:') + 1);
    expect(f.column).toBe(1);
  });

  it('refuses a root that is not a mapping', () => {
    const result = validateText('- a\n- b\n');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]?.message).toContain('must be a YAML mapping');
  });

  it('does not echo values under secret-looking keys in schema messages', () => {
    const result = check(topology({ database: { ...baseTopology().spec.database, passwordVariable: 12345678 } }));
    expect(JSON.stringify(result.findings)).not.toContain('12345678');
  });

  it('stops before the design rules and gives no resolved topology', () => {
    const result = check(topology({ devices: 'many', servers: 1 }));
    expect(ids(result)).toEqual(['UMS-SCHEMA']);
    expect(result.topology).toBeUndefined();
  });
});

describe('free text that fails its pattern is described in words', () => {
  it('a bidirectional-control character in database.singleHostReason: the message names what is refused, not the regular expression', () => {
    const doc = topology({ database: { engine: 'postgresql', host: 'db.example.internal', port: 5432, name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'single', singleHostReason: 'Branch \u202e office with a nightly backup restored within 4 hours' } });
    const f = check(doc).findings.find((x) => x.path === '/spec/database/singleHostReason');
    expect(f?.message).toMatch(/must be text on one line, without control, line-separator or bidirectional-control characters/);
    expect(f?.message).not.toMatch(/matching|\\u0000/);
  });
});
