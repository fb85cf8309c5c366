import { check, expectFinding, expectNoFinding, nodes, topology, ruleTable } from '../helpers/topology';

const table = ruleTable;

const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('UMS-LAYOUT-001 (co-located only up to 50,000 devices)', () => {
  table('UMS-LAYOUT-001', [
    ['co-located with 50,001 devices', { devices: 50001, layout: 'co-located' }, '/spec/layout'],
    ['co-located with 50,000 devices (at the limit)', { devices: 50000, layout: 'co-located' }, null],
    ['auto picks separate above 50,000', { devices: 50001, layout: 'auto' }, null],
  ]);
});

describe('UMS-LAYOUT-002 (nodes match the layout and counts)', () => {
  table('UMS-LAYOUT-002', [
    ['a load-balancer-only host in co-located', { nodes: [{ name: 'ums1', roles: ['server', 'loadBalancer'] }, { name: 'lb1', roles: ['loadBalancer'] }] }, '/spec/nodes/1/roles'],
    ['a host without load balancer in co-located', { nodes: [{ name: 'ums1', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server'] }] }, '/spec/nodes/1/roles'],
    ['a co-located host in the separate layout', { devices: 120000, nodes: [{ name: 'ums1', roles: ['server', 'loadBalancer'] }, ...nodes(3, 2).slice(1)] }, '/spec/nodes/0/roles'],
    ['a load balancer with external load balancing', { ...external, nodes: [...nodes(2, 0), { name: 'lb1', roles: ['loadBalancer'] }] }, '/spec/nodes/2/roles'],
    ['2 server nodes where 120,000 devices need 3', { devices: 120000, nodes: nodes(2, 2) }, '/spec/nodes'],
    ['1 load balancer node where 2 are needed', { devices: 120000, nodes: nodes(3, 1) }, '/spec/nodes'],
    ['loadBalancers differs from servers in co-located', { servers: 2, loadBalancers: 3 }, '/spec/loadBalancers'],
    ['3 servers + 2 load balancers for 120,000 devices', { devices: 120000, nodes: nodes(3, 2) }, null],
    ['2 co-located hosts for 30,000 devices', { nodes: nodes(2, 0, true) }, null],
    ['derived nodes never contradict', { devices: 250000 }, null],
  ]);
});

describe('UMS-LAYOUT-003 (no load balancer layout or count with external load balancing)', () => {
  table('UMS-LAYOUT-003', [
    ['external with layout separate', { ...external, layout: 'separate' }, '/spec/layout'],
    ['external with loadBalancers 2', { ...external, loadBalancers: 2 }, '/spec/loadBalancers'],
    ['external with layout auto', { ...external, layout: 'auto' }, null],
    ['igel with layout separate is not applicable', { devices: 60000, layout: 'separate' }, null],
  ]);
});

describe('UMS-LAYOUT-004 (OS 12 devices are not balanced by the IGEL load balancers)', () => {
  // The base topology accepts this warning; these rows state exceptions: [] to see it.
  const none = { exceptions: [] };
  table('UMS-LAYOUT-004', [
    ['OS 11 and OS 12 behind IGEL load balancers', { ...none, deviceOs: ['os11', 'os12'] }, '/spec/deviceOs'],
    ['OS 12 only behind IGEL load balancers', { ...none, deviceOs: ['os12'] }, '/spec/deviceOs'],
    ['deviceOs by default (both) points at loadBalancing when it is written', { ...none, deviceOs: undefined, loadBalancing: 'igel' }, '/spec/loadBalancing'],
    ['OS 11 only: the IGEL load balancers carry all of it', { ...none, deviceOs: ['os11'] }, null],
    ['external load balancing balances 8443', { ...none, ...external }, null],
  ]);

  it('gives the numbers: all devices on one server against the even split, and what to do', () => {
    const f = expectFinding(check(topology({ exceptions: [], devices: 120000 })), 'UMS-LAYOUT-004', '/spec');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('if all 120,000 devices pick one server, it serves 120,000 (240 % of the 50,000 one server serves: overloaded) while the other 2 servers serve none; spread evenly it would be 40,000 each');
    // A mixed fleet (the default deviceOs): no external load balancer (UMS-XLB-001); DNS or the IGEL Cloud Gateway.
    expect(f.message).toContain('With OS 11 devices too, an external load balancer is not an option');
    expect(f.message).toContain('IGEL Cloud Gateway');
    expect(f.message).not.toContain('or use loadBalancing: external');
    expect(f.message).toMatch(/round-robin in DNS/);
    expect(f.message).toContain('10.20.0.11:8443, 10.20.0.12:8443, 10.20.0.13:8443');
    const only12 = expectFinding(check(topology({ exceptions: [], deviceOs: ['os12'] })), 'UMS-LAYOUT-004', '/spec/deviceOs');
    expect(only12.message).toContain('Use loadBalancing: external with a clusterAddress');
    expect(only12.message).not.toContain('IGEL Cloud Gateway');
    const small = expectFinding(check(topology({ exceptions: [] })), 'UMS-LAYOUT-004', '/spec');
    expect(small.message).toContain('it serves 30,000 (60 % of the 50,000 one server serves) while the other 1 server serves none; spread evenly it would be 15,000 each');
  });
});
