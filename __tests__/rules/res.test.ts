import { check, expectFinding, expectNoFinding, topology, ruleTable } from '../helpers/topology';

const table = ruleTable;

const separate = { devices: 60000, layout: 'separate' };

describe('UMS-RES-001 (documented minimum VM sizes)', () => {
  table('UMS-RES-001', [
    ['server VM with 3 GB RAM', { ...separate, resources: { server: { memoryGb: 3 } } }, '/spec/resources/server/memoryGb'],
    ['server VM with 4 GB RAM: the UMS Server alone, without the Web App on it', { ...separate, resources: { server: { memoryGb: 4 } } }, '/spec/resources/server/memoryGb'],
    ['server VM with 5 GB RAM (at the limit: 4 server + 1 Web App)', { ...separate, resources: { server: { memoryGb: 5 } } }, null],
    ['co-located host with 5 GB RAM needs 4 + 1 + 1', { resources: { server: { memoryGb: 5 } } }, '/spec/resources/server/memoryGb'],
    ['co-located host with 6 GB RAM (at the limit)', { resources: { server: { memoryGb: 6 } } }, null],
    ['server VM with a 2 GB disk: the UMS Server alone, without the Web App', { ...separate, firmware: { retainedUpdates: 0 }, resources: { server: { diskGb: 2 } } }, '/spec/resources/server/diskGb'],
    ['server VM with a 3 GB disk (at the limit: 2 server + 1 Web App)', { ...separate, firmware: { retainedUpdates: 0 }, resources: { server: { diskGb: 3 } } }, null],
    ['load balancer VM with 1 GB RAM and disk (at the limit)', { ...separate, resources: { loadBalancer: { memoryGb: 1, diskGb: 1 } } }, null],
    ['load balancer sizes do not apply without separate load balancers', { resources: { loadBalancer: { memoryGb: 1 } }, servers: 2 }, null],
  ]);
});

describe('UMS-RES-001 message', () => {
  it('names every component and the sum', () => {
    const f = expectFinding(check(topology({ resources: { server: { memoryGb: 5 } } })), 'UMS-RES-001', '/spec/resources/server/memoryGb');
    expect(f.message).toContain('a UMS Server (4 GB RAM, 2 GB disk) and a UMS Web App (1 GB RAM, 1 GB disk) and a UMS Load Balancer (1 GB RAM, 1 GB disk)');
    expect(f.message).toContain('at least 6 GB');
  });
});

describe('UMS-RES-002 (server data disk for program files and firmware)', () => {
  table('UMS-RES-002', [
    ['3 retained updates on a 30 GB disk', { firmware: { retainedUpdates: 3 }, resources: { server: { diskGb: 30 } } }, '/spec/resources/server/diskGb'],
    ['3 retained updates on a 31 GB disk (at the limit)', { firmware: { retainedUpdates: 3 }, resources: { server: { diskGb: 31 } } }, null],
    ['10 retained updates on a 100 GB disk', { firmware: { retainedUpdates: 10 }, resources: { server: { diskGb: 100 } } }, '/spec/resources/server/diskGb'],
    ['the default disk grows with retained updates', { firmware: { retainedUpdates: 50 } }, null],
  ]);
  it('shows the arithmetic', () => {
    const f = expectFinding(check(topology({ firmware: { retainedUpdates: 3 }, resources: { server: { diskGb: 30 } } })), 'UMS-RES-002', '/spec/resources/server/diskGb');
    expect(f.message).toContain('= 31 GB');
  });
});
