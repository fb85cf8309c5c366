/**
 * Properties over generated topologies: the sizing invariants hold through synthesis, secrets never
 * reach any output, literal secrets under any key are caught, and the same design always gives the
 * same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Testing } from 'cdktf';
import { stringify } from 'yaml';
import { decodeGuestinfo, renderUserData } from '../bootstrap/cloud-init';
import { synthesize } from '../main';
import { gunzipSync } from 'node:zlib';
import { UmsHaAwsStack } from '../platforms/aws/stack';
import { UmsHaStack } from '../platforms/vsphere/stack';
import type { UmsHaTopologyDocument } from '../core/model/model';
import { requiredServerDiskGb } from '../core/model/resolve';
import { buildReport, renderReportMarkdown } from '../core/reports/report';
import { validateText, validateValue } from '../core/reader/validate';
import { tempDir } from './helpers/cli';
import { awsBlock, awsTopology, topology } from './helpers/topology';

const RUNS = Number(process.env.UMS_HA_PROPERTY_RUNS ?? 25);
const dir = tempDir('ums-ha-props-');

/** Valid designs of every shape: co-located or separate, derived or given counts, external load balancing. */
const design = fc
  .record({
    devices: fc.integer({ min: 1, max: 400_000 }),
    external: fc.boolean(),
    extraServers: fc.integer({ min: 0, max: 2 }),
    os: fc.constantFrom(['os11'], ['os12'], ['os11', 'os12'], ['os12', 'os11']),
    retained: fc.integer({ min: 0, max: 8 }),
  })
  .map((d) => {
    const servers = Math.max(2, Math.ceil(d.devices / 50000)) + d.extraServers;
    return topology(
      {
        devices: d.devices,
        servers,
        // An external load balancer serves OS 12 devices only (UMS-XLB-001).
        deviceOs: d.external ? ['os12'] : d.os,
        firmware: { retainedUpdates: d.retained },
        ...(d.external ? { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' } : {}),
      },
      { cidr: '10.20.0.0/22' },
    );
  });

/** Valid aws designs: external load balancing over 2 or 3 zones, derived servers, OS 12 devices (UMS-XLB-001), any firmware. */
const awsDesign = fc
  .record({
    devices: fc.integer({ min: 1, max: 400_000 }),
    extraServers: fc.integer({ min: 0, max: 2 }),
    zones: fc.integer({ min: 2, max: 3 }),
    os: fc.constantFrom(['os12']),
    retained: fc.integer({ min: 0, max: 8 }),
  })
  .map((d) =>
    awsTopology({
      devices: d.devices,
      servers: Math.max(2, Math.ceil(d.devices / 50000)) + d.extraServers,
      deviceOs: d.os,
      firmware: { retainedUpdates: d.retained },
      aws: { ...awsBlock(), subnets: ['a', 'b', 'c'].slice(0, d.zones).map((z, i) => ({ availabilityZone: `eu-central-1${z}`, cidr: `10.20.${i + 1}.0/24` })) },
    }),
  );

function synthAny(doc: UmsHaTopologyDocument): string {
  const app = Testing.app();
  return Testing.synth(doc.spec.platform === 'aws' ? new UmsHaAwsStack(app, doc.metadata.name, { topology: doc }) : new UmsHaStack(app, doc.metadata.name, { topology: doc }));
}

describe('invariants (properties over generated designs)', () => {
  it('every synthesized aws design: one instance per server over at least two zones, data volumes per UMS-RES-002', () => {
    fc.assert(
      fc.property(awsDesign, (doc) => {
        const result = validateValue(doc, undefined as never, { synthesis: true });
        expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const t = result.topology!;
        expect(t.servers * 50000).toBeGreaterThanOrEqual(t.devices);
        const json = JSON.parse(synthAny(doc));
        const instances = Object.values(json.resource.aws_instance as Record<string, { tags: { Name: string }; subnet_id: string; ebs_block_device: Array<{ volume_size: number; encrypted: boolean }> }>);
        expect(instances.map((i) => i.tags.Name).sort()).toEqual(t.nodes.map((n) => n.vmName).sort());
        expect(new Set(instances.map((i) => i.subnet_id)).size).toBe(Math.min(t.nodes.length, doc.spec.aws!.subnets.length));
        for (const i of instances) {
          expect(i.ebs_block_device[0]!.encrypted).toBe(true);
          expect(i.ebs_block_device[0]!.volume_size).toBeGreaterThanOrEqual(requiredServerDiskGb(t.firmware.retainedUpdates));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every synthesized design honours the sizing rules and has exactly one VM per node on one VLAN', () => {
    fc.assert(
      fc.property(design, (doc) => {
        const result = validateValue(doc);
        expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const t = result.topology!;
        expect(t.servers * 50000).toBeGreaterThanOrEqual(t.devices);
        if (t.layout === 'separate') expect(t.loadBalancers * 3).toBeGreaterThanOrEqual(t.servers);
        const ips = t.nodes.map((n) => n.ip);
        expect(new Set(ips).size).toBe(ips.length);
        expect(new Set(t.nodes.map((n) => n.vlanId))).toEqual(new Set([t.network.vlanId]));
        const app = Testing.app();
        const json = JSON.parse(Testing.synth(new UmsHaStack(app, t.name, { topology: doc })));
        const vms = Object.values(json.resource.vsphere_virtual_machine as Record<string, { name: string }>).map((v) => v.name).sort();
        expect(vms).toEqual(t.nodes.map((n) => n.vmName).sort());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('secrets (properties)', () => {
  const secret = fc.string({ minLength: 16, maxLength: 40, unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+=@_-'.split('')) });

  it('secret values passed as variables never appear in cdk.tf.json, the report or the user-data', () => {
    fc.assert(
      fc.property(fc.oneof(design, awsDesign), secret, secret, secret, (doc, password, token, vcenter) => {
        const env = { TF_VAR_UMS_DB_PASSWORD: password, TF_VAR_UMS_NETWORK_TOKEN: token, TF_VAR_vsphere_password: vcenter, AWS_SECRET_ACCESS_KEY: vcenter };
        Object.assign(process.env, env);
        try {
          const synthesized = synthAny(doc);
          const result = validateValue(doc);
          const t = result.topology!;
          const outputs = [synthesized, renderReportMarkdown(buildReport(result)!), JSON.stringify(buildReport(result)), ...t.nodes.map((n) => renderUserData(t, n))];
          const resources = JSON.parse(synthesized).resource;
          const decoded = resources.aws_instance
            ? Object.values(resources.aws_instance as Record<string, { user_data_base64: string }>).map((vm) => gunzipSync(Buffer.from(vm.user_data_base64, 'base64')).toString('utf8'))
            : Object.values(resources.vsphere_virtual_machine as Record<string, { extra_config: Record<string, string> }>).map((vm) =>
                decodeGuestinfo(vm.extra_config['guestinfo.userdata'] as string, vm.extra_config['guestinfo.userdata.encoding'] as string),
              );
          for (const text of [...outputs, ...decoded]) {
            for (const s of [password, token, vcenter]) expect(text.includes(s)).toBe(false);
          }
        } finally {
          for (const k of Object.keys(env)) delete process.env[k];
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a literal secret under any secret-like key anywhere in the file is UMS-DB-002, never echoed', () => {
    const keyName = fc.constantFrom('password', 'dbPassword', 'adminPassword', 'passwd', 'pwd', 'secret', 'clientSecret', 'token', 'networkToken', 'apiKey', 'api_key', 'privateKey', 'credentials', 'secretAccessKey', 'aws_access_key');
    const where = fc.constantFrom([], ['spec'], ['spec', 'database'], ['spec', 'network'], ['spec', 'networkToken'], ['spec', 'installer'], ['spec', 'vsphere'], ['metadata']);
    fc.assert(
      fc.property(keyName, where, secret, (key, at, value) => {
        const doc = JSON.parse(JSON.stringify(topology())) as Record<string, unknown>;
        const parent = at.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
        // networkToken is a mapping in the contract; a literal there replaces it.
        parent[key] = value;
        const result = validateText(stringify(doc));
        const pointer = ['', ...at, key].join('/');
        expect(result.findings.some((f) => f.ruleId === 'UMS-DB-002' && f.path === pointer)).toBe(true);
        expect(JSON.stringify(result.findings)).not.toContain(value);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('secrets in the aws block (properties)', () => {
  const secret = fc.string({ minLength: 16, maxLength: 40, unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyz23456789'.split('')) });
  it('a literal secret under a secret-like key in spec.aws or spec.aws.secrets is UMS-DB-002, never echoed', () => {
    const keyName = fc.constantFrom('password', 'databasePassword', 'secret', 'networkToken', 'secretAccessKey', 'credentials');
    fc.assert(
      fc.property(keyName, fc.constantFrom(['spec', 'aws'], ['spec', 'aws', 'secrets']), secret, (key, at, value) => {
        const doc = JSON.parse(JSON.stringify(awsTopology())) as Record<string, unknown>;
        const parent = at.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
        parent[key] = value;
        const result = validateText(stringify(doc));
        expect(result.findings.some((f) => f.ruleId === 'UMS-DB-002' && f.path === ['', ...at, key].join('/'))).toBe(true);
        expect(JSON.stringify(result.findings)).not.toContain(value);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('determinism', () => {
  function synthOnce(name: string, files: Record<string, string>) {
    const root = path.join(dir, name);
    fs.mkdirSync(path.join(root, 'topologies'), { recursive: true });
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(root, 'topologies', f), text);
    const r = synthesize({ topologyDir: path.join(root, 'topologies'), outdir: path.join(root, 'out'), log: () => {} });
    expect(r.code).toBe(0);
    const read = (p: string) => fs.readFileSync(path.join(root, 'out', p), 'utf8');
    // The report names the source file; the two runs differ only in the folder they live in.
    return r.stacks.map((s) => [read(`stacks/${s}/cdk.tf.json`), read(`stacks/${s}/sizing-report.md`), read(`stacks/${s}/sizing-report.json`)].join('\n').split(root).join('<root>'));
  }

  const shuffle = <T>(xs: readonly T[], seed: number) => {
    const out = [...xs];
    let s = seed;
    for (let i = out.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const reorderKeys = (v: unknown, seed: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => reorderKeys(x, seed));
    if (v && typeof v === 'object') return Object.fromEntries(shuffle(Object.entries(v as Record<string, unknown>), seed).map(([k, x]) => [k, reorderKeys(x, seed + 1)]));
    return v;
  };

  it('aws: reordered keys and CIDR lists give byte-identical output, and a second run the same bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        // 100,000 devices on 3 servers: a design without warnings (a finding's line moves with the key order).
        const base = awsTopology({ devices: 100000, servers: 3 }, { deviceCidrs: ['10.30.0.0/16', '172.16.0.0/12'], adminCidrs: ['10.40.0.0/24', '10.41.0.0/24'] });
        const moved = reorderKeys(JSON.parse(JSON.stringify(base)), seed) as typeof base;
        moved.spec.network.deviceCidrs = shuffle(base.spec.network.deviceCidrs, seed) as typeof base.spec.network.deviceCidrs;
        const a = synthOnce(`aws-a${seed}`, { 'site.yaml': stringify(base) });
        expect(synthOnce(`aws-b${seed}`, { 'site.yaml': stringify(moved) })).toEqual(a);
        expect(synthOnce(`aws-c${seed}`, { 'site.yaml': stringify(base) })).toEqual(a);
      }),
      { numRuns: 3 },
    );
  });

  it('reordered keys, nodes (but the first server), and CIDR lists give byte-identical output', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        // External load balancing: a topology without findings (with IGEL load balancing and OS 12
        // devices UMS-LAYOUT-004 warns, and a finding's line moves with the keys).
        const listed = ['ums1', 'ums2', 'ums3', 'ums4', 'ums5'].map((name) => ({ name, roles: ['server'] }));
        // OS 12 devices only (UMS-XLB-001): the device OS list has one entry, nothing to reorder there.
        const base = topology({ devices: 120000, servers: 5, loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443', deviceOs: ['os12'], nodes: listed }, { deviceCidrs: ['10.30.0.0/16', '172.16.0.0/12', '10.31.0.0/16'], adminCidrs: ['10.40.0.0/24', '10.41.0.0/24'] });
        const moved = reorderKeys(JSON.parse(JSON.stringify(base)), seed) as typeof base;
        // The first server keeps its place (it creates the token); every other node moves.
        (moved.spec as { nodes: unknown[] }).nodes = [listed[0], ...shuffle(listed.slice(1), seed + 3)];
        moved.spec.network.deviceCidrs = shuffle(base.spec.network.deviceCidrs, seed) as typeof base.spec.network.deviceCidrs;
        moved.spec.network.adminCidrs = shuffle(base.spec.network.adminCidrs, seed + 7) as typeof base.spec.network.adminCidrs;
        const a = synthOnce(`a${seed}`, { 'site.yaml': stringify(base) });
        const b = synthOnce(`b${seed}`, { 'site.yaml': stringify(moved) });
        expect(b).toEqual(a);
      }),
      { numRuns: 5 },
    );
  });
});
