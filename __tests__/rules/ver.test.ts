import { buildReport } from '../../core/reports/report';
import { resolveTopology } from '../../core/model/resolve';
import { planUpdate } from '../../core/reports/update';
import { renderExternalLoadBalancer } from '../../core/configs/external-lb';
import { check, ruleTable, topology } from '../helpers/topology';

const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('UMS-VER-001 (IGEL OS 12 devices need UMS 12)', () => {
  ruleTable('UMS-VER-001', [
    ['os12 with UMS 6.10.150 (the last 6.x release in the notes)', { umsVersion: '6.10.150', deviceOs: ['os12'] }, '/spec/umsVersion'],
    ['os11 and os12 with UMS 12.00.999 (just below)', { umsVersion: '12.00.999', deviceOs: ['os11', 'os12'] }, '/spec/umsVersion'],
    ['os12 with UMS 12.01.100 (at the limit)', { umsVersion: '12.01.100', deviceOs: ['os12'] }, null],
    ['os11 only with UMS 6.10.150 is not applicable', { umsVersion: '6.10.150', deviceOs: ['os11'] }, null],
  ]);
});

describe('UMS-VER-002 (the Cluster Address exists from UMS 12.01.100)', () => {
  ruleTable('UMS-VER-002', [
    ['external with UMS 6.10.150', { ...external, umsVersion: '6.10.150', deviceOs: ['os11'] }, '/spec/umsVersion'],
    ['external with UMS 12.00.999 (just below)', { ...external, umsVersion: '12.00.999', deviceOs: ['os11'] }, '/spec/umsVersion'],
    ['external with UMS 12.01.100 (at the limit)', { ...external, umsVersion: '12.01.100' }, null],
    ['igel load balancing with UMS 6.10.150 is not applicable', { umsVersion: '6.10.150', deviceOs: ['os11'] }, null],
  ]);

  const report = (spec: Record<string, unknown>) => buildReport(check(topology(spec)))!;

  it('the report never tells a 6.x operator to set the Cluster Address', () => {
    const r = report({ ...external, umsVersion: '6.10.150', deviceOs: ['os11'] });
    expect(r.postInstall.map((s) => s.id)).not.toContain('cluster-address');
    expect(r.externalLoadBalancer?.postInstall).not.toMatch(/set .*Cluster Address to/);
    expect(r.externalLoadBalancer?.postInstall).toMatch(/igelrmserver/);
    const r12 = report({ ...external, umsVersion: '12.01.100' });
    expect(r12.postInstall.map((s) => s.id)).toContain('cluster-address');
  });

  it('the rollback to a 6.x network does not name the Cluster Address', () => {
    const t = (v: string) => resolveTopology(topology({ ...external, umsVersion: v, deviceOs: ['os11'] }));
    const p = planUpdate(t('6.10.150'), t('12.01.110'), 'short-downtime');
    expect(p.rollback.join(' ')).not.toMatch(/Cluster Address/);
    const p12 = planUpdate(t('12.06.100'), t('12.07.100'), 'short-downtime');
    expect(p12.rollback.join(' ')).toMatch(/Cluster Address/);
  });
});

describe('UMS-VER-002: no generated file tells a 6.x operator to set the Cluster Address', () => {
  it('the external load balancer file says to point the devices by name instead', () => {
    const t = (v: string) => resolveTopology(topology({ ...external, umsVersion: v, deviceOs: ['os11'] }));
    const six = renderExternalLoadBalancer(t('6.10.150'))!;
    expect(six.content).not.toMatch(/set UMS Administration .*Cluster Address/);
    expect(six.content).toContain('has no Cluster Address setting (UMS-VER-002)');
    expect(renderExternalLoadBalancer(t('12.01.100'))!.content).toMatch(/After the installation: In the UMS Console, set .*Cluster Address/);
  });
});
