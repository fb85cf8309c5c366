import { admittedAddresses } from '../../core/model/resolve';
import { check, expectFinding, expectNoFinding, nodes, ruleTableWithNetwork, topology } from '../helpers/topology';

const table = ruleTableWithNetwork;

const twoHosts = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) => ({
  nodes: [
    { name: 'ums1', roles: ['server', 'loadBalancer'], ...a },
    { name: 'ums2', roles: ['server', 'loadBalancer'], ...b },
  ],
});

describe('UMS-NET-001 (one VLAN for every HA host)', () => {
  table('UMS-NET-001', [
    ['a node on VLAN 121', twoHosts({}, { vlanId: 121 }), {}, '/spec/nodes/1/vlanId'],
    ['a node on the HA VLAN 120', twoHosts({ vlanId: 120 }), {}, null],
    ['nodes without vlanId take the HA VLAN', twoHosts(), {}, null],
  ]);
});

describe('UMS-NET-002 (addresses)', () => {
  table('UMS-NET-002', [
    ['node ip outside the cidr', twoHosts({ ip: '10.21.0.5' }), {}, '/spec/nodes/0/ip'],
    ['node ip is the gateway', twoHosts({ ip: '10.20.0.1' }), {}, '/spec/nodes/0/ip'],
    ['node ip is the network address', twoHosts({ ip: '10.20.0.0' }), {}, '/spec/nodes/0/ip'],
    ['node ip is the broadcast address', twoHosts({ ip: '10.20.0.255' }), {}, '/spec/nodes/0/ip'],
    ['node ip is the last host address', twoHosts({ ip: '10.20.0.254' }), {}, null],
    ['node ip is the DNS server', twoHosts({ ip: '10.20.0.10' }), {}, '/spec/nodes/0/ip'],
    ['two nodes with one ip', twoHosts({ ip: '10.20.0.50' }, { ip: '10.20.0.50' }), {}, '/spec/nodes/1/ip'],
    ['cidr with host bits set', {}, { cidr: '10.20.0.5/24' }, '/spec/network/cidr'],
    ['cidr wider than /10 on vsphere (static MACs could repeat)', {}, { cidr: '10.0.0.0/9' }, '/spec/network/cidr'],
    ['cidr of /10 on vsphere (the static MACs fit)', {}, { cidr: '10.0.0.0/10' }, null],
    ['gateway outside the cidr', {}, { gateway: '10.99.0.1' }, '/spec/network/gateway'],
    ['firstAddress outside the cidr', {}, { firstAddress: '10.21.0.11' }, '/spec/network/firstAddress'],
    ['no firstAddress and nodes without ip', {}, { firstAddress: undefined }, '/spec/network'],
    ['no firstAddress, every node has an ip', twoHosts({ ip: '10.20.0.21' }, { ip: '10.20.0.22' }), { firstAddress: undefined }, null],
    ['pool of one address for two nodes', {}, { cidr: '10.20.0.0/29', gateway: '10.20.0.1', firstAddress: '10.20.0.6' }, '/spec/network/firstAddress'],
    ['pool of exactly two addresses (at the limit)', {}, { cidr: '10.20.0.0/29', gateway: '10.20.0.1', firstAddress: '10.20.0.5' }, null],
  ]);

  it('refuses a database host on the address of an HA node: a slot or an explicit ip; no firewall admits it', () => {
    const db = (host: string) => ({ host, name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', engine: 'postgresql', redundancy: 'cluster' });
    // 4 co-located servers: ums4's slot 10.20.0.14 is the database's address.
    expect(expectFinding(check(topology({ servers: 4, database: db('10.20.0.14') })), 'UMS-NET-002', '/spec/network/firstAddress').message).toContain('database.host');
    expect(expectFinding(check(topology({ database: db('10.20.0.100'), ...twoHosts({ ip: '10.20.0.100' }) })), 'UMS-NET-002', '/spec/nodes/0/ip').message).toContain('database.host');
    expectNoFinding(check(topology({ database: db('10.20.0.200') })), 'UMS-NET-002');
    expectNoFinding(check(topology({ database: db('db.example.internal') })), 'UMS-NET-002');
    // A free slot (server 5 of 6) that is the database's address is no HA node to the host firewalls.
    const t = check(topology({ database: db('10.20.0.15') })).topology!;
    expect(admittedAddresses(t, 'server')).not.toContain('10.20.0.15');
    expect(admittedAddresses(t, 'server')).toContain('10.20.0.16');
  });

  it('gives every node its slot address; an explicit ip stays as written', () => {
    const result = check(topology({ devices: 120000, nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.0.100' }, ...nodes(3, 2).slice(1)] }));
    expect(result.valid).toBe(true);
    expect(result.topology?.nodes.map((n) => [n.name, n.ip])).toEqual([
      ['ums1', '10.20.0.100'],
      ['ums2', '10.20.0.12'],
      ['ums3', '10.20.0.13'],
      ['lb1', '10.20.0.17'],
      ['lb2', '10.20.0.18'],
    ]);
  });

  it.each([
    ['the DNS server', { dns: ['10.20.0.12'], ntpServers: ['10.20.0.12'] }, {}, 'network.dns[0]'],
    ['the gateway', { gateway: '10.20.0.17' }, {}, 'network.gateway'],
    ['another node\'s explicit ip', {}, { lb1: '10.20.0.12' }, 'node lb1'],
  ])('a slot address used by %s is an error that names the owner (never a silent skip)', (_what, network, ips, owner) => {
    const list = nodes(2, 2).map((n) => ((ips as Record<string, string>)[n.name] ? { ...n, ip: (ips as Record<string, string>)[n.name] } : n));
    const result = check(topology({ devices: 60000, layout: 'separate', nodes: list }, network));
    const taken = result.findings.filter((f) => f.ruleId === 'UMS-NET-002' && f.message.includes('address slot'));
    expect(taken).toHaveLength(1);
    expect(taken[0]!.message).toContain(`which ${owner} already uses`);
    expect(result.valid).toBe(false);
  });
});

describe('UMS-NET-003 (NTP servers)', () => {
  table('UMS-NET-003', [
    ['no ntpServers key', {}, { ntpServers: undefined }, '/spec/network/ntpServers'],
    ['an empty ntpServers list', {}, { ntpServers: [] }, '/spec/network/ntpServers'],
    ['one NTP server (at the limit)', {}, { ntpServers: ['ntp.example.internal'] }, null],
  ]);
});

describe('UMS-NET-004 (names)', () => {
  const name = (n: string) => ({ metadata: { name: n } });
  it.each([
    ['an upper-case topology name', 'Berlin', '/metadata/name'],
    ['a topology name of 41 characters', 'a'.repeat(41), '/metadata/name'],
    ['a topology name of 40 characters (at the limit)', 'a'.repeat(40), null],
    ['a topology name ending in a dash', 'berlin-', '/metadata/name'],
  ])('%s', (_n, value, path) => {
    const doc = { ...topology(), ...name(value) };
    const result = check(doc);
    if (path === null) expectNoFinding(result, 'UMS-NET-004');
    else expectFinding(result, 'UMS-NET-004', path);
  });
  const table2 = (rows: Array<[string, Record<string, unknown>, Record<string, unknown>, string | null]>) => table('UMS-NET-004', rows);
  table2([
    ['a node name with an underscore', twoHosts({ name: 'ums_1' }), {}, '/spec/nodes/0/name'],
    ['two nodes with one name', twoHosts({ name: 'ums1' }, { name: 'ums1' }), {}, '/spec/nodes/1/name'],
    ['distinct DNS-label names', twoHosts({ name: 'a1' }, { name: 'a2' }), {}, null],
  ]);
  it('limits the host name <metadata.name>-<node> to 63 characters', () => {
    const at = (node: string) => check({ ...topology(twoHosts({ name: node })), metadata: { name: 'a'.repeat(40) } });
    expectFinding(at('b'.repeat(23)), 'UMS-NET-004', '/spec/nodes/0/name');
    expectNoFinding(at('b'.repeat(22)), 'UMS-NET-004');
  });
});

describe('UMS-NET-005 (device and admin networks: network addresses of unicast networks)', () => {
  table('UMS-NET-005', [
    ['an admin network with host bits (10.40.0.77/8 would admit 10.0.0.0/8)', {}, { adminCidrs: ['10.40.0.77/8'] }, '/spec/network/adminCidrs/0'],
    ['a device network with one host bit', {}, { deviceCidrs: ['10.30.0.1/16'] }, '/spec/network/deviceCidrs/0'],
    ['a host as a /32 (at the boundary: no host bits)', {}, { adminCidrs: ['10.40.0.77/32'] }, null],
    ['a loopback device network', {}, { deviceCidrs: ['127.0.0.0/8'] }, '/spec/network/deviceCidrs/0'],
    ['a multicast admin network', {}, { adminCidrs: ['10.40.0.0/24', '239.1.0.0/16'] }, '/spec/network/adminCidrs/1'],
    ['the network below multicast (223.255.255.0/24)', {}, { adminCidrs: ['223.255.255.0/24'] }, null],
  ]);
});

describe('UMS-NET-006 (device and admin networks not open to everyone)', () => {
  table('UMS-NET-006', [
    ['admins from 0.0.0.0/0', {}, { adminCidrs: ['0.0.0.0/0'] }, '/spec/network/adminCidrs/0'],
    ['devices from the two /1 halves', {}, { deviceCidrs: ['0.0.0.0/1', '128.0.0.0/1'] }, '/spec/network/deviceCidrs/1'],
    ['a /7 (just wider than a /8)', {}, { deviceCidrs: ['10.0.0.0/7'] }, '/spec/network/deviceCidrs/0'],
    ['a /8 (the boundary)', {}, { deviceCidrs: ['11.0.0.0/8'] }, null],
  ]);

  it('names who is admitted, and an exception accepts it with its reason', () => {
    const open = check(topology({}, { adminCidrs: ['0.0.0.0/0'] }));
    expect(expectFinding(open, 'UMS-NET-006', '/spec/network/adminCidrs/0').message).toMatch(/SSH and the UMS Console.*spec\.exceptions \(id: UMS-NET-006\)/);
    const accepted = check(topology({ exceptions: [{ id: 'UMS-LAYOUT-004', reason: 'round-robin DNS for 8443 (test base, kept)' }, { id: 'UMS-NET-006', reason: 'admins reach the hosts through a bastion only (ticket 42)' }] }, { adminCidrs: ['0.0.0.0/0'] }));
    expectNoFinding(accepted, 'UMS-NET-006');
    expect(accepted.suppressed?.map((s) => s.finding.ruleId)).toContain('UMS-NET-006');
  });
});

describe('UMS-NET-007 (device and admin networks do not contain the HA network)', () => {
  table('UMS-NET-007', [
    ['devices on the HA network itself', {}, { deviceCidrs: ['10.20.0.0/24'] }, '/spec/network/deviceCidrs/0'],
    ['admins from a network containing it', {}, { adminCidrs: ['10.20.0.0/16'] }, '/spec/network/adminCidrs/0'],
    ['a device network inside the HA network (not containing it)', {}, { deviceCidrs: ['10.20.0.128/25'] }, null],
    ['a network beside it', {}, { deviceCidrs: ['10.21.0.0/16'] }, null],
  ]);
});

describe('UMS-NET-008 (the HA network is a unicast /8 or narrower)', () => {
  table('UMS-NET-008', [
    ['an HA network of /0', {}, { cidr: '0.0.0.0/0', gateway: '10.20.0.1' }, '/spec/network/cidr'],
    ['an HA network of /1', {}, { cidr: '0.0.0.0/1' }, '/spec/network/cidr'],
    ['an HA network of /8 (the boundary)', {}, { cidr: '10.0.0.0/8' }, null],
    ['a loopback HA network', {}, { cidr: '127.0.0.0/24', gateway: '127.0.0.1', dns: ['127.0.0.10'], ntpServers: ['127.0.0.10'], firstAddress: '127.0.0.11' }, '/spec/network/cidr'],
  ]);
});

describe('UMS-NET-009 (no device or admin network twice)', () => {
  table('UMS-NET-009', [
    ['a device network twice', {}, { deviceCidrs: ['10.30.0.0/16', '10.30.0.0/16'] }, '/spec/network/deviceCidrs/1'],
    ['an admin network inside another', {}, { adminCidrs: ['10.40.1.0/24', '10.40.0.0/16'] }, '/spec/network/adminCidrs/0'],
    ['one network in both lists (admins among the devices)', {}, { deviceCidrs: ['10.40.0.0/24'], adminCidrs: ['10.40.0.0/24'] }, null],
  ]);
});
