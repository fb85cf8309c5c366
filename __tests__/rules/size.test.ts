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

describe('UMS-SIZE-007 (one failure overloads the rest: warning)', () => {
  table('UMS-SIZE-007', [
    ['100,001 devices on 3 servers: 2 left serve 100,000', { devices: 100001, servers: 3 }, '/spec/servers'],
    ['100,000 devices on 3 servers (at the limit)', { devices: 100000, servers: 3 }, null],
    ['50,001 devices on 2 servers', { devices: 50001, servers: 2 }, '/spec/servers'],
    ['50,000 devices on 2 servers (at the limit)', { devices: 50000, servers: 2 }, null],
    ['120,000 devices derive 3 servers: 2 left serve 100,000', { devices: 120000 }, '/spec/devices'],
    ['separate: 4 servers, 2 load balancers: 1 left forwards for 3', { devices: 150000, layout: 'separate', servers: 4, loadBalancers: 2 }, '/spec/loadBalancers'],
    ['separate: 4 servers, 3 load balancers (2 left forward for 6)', { devices: 150000, layout: 'separate', servers: 4, loadBalancers: 3 }, null],
    ['separate: 3 servers, 2 load balancers (at the limit)', { devices: 100000, layout: 'separate', servers: 3, loadBalancers: 2 }, null],
    ['separate: 7 servers, 3 load balancers: 2 left forward for 6', { devices: 300000, layout: 'separate', servers: 7, loadBalancers: 3 }, '/spec/loadBalancers'],
    ['separate: 5 servers derive 2 load balancers', { devices: 150001, layout: 'separate', servers: 5 }, '/spec/servers'],
    ['co-located: the load balancer side is not applicable', { devices: 30000, servers: 2 }, null],
    ['external: servers only', { devices: 100001, servers: 3, loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' }, '/spec/servers'],
  ]);
  it('gives the numbers and the count that survives one failure, as a warning', () => {
    const servers = expectFinding(check(topology({ devices: 120000, servers: 3 })), 'UMS-SIZE-007', '/spec/servers');
    expect(servers.severity).toBe('warning');
    expect(servers.message).toBe('with one of 3 servers down, the 2 left serve up to 100,000 devices (50,000 each), fewer than the 120,000 declared: 4 servers survive one failure (ceil(120,000 / 50,000) + 1)');
    const lbs = expectFinding(check(topology({ devices: 150000, layout: 'separate', servers: 4, loadBalancers: 2 })), 'UMS-SIZE-007', '/spec/loadBalancers');
    expect(lbs.message).toBe('with one of 2 load balancers down, the 1 left forward for up to 3 servers (3 each), fewer than the 4 given: 3 load balancers survive one failure (ceil(4 / 3) + 1)');
  });
  it('the surviving count meets the rule, one less does not (property)', () => {
    for (let devices = 1; devices <= 400000; devices += 7919) {
      const survive = Math.ceil(devices / 50000) + 1;
      const layout = devices > 50000 ? 'separate' : 'auto';
      const ok = (servers: number) => !check(topology({ devices, layout, servers, ...(layout === 'separate' ? { loadBalancers: Math.ceil(servers / 3) + 1 } : {}) })).findings.some((f) => f.ruleId === 'UMS-SIZE-007');
      expect(ok(Math.max(2, survive))).toBe(true);
      if (survive - 1 >= 2) expect(ok(survive - 1)).toBe(false);
    }
  });
});
