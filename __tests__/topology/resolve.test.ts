import fc from 'fast-check';
import { resolveTopology } from '../../core/model/resolve';
import { toInt, parseSubnet, contains } from '../../core/model/ipv4';
import { check, nodes, topology } from '../helpers/topology';

describe('sizing derivation (rules.md)', () => {
  it.each([
    [1, 2, 2, 'co-located'],
    [50000, 2, 2, 'co-located'],
    [50001, 2, 2, 'separate'],
    [100001, 3, 2, 'separate'],
    [150001, 4, 2, 'separate'],
    [300001, 7, 3, 'separate'],
    [450001, 10, 4, 'separate'],
  ])('%i devices: %i servers, %i load balancers, %s', (devices, servers, lbs, layout) => {
    const t = resolveTopology(topology({ devices }));
    expect([t.servers, t.loadBalancers, t.layout]).toEqual([servers, lbs, layout]);
    expect(t.nodes).toHaveLength(layout === 'co-located' ? servers : servers + lbs);
  });

  it('external load balancing: layout none, no load balancers, servers only', () => {
    const t = resolveTopology(topology({ devices: 120000, loadBalancing: 'external', clusterAddress: 'u.example:443' }));
    expect([t.servers, t.loadBalancers, t.layout]).toEqual([3, 0, 'none']);
    expect(t.nodes.every((n) => n.roles.join() === 'server')).toBe(true);
  });

  it('keeps explicit counts as written', () => {
    const t = resolveTopology(topology({ devices: 30000, servers: 5 }));
    expect([t.servers, t.loadBalancers]).toEqual([5, 5]);
    expect(resolveTopology(topology({ devices: 1, servers: 1 })).servers).toBe(1);
  });

  it('names derived nodes and puts servers first (the first server creates the token)', () => {
    expect(resolveTopology(topology({ devices: 120000 })).nodes.map((n) => n.vmName)).toEqual([
      'test-site-ums1',
      'test-site-ums2',
      'test-site-ums3',
      'test-site-lb1',
      'test-site-lb2',
    ]);
    const listed = resolveTopology(topology({ devices: 120000, nodes: [...nodes(3, 2).slice(3), ...nodes(3, 0)] }));
    expect(listed.nodes.map((n) => n.name)).toEqual(['ums1', 'ums2', 'ums3', 'lb1', 'lb2']);
  });

  it.each([
    ['postgresql', 5432],
    ['mssql', 1433],
    ['oracle', 1521],
  ])('defaults the %s port to %i', (engine, port) => {
    const base = topology();
    expect(resolveTopology(topology({ database: { ...base.spec.database, engine } })).database.port).toBe(port);
  });

  it('sizes the default server disk for the retained firmware', () => {
    expect(resolveTopology(topology()).resources.server.diskGb).toBe(60);
    expect(resolveTopology(topology({ firmware: { retainedUpdates: 10 } })).resources.server.diskGb).toBe(121);
  });
});

describe('invariants over generated topologies (fast-check)', () => {
  it('derived sizing always satisfies the sizing rules, and addresses are unique inside the cidr', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.constantFrom('auto', 'separate'), (devices, layout) => {
        const doc = topology({ devices, layout: devices > 50000 ? layout : 'auto' }, { cidr: '10.20.0.0/16' });
        const result = check(doc);
        const t = result.topology!;
        expect(t.servers * 50000).toBeGreaterThanOrEqual(devices);
        if (t.layout === 'separate') expect(t.loadBalancers * 3).toBeGreaterThanOrEqual(t.servers);
        expect(t.layout === 'co-located').toBe(devices <= 50000);
        const ips = t.nodes.map((n) => n.ip);
        expect(new Set(ips).size).toBe(ips.length);
        const subnet = parseSubnet('10.20.0.0/16')!;
        for (const ip of ips) expect(contains(subnet, toInt(ip!)!)).toBe(true);
        expect(t.nodes.every((n) => n.vlanId === 120)).toBe(true);
        expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('node order', () => {
  it('keeps the first server listed first and orders the rest by name, numbers as numbers', () => {
    const listed = [
      { name: 'ums3', roles: ['server'] },
      { name: 'lb2', roles: ['loadBalancer'] },
      { name: 'ums10', roles: ['server'] },
      { name: 'ums2', roles: ['server'] },
      { name: 'lb1', roles: ['loadBalancer'] },
    ];
    const t = resolveTopology(topology({ devices: 120000, servers: 3, nodes: listed.filter((n) => n.name !== 'ums2') }));
    // Addresses come from each node's slot (its name's number), not from its place in the list.
    expect(t.nodes.map((n) => [n.name, n.ip])).toEqual([
      ['ums3', '10.20.0.13'],
      ['ums10', '10.20.0.26'],
      ['lb1', '10.20.0.17'],
      ['lb2', '10.20.0.18'],
    ]);
  });

  it('property: shuffling every node but the first server changes nothing', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['ums2', 'ums3', 'ums4', 'lb1', 'lb2'], { minLength: 5, maxLength: 5 }), (rest) => {
        const node = (name: string) => ({ name, roles: name.startsWith('ums') ? ['server'] : ['loadBalancer'] });
        const spec = { devices: 160000, layout: 'separate' };
        const a = resolveTopology(topology({ ...spec, nodes: ['ums1', 'ums2', 'ums3', 'ums4', 'lb1', 'lb2'].map(node) }));
        const b = resolveTopology(topology({ ...spec, nodes: ['ums1', ...rest].map(node) }));
        expect(b.nodes).toEqual(a.nodes.map((n) => ({ ...n, pointer: expect.any(String) })));
        expect(b.nodes.map((n) => [n.name, n.ip])).toEqual(a.nodes.map((n) => [n.name, n.ip]));
      }),
      { numRuns: 50 },
    );
  });
});
