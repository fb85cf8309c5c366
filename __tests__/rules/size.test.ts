import { check, expectFinding, expectNoFinding, topology, ruleTable } from '../helpers/topology';

const table = ruleTable;

describe('UMS-SIZE-001 (1 server per 50,000 devices)', () => {
  table('UMS-SIZE-001', [
    ['100,001 devices with 2 servers', { devices: 100001, servers: 2 }, '/spec/servers'],
    ['100,000 devices with 2 servers (at the limit)', { devices: 100000, servers: 2 }, null],
    ['150,001 devices with 3 servers', { devices: 150001, servers: 3 }, '/spec/servers'],
    ['150,000 devices with 3 servers (at the limit)', { devices: 150000, servers: 3 }, null],
    ['derived count is never too low', { devices: 150001 }, null],
  ]);
  it('says how many servers the devices need, with the numbers', () => {
    const f = expectFinding(check(topology({ devices: 120000, servers: 2 })), 'UMS-SIZE-001', '/spec/servers');
    expect(f.message).toContain('120,000 devices need at least 3 servers');
    expect(f.message).toContain('2 given');
    expect(f.severity).toBe('error');
  });
});

describe('UMS-SIZE-002 (1 load balancer per 3 servers)', () => {
  table('UMS-SIZE-002', [
    ['7 servers, 2 load balancers', { devices: 120000, layout: 'separate', servers: 7, loadBalancers: 2 }, '/spec/loadBalancers'],
    ['6 servers, 2 load balancers (at the limit)', { devices: 120000, layout: 'separate', servers: 6, loadBalancers: 2 }, null],
    ['7 servers, 3 load balancers', { devices: 120000, layout: 'separate', servers: 7, loadBalancers: 3 }, null],
    ['co-located layout is not applicable', { devices: 30000, servers: 4 }, null],
  ]);
});

describe('UMS-SIZE-003 (at least 2 servers)', () => {
  table('UMS-SIZE-003', [
    ['1 server', { servers: 1 }, '/spec/servers'],
    ['0 servers', { servers: 0 }, '/spec/servers'],
    ['2 servers (at the limit)', { servers: 2 }, null],
    ['derived count', { devices: 1 }, null],
  ]);
});

describe('UMS-SIZE-004 (at least 2 IGEL load balancers)', () => {
  table('UMS-SIZE-004', [
    ['separate layout with 1 load balancer', { devices: 60000, layout: 'separate', loadBalancers: 1 }, '/spec/loadBalancers'],
    ['separate layout with 2 (at the limit)', { devices: 60000, layout: 'separate', loadBalancers: 2 }, null],
    ['co-located with 1 server gives 1 load balancer', { servers: 1 }, '/spec/servers'],
    ['external load balancing is not applicable', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' }, null],
  ]);
});

describe('UMS-SIZE-005 (more than 6 servers: warning)', () => {
  table('UMS-SIZE-005', [
    ['7 servers given', { devices: 120000, servers: 7, loadBalancers: 3 }, '/spec/servers'],
    ['6 servers given (at the limit)', { devices: 120000, servers: 6 }, null],
    ['350,001 devices derive 8 servers', { devices: 350001 }, '/spec/devices'],
    ['300,000 devices derive 6 servers (at the limit)', { devices: 300000 }, null],
  ]);
  it('is a warning', () => {
    expect(expectFinding(check(topology({ devices: 350001 })), 'UMS-SIZE-005', '/spec/devices').severity).toBe('warning');
  });
});

describe('UMS-SIZE-006 (more than 3 load balancers: warning)', () => {
  table('UMS-SIZE-006', [
    ['4 load balancers given', { devices: 120000, layout: 'separate', loadBalancers: 4 }, '/spec/loadBalancers'],
    ['3 load balancers given (at the limit)', { devices: 120000, layout: 'separate', loadBalancers: 3 }, null],
    ['co-located with 4 servers runs 4 load balancers', { servers: 4 }, '/spec/servers'],
    ['co-located with 3 servers (at the limit)', { servers: 3 }, null],
    ['external load balancing is not applicable', { servers: 5, loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' }, null],
  ]);
});
