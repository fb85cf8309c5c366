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
