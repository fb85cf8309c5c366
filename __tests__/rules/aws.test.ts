import { securityGroupRules } from '../../platforms/aws/placement';
import { SECURITY_GROUP_RULES_QUOTA } from '../../platforms/aws/rules';
import { validateValue } from '../../core/reader/validate';
import { awsBlock, awsTopology, check, expectFinding, expectNoFinding, topology } from '../helpers/topology';

const subnets = (...s: Array<Record<string, unknown>>) => ({ aws: { ...awsBlock(), subnets: s } });
const a = { availabilityZone: 'eu-central-1a', cidr: '10.20.1.0/24' };
const b = { availabilityZone: 'eu-central-1b', cidr: '10.20.2.0/24' };

function table(ruleId: string, rows: Array<[string, Record<string, unknown>, string | null]>): void {
  it.each(rows)('%s', (_name, spec, path) => {
    const result = check(awsTopology(spec));
    if (path === null) expectNoFinding(result, ruleId);
    else expectFinding(result, ruleId, path);
  });
}

describe('UMS-AWS-001 (an aws stack needs the aws block; synthesis only)', () => {
  it('refuses synthesis without the aws block, which validate accepts', () => {
    const doc = awsTopology({ aws: undefined }, { firstAddress: '10.20.1.10' });
    expect(validateValue(doc, undefined as never, { synthesis: true }).findings.map((f) => f.ruleId)).toContain('UMS-AWS-001');
    expect(validateValue(doc, undefined as never).findings.map((f) => f.ruleId)).not.toContain('UMS-AWS-001');
    expect(validateValue(awsTopology(), undefined as never, { synthesis: true }).findings).toEqual([]);
  });
});

describe('UMS-AWS-002 (one subnet per zone, inside the VPC block)', () => {
  table('UMS-AWS-002', [
    ['two subnets in two zones', subnets(a, b), null],
    ['a subnet outside network.cidr', subnets(a, { ...b, cidr: '10.99.2.0/24' }), '/spec/aws/subnets/1/cidr'],
    ['a subnet with host bits', subnets(a, { ...b, cidr: '10.20.2.7/24' }), '/spec/aws/subnets/1/cidr'],
    ['overlapping subnets', subnets(a, { ...b, cidr: '10.20.1.128/25' }), '/spec/aws/subnets/1/cidr'],
    ['two subnets in one zone', subnets(a, { ...b, availabilityZone: 'eu-central-1a' }), '/spec/aws/subnets/1/availabilityZone'],
    ['a firstAddress AWS reserves', subnets(a, { ...b, firstAddress: '10.20.2.3' }), '/spec/aws/subnets/1/firstAddress'],
    ['a firstAddress outside its subnet', subnets(a, { ...b, firstAddress: '10.20.1.9' }), '/spec/aws/subnets/1/firstAddress'],
    ['the fifth address as firstAddress (the first usable)', subnets(a, { ...b, firstAddress: '10.20.2.4' }), null],
  ]);
});

describe('UMS-AWS-003 (node addresses in a subnet, not reserved)', () => {
  table('UMS-AWS-003', [
    ['derived nodes', {}, null],
    ['an address in no subnet', { nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.10' }, { name: 'ums2', roles: ['server'], ip: '10.20.9.10' }] }, '/spec/nodes/1/ip'],
    ['an address AWS reserves (the fourth)', { nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.3' }, { name: 'ums2', roles: ['server'], ip: '10.20.2.10' }] }, '/spec/nodes/0/ip'],
    ['the fifth address is usable', { nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.4' }, { name: 'ums2', roles: ['server'], ip: '10.20.2.4' }] }, null],
  ]);
});

describe('UMS-AWS-004 (servers over at least two zones)', () => {
  table('UMS-AWS-004', [
    ['derived servers take the subnets in turn', { devices: 200000 }, null],
    ['both servers in one zone', { nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.10' }, { name: 'ums2', roles: ['server'], ip: '10.20.1.11' }] }, '/spec/nodes/0'],
    ['one in each zone', { nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.10' }, { name: 'ums2', roles: ['server'], ip: '10.20.2.11' }] }, null],
  ]);

  it('derived servers alternate between the zones, from the fifth address of each subnet', () => {
    const t = validateValue(awsTopology({ devices: 200000 }), undefined as never).topology!;
    expect(t.nodes.map((n) => n.ip)).toEqual(['10.20.1.4', '10.20.2.4', '10.20.1.5', '10.20.2.5']);
  });
});

describe('UMS-AWS-005 (the server size maps to an instance type)', () => {
  table('UMS-AWS-005', [
    ['the default size', {}, null],
    ['beyond r6i.32xlarge', { resources: { server: { cpus: 128, memoryGb: 2048 } } }, '/spec/resources/server'],
    ['beyond, with an explicit type', { resources: { server: { cpus: 128, memoryGb: 2048 } }, aws: { ...awsBlock(), instanceTypes: { server: 'x2iedn.32xlarge' } } }, null],
  ]);
});

describe('the aws rules leave vsphere topologies alone', () => {
  it('a vsphere topology with an aws block gets none of them', () => {
    const r = check(awsTopology({ platform: 'vsphere', loadBalancing: 'igel', clusterAddress: undefined, vsphere: { datacenter: 'DC1', cluster: 'C1', datastore: 'ds', template: 't' }, aws: { ...awsBlock(), subnets: [a, { ...a }] } }, { firstAddress: '10.20.1.10' }));
    expect(r.findings.filter((f) => f.ruleId.startsWith('UMS-AWS-'))).toEqual([]);
  });
});

describe('UMS-AWS-006 (security groups within the default quota of 60 rules)', () => {
  // Each device network gets one rule per device port on the servers' group (and the NLB's), and the servers' egress to it.
  const networks = (n: number) => Array.from({ length: n }, (_, i) => `10.${100 + Math.floor(i / 256)}.${i % 256}.0/24`);
  const inbound = (n: number) => {
    const t = check(awsTopology({}, { deviceCidrs: networks(n) })).topology!;
    const counts = new Map<string, number>();
    for (const r of securityGroupRules(t)) counts.set(`${r.group} ${r.direction}`, (counts.get(`${r.group} ${r.direction}`) ?? 0) + 1);
    return Math.max(...counts.values());
  };

  it('warns past 60 rules of one direction in one group and not at 60 (the boundary, found by the rule count itself)', () => {
    let n = 1;
    while (inbound(n + 1) <= SECURITY_GROUP_RULES_QUOTA) n++;
    expect(inbound(n)).toBeLessThanOrEqual(60);
    expectNoFinding(check(awsTopology({}, { deviceCidrs: networks(n) })), 'UMS-AWS-006');
    const over = check(awsTopology({}, { deviceCidrs: networks(n + 1) }));
    expect(expectFinding(over, 'UMS-AWS-006', '/spec/network/deviceCidrs').severity).toBe('warning');
    expect(expectFinding(over, 'UMS-AWS-006', '/spec/network/deviceCidrs').message).toMatch(/(inbound|outbound) rules, over AWS's default quota of 60/);
  });

  it('says nothing on vsphere, where there are no security groups', () => {
    expectNoFinding(check(topology({}, { deviceCidrs: networks(40) })), 'UMS-AWS-006');
  });
});
