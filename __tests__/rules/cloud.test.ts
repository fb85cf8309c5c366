import { check, expectFinding, expectNoFinding, topology, ruleTable } from '../helpers/topology';

const table = ruleTable;

const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('UMS-CLOUD-001 (no IGEL load balancers where broadcast is dropped)', () => {
  table('UMS-CLOUD-001', [
    ['aws with igel load balancing', { platform: 'aws', loadBalancing: 'igel' }, '/spec/loadBalancing'],
    ['azure with the default load balancing', { platform: 'azure' }, '/spec/platform'],
    ['gcp with igel load balancing', { platform: 'gcp', loadBalancing: 'igel' }, '/spec/loadBalancing'],
    ['vsphere with igel load balancing', { platform: 'vsphere', loadBalancing: 'igel' }, null],
    ['aws with external load balancing is not applicable', { platform: 'aws', ...external }, null],
  ]);
});

describe('UMS-CLOUD-002 (external load balancing in the cloud from UMS 6.10)', () => {
  table('UMS-CLOUD-002', [
    ['aws, external, 6.09.120', { platform: 'aws', ...external, umsVersion: '6.09.120' }, '/spec/umsVersion'],
    ['aws, external, 6.10.100 (at the limit)', { platform: 'aws', ...external, umsVersion: '6.10.100' }, null],
    ['azure, external, 12.01.100 (a higher major with a lower minor)', { platform: 'azure', ...external, umsVersion: '12.01.100' }, null],
    ['vsphere, external, 6.09.120 is not applicable', { platform: 'vsphere', ...external, umsVersion: '6.09.120' }, null],
  ]);
});

describe('UMS-CLOUD-003 (external load balancing names the cluster address)', () => {
  table('UMS-CLOUD-003', [
    ['external without clusterAddress', { loadBalancing: 'external' }, '/spec/clusterAddress'],
    ['external with clusterAddress', external, null],
    ['igel load balancing is not applicable', { loadBalancing: 'igel' }, null],
  ]);
});

describe('UMS-CLOUD-004 (the Cluster Address port is not a passed-through port)', () => {
  table('UMS-CLOUD-004', [
    ['external on 30001 with OS 11 devices', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:30001' }, '/spec/clusterAddress'],
    ['external on 30001 with OS 11 devices only', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:30001', deviceOs: ['os11'] }, '/spec/clusterAddress'],
    ['external on 30001 with OS 12 devices only (nothing passed through)', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:30001', deviceOs: ['os12'] }, null],
    ['external on 8443', external, null],
    ['external on 443', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:443' }, null],
    ['igel load balancing is not applicable', { loadBalancing: 'igel', clusterAddress: 'ums.example.internal:30001' }, null],
  ]);

  it('says which rows clash and what to write instead', () => {
    const f = expectFinding(check(topology({ loadBalancing: 'external', clusterAddress: 'lb.example:30001' })), 'UMS-CLOUD-004', '/spec/clusterAddress');
    expect(f.message).toMatch(/^clusterAddress port 30001 is the port the external load balancer passes through for os11-devices \(.+\): give the Cluster Address another port, e\.g\. lb\.example:8443$/);
  });
});
