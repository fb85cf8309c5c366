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

describe('UMS-RES-003 (IGEL size classes)', () => {
  table('UMS-RES-003', [
    ['M/S: 14,999 devices on 4 vCPUs', { devices: 14999, resources: { server: { cpus: 4 } } }, '/spec/resources/server/cpus'],
    ['M/S: 14,999 devices on the default sizes (they follow the class)', { devices: 14999 }, null],
    ['XL: 120,000 devices on the default sizes (they follow the class)', { devices: 120000, layout: 'separate' }, null],
    ['M/S: 6 vCPUs, 10 GB (9 + 1 for the Web App, at the limit)', { devices: 14999, resources: { server: { cpus: 6, memoryGb: 10 } } }, null],
    ['M/S: 9 GB without the Web App\'s 1 GB', { devices: 14999, resources: { server: { cpus: 6, memoryGb: 9 } } }, '/spec/resources/server/memoryGb'],
    ['L: 15,000 devices (at the class limit) on 4 vCPUs, 7 GB', { devices: 15000, resources: { server: { cpus: 4, memoryGb: 7 } } }, null],
    ['L: 6 GB without the Web App', { devices: 49999, resources: { server: { cpus: 4, memoryGb: 6 } } }, '/spec/resources/server/memoryGb'],
    ['XL: 60,000 devices on 4 vCPUs', { devices: 60000, layout: 'separate', resources: { server: { cpus: 4, memoryGb: 10 }, loadBalancer: { cpus: 4 } } }, '/spec/resources/server/cpus'],
    ['XL: a load balancer with 2 vCPUs (the old default) below IGEL\'s 4', { devices: 60000, layout: 'separate', resources: { server: { cpus: 6, memoryGb: 10 }, loadBalancer: { cpus: 2 } } }, '/spec/resources/loadBalancer/cpus'],
    ['XL: server 6 vCPUs 10 GB, load balancer 4 vCPUs (at the limits)', { devices: 60000, layout: 'separate', resources: { server: { cpus: 6, memoryGb: 10 }, loadBalancer: { cpus: 4 } } }, null],
  ]);

  it('names the class and the guidelines', () => {
    const f = expectFinding(check(topology({ devices: 60000, layout: 'separate', resources: { loadBalancer: { cpus: 2 } } })), 'UMS-RES-003', '/spec/resources/loadBalancer/cpus');
    expect(f.message).toContain('Installation and Sizing Guidelines');
    expect(f.message).toContain('set cpus to 4 or more');
    expect(f.severity).toBe('warning');
  });
});
