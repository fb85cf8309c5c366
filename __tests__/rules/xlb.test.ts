import { check, expectFinding, awsTopology, topology, ruleTable } from '../helpers/topology';

const table = ruleTable;

const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };
const os12 = { ...external, deviceOs: ['os12'] };
const offloading = (os12MinimumVersion?: string) => ({ ...os12, externalLoadBalancer: { tls: 'offloading', ...(os12MinimumVersion !== undefined ? { os12MinimumVersion } : {}) } });

describe('UMS-XLB-001 (an external load balancer serves IGEL OS 12 devices only)', () => {
  table('UMS-XLB-001', [
    ['OS 11 only behind an external load balancer', { ...external, deviceOs: ['os11'] }, '/spec/deviceOs'],
    ['OS 11 and OS 12 behind an external load balancer', { ...external, deviceOs: ['os11', 'os12'] }, '/spec/deviceOs'],
    ['deviceOs by default (both) points at loadBalancing', external, '/spec/loadBalancing'],
    ['OS 12 only behind an external load balancer', os12, null],
    ['OS 11 behind the IGEL load balancers is not applicable', { deviceOs: ['os11'] }, null],
  ]);

  it('says what IGEL offers instead: the IGEL load balancers, or the IGEL Cloud Gateway for a mixed fleet', () => {
    const f = expectFinding(check(topology({ ...external, deviceOs: ['os11', 'os12'] })), 'UMS-XLB-001', '/spec/deviceOs');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('only for IGEL OS 12 devices (https://kb.igel.com/en/universal-management-suite/12.06.100/configure-the-ums-to-integrate-reverse-proxy-with-)');
    expect(f.message).toContain('loadBalancing: igel (IGEL UMS Load Balancers carry TCP 30001)');
    expect(f.message).toContain('IGEL Cloud Gateway for a mixed OS 11 and OS 12 fleet');
  });

  it('on aws: OS 11 devices have no documented path, and says why', () => {
    const r = check(awsTopology({ deviceOs: ['os11', 'os12'] }));
    expect(r.valid).toBe(false);
    const f = expectFinding(r, 'UMS-XLB-001', '/spec/deviceOs');
    expect(f.message).toContain('on aws OS 11 devices have no documented path to an HA network');
    expect(f.message).toContain('need broadcast, which aws drops (UMS-CLOUD-001)');
    expect(f.message).toContain('Set deviceOs: [os12]');
    expect(check(awsTopology({ deviceOs: ['os12'] })).findings.filter((x) => x.ruleId === 'UMS-XLB-001')).toEqual([]);
  });
});

describe('UMS-XLB-002 (SSL offloading needs UMS 12.04.100 and IGEL OS 12.3.2)', () => {
  table('UMS-XLB-002', [
    ['offloading with UMS 12.04.100 and OS 12.3.2 (both at the limit)', { ...offloading('12.3.2'), umsVersion: '12.04.100' }, null],
    ['offloading with UMS 12.03.999', { ...offloading('12.3.2'), umsVersion: '12.03.999' }, '/spec/umsVersion'],
    ['offloading with UMS 6.10.100', { ...offloading('12.3.2'), umsVersion: '6.10.100' }, '/spec/umsVersion'],
    ['offloading with OS 12.3.1', offloading('12.3.1'), '/spec/externalLoadBalancer/os12MinimumVersion'],
    ['offloading with OS 12.2.9', offloading('12.2.9'), '/spec/externalLoadBalancer/os12MinimumVersion'],
    ['offloading with OS 12.10.0 (numbers, not text)', offloading('12.10.0'), null],
    ['offloading without the OS 12 version', offloading(), '/spec/externalLoadBalancer/tls'],
    ['passthrough with UMS 12.01.100 is not applicable', { ...os12, umsVersion: '12.01.100', externalLoadBalancer: { tls: 'passthrough' } }, null],
    ['the default (passthrough) is not applicable', { ...os12, umsVersion: '12.01.100' }, null],
  ]);

  it('names the versions, the page, and the alternative', () => {
    const f = expectFinding(check(topology({ ...offloading('12.3.1'), umsVersion: '12.03.100' })), 'UMS-XLB-002', '/spec/umsVersion');
    expect(f.message).toBe(
      'externalLoadBalancer.tls offloading needs UMS 12.04.100 or later (IGEL, https://kb.igel.com/en/universal-management-suite/12.06.100/configure-the-ums-to-integrate-reverse-proxy-with-); 12.03.100 given: update the UMS first, or use tls: passthrough (TLS ends at the UMS Servers)',
    );
    const os = expectFinding(check(topology({ ...offloading('12.3.1'), umsVersion: '12.03.100' })), 'UMS-XLB-002', '/spec/externalLoadBalancer/os12MinimumVersion');
    expect(os.message).toContain('needs IGEL OS 12.3.2 or later on every device');
    expect(os.message).toContain('the oldest devices run 12.3.1');
  });

  it('a malformed OS version is a schema error', () => {
    const r = check(topology(offloading('12.3')));
    expect(r.findings.map((f) => f.ruleId)).toContain('UMS-SCHEMA');
  });
});

describe('UMS-XLB-003 (offloading only where the HAProxy load balancer is generated)', () => {
  it('refuses offloading on aws (the NLB passes TCP through) and accepts passthrough', () => {
    const r = check(awsTopology({ deviceOs: ['os12'], externalLoadBalancer: { tls: 'offloading', os12MinimumVersion: '12.3.2' } }));
    expect(expectFinding(r, 'UMS-XLB-003', '/spec/externalLoadBalancer/tls').message).toContain('its Network Load Balancer passes TCP through');
    expect(check(awsTopology({ deviceOs: ['os12'], externalLoadBalancer: { tls: 'passthrough' } })).valid).toBe(true);
  });
  table('UMS-XLB-003', [
    ['offloading on vsphere', offloading('12.3.2'), null],
  ]);
});

describe('UMS-XLB-004 (no externalLoadBalancer block with IGEL load balancing)', () => {
  table('UMS-XLB-004', [
    ['the block with igel load balancing', { deviceOs: ['os11'], externalLoadBalancer: { tls: 'passthrough' } }, '/spec/externalLoadBalancer'],
    ['the block with external load balancing', { ...os12, externalLoadBalancer: { tls: 'passthrough' } }, null],
  ]);
});

describe('a valid external design', () => {
  it('OS 12 only, passthrough by default, validates clean', () => {
    expect(check(topology(os12)).findings).toEqual([]);
  });
  it('OS 12 only with offloading on UMS 12.07 and OS 12.5.0 validates clean', () => {
    expect(check(topology(offloading('12.5.0'))).findings).toEqual([]);
  });
});

describe('UMS-XLB-005 (on aws the Cluster Address port is a listener of the Network Load Balancer)', () => {
  it('refuses a Cluster Address on 443 when the NLB listens on 8443, and accepts 8443', () => {
    const f = expectFinding(check(awsTopology({ clusterAddress: 'ums.example.internal:443' })), 'UMS-XLB-005', '/spec/clusterAddress');
    expect(f.message).toBe("clusterAddress port 443 is no port the aws stack's Network Load Balancer listens on (8443, from the firewall matrix, passed through to the servers unchanged): use ums.example.internal:8443");
    expect(check(awsTopology()).findings).toEqual([]);
  });
  table('UMS-XLB-005', [
    ['vsphere on 443 (HAProxy listens on the Cluster Address port)', { ...os12, clusterAddress: 'ums.example.internal:443' }, null],
  ]);
});
