/**
 * Test helpers: a valid topology to start from, a way to change one thing in it, and assertions
 * on rule ids and pointers (after cdk-nag's test/rules/utils.ts).
 */
import { stringify } from 'yaml';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { validateText, validateValue, type ValidationResult } from '../../core/reader/validate';

export const SHA = 'a'.repeat(64);

/** A valid co-located topology (30,000 devices, 2 hosts, nodes derived). */
export function baseTopology(): UmsHaTopologyDocument {
  return {
    apiVersion: 'ums-ha/v1',
    kind: 'UmsHaTopology',
    metadata: { name: 'test-site' },
    spec: {
      umsVersion: '12.07.100',
      devices: 30000,
      database: { engine: 'postgresql', host: 'db.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster' },
      network: {
        vlanId: 120,
        portGroup: 'ums-vlan120',
        cidr: '10.20.0.0/24',
        gateway: '10.20.0.1',
        dns: ['10.20.0.10'],
        ntpServers: ['10.20.0.10'],
        firstAddress: '10.20.0.11',
        deviceCidrs: ['10.30.0.0/16'],
        adminCidrs: ['10.40.0.0/24'],
      },
      installer: { url: 'https://artifacts.example.internal/igel/setup-igel-ums-linux_12.07.100.bin', sha256: SHA },
      networkToken: { mode: 'create', variable: 'UMS_NETWORK_TOKEN' },
      vsphere: { datacenter: 'DC1', cluster: 'Cluster1', datastore: 'vsanDatastore', template: 'ubuntu-22.04-ums-template' },
      exceptions: [LAYOUT_004_ACCEPTED],
    },
  };
}

/**
 * The base topology has OS 12 devices behind IGEL load balancing, which UMS-LAYOUT-004 warns about;
 * it accepts that warning, so tests of other rules see only their own findings. {@link topology}
 * drops the exception when a change makes it stale (external load balancing, no OS 12 devices).
 */
export const LAYOUT_004_ACCEPTED = { id: 'UMS-LAYOUT-004', reason: 'OS 12 devices reach the servers through round-robin DNS for 8443 (test base)' };

type Spec = UmsHaTopologyDocument['spec'];

/** The aws block of awsTopology: two subnets in two zones of the VPC 10.20.0.0/16. */
export function awsBlock(): NonNullable<Spec['aws']> {
  return {
    region: 'eu-central-1',
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    subnets: [
      { availabilityZone: 'eu-central-1a', cidr: '10.20.1.0/24' },
      { availabilityZone: 'eu-central-1b', cidr: '10.20.2.0/24' },
    ],
    ami: 'ami-0c1d2e3f4a5b6c7d8',
    secrets: { databasePasswordParameter: '/ums-ha/test-site/db-password', networkTokenParameter: '/ums-ha/test-site/network-token' },
  };
}

/** A valid aws topology (external load balancing of OS 12 devices, UMS 12.07, nodes derived over two zones); spec keys replaced as in topology(). */
export function awsTopology(spec: Partial<Record<keyof Spec, unknown>> = {}, network: Record<string, unknown> = {}): UmsHaTopologyDocument {
  return topology(
    { platform: 'aws', loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443', vsphere: undefined, aws: awsBlock(), ...spec },
    { cidr: '10.20.0.0/16', gateway: '10.20.0.1', dns: ['10.20.0.2'], ntpServers: ['169.254.169.123'], firstAddress: undefined, vlanId: 1, portGroup: 'aws-vpc', ...network },
  );
}

/** The base topology with spec keys replaced (undefined removes a key). */
export function topology(spec: Partial<Record<keyof Spec, unknown>> = {}, network: Record<string, unknown> = {}): UmsHaTopologyDocument {
  const t = baseTopology() as unknown as { spec: Record<string, unknown> & { network: Record<string, unknown> } };
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined) delete t.spec[k];
    else t.spec[k] = v;
  }
  for (const [k, v] of Object.entries(network)) {
    if (v === undefined) delete t.spec.network[k];
    else t.spec.network[k] = v;
  }
  const os = (t.spec.deviceOs as unknown[] | undefined) ?? ['os11', 'os12'];
  const stale = t.spec.loadBalancing === 'external' || !Array.isArray(os) || !os.includes('os12');
  if (!('exceptions' in spec) && stale) delete t.spec.exceptions;
  return t as unknown as UmsHaTopologyDocument;
}

/** Validates an object as if it had been written to a file (so findings carry lines). */
export function check(doc: unknown): ValidationResult {
  return validateText(stringify(doc));
}

export function checkObject(doc: unknown): ValidationResult {
  return validateValue(doc);
}

export function ids(result: ValidationResult): string[] {
  return result.findings.map((f) => f.ruleId);
}

/** Asserts the rule reported at exactly this pointer (and returns the finding). */
export function expectFinding(result: ValidationResult, ruleId: string, path: string) {
  const hit = result.findings.find((f) => f.ruleId === ruleId && f.path === path);
  if (!hit) {
    throw new Error(`expected ${ruleId} at ${path}; got ${JSON.stringify(result.findings.map((f) => `${f.ruleId} ${f.path}`))}`);
  }
  return hit;
}

export function expectNoFinding(result: ValidationResult, ruleId: string) {
  const hits = result.findings.filter((f) => f.ruleId === ruleId);
  if (hits.length > 0) throw new Error(`expected no ${ruleId}; got ${JSON.stringify(hits)}`);
}

/** Nodes for a layout: `n` servers and `m` load-balancer-only hosts, or co-located hosts. */
export function nodes(servers: number, loadBalancers: number, coLocated = false) {
  const list: Array<{ name: string; roles: string[] }> = [];
  for (let i = 1; i <= servers; i++) list.push({ name: `ums${i}`, roles: coLocated ? ['server', 'loadBalancer'] : ['server'] });
  if (!coLocated) for (let i = 1; i <= loadBalancers; i++) list.push({ name: `lb${i}`, roles: ['loadBalancer'] });
  return list;
}

/**
 * One `it` per row (cdk-nag / ESLint style): the topology with these spec (and network) keys must
 * get the rule's finding at the pointer, or none when the pointer is null.
 */
export function ruleTable(ruleId: string, rows: Array<[string, Record<string, unknown>, string | null]>): void {
  it.each(rows)('%s', (_name, spec, path) => {
    const result = check(topology(spec));
    if (path === null) expectNoFinding(result, ruleId);
    else expectFinding(result, ruleId, path);
  });
}

/** {@link ruleTable} with network keys too. */
export function ruleTableWithNetwork(ruleId: string, rows: Array<[string, Record<string, unknown>, Record<string, unknown>, string | null]>): void {
  it.each(rows)('%s', (_name, spec, network, path) => {
    const result = check(topology(spec, network));
    if (path === null) expectNoFinding(result, ruleId);
    else expectFinding(result, ruleId, path);
  });
}

/** Same value: same JSON text (so the same key order) and Jest equality (which tells -0 from 0). */
export function expectSameValue(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(actual).toEqual(expected);
}

/** Two validation results agree in everything anything prints or synthesizes from. */
export function expectSameValidation(actual: ValidationResult, expected: ValidationResult): void {
  const comparable = (r: ValidationResult) => ({ valid: r.valid, findings: r.findings, suppressed: r.suppressed, document: r.document, topology: r.topology, value: r.value });
  expectSameValue(comparable(actual), comparable(expected));
}
