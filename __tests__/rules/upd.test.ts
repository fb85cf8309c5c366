import { planUpdate } from '../../core/reports/update';
import { resolveTopology } from '../../core/model/resolve';
import type { UpdateMethod } from '../../core/rules';
import { topology } from '../helpers/topology';

const t = (spec: Record<string, unknown>, network: Record<string, unknown> = {}) => resolveTopology(topology(spec, network));
function findings(from: Record<string, unknown>, to: Record<string, unknown>, method: UpdateMethod = 'short-downtime', toNetwork: Record<string, unknown> = {}) {
  return planUpdate(t(from), t(to, toNetwork), method).findings;
}
const has = (f: ReturnType<typeof findings>, id: string, path?: string) => f.some((x) => x.ruleId === id && (path === undefined || x.path === path));

type Row = [string, Record<string, unknown>, Record<string, unknown>, UpdateMethod, boolean];
function table(ruleId: string, path: string, rows: Row[]) {
  it.each(rows)('%s', (_n, from, to, method, expected) => {
    expect(has(findings(from, to, method), ruleId, expected ? path : undefined)).toBe(expected);
  });
}

describe('UMS-UPD-001 (no downgrade across major.minor)', () => {
  table('UMS-UPD-001', '/spec/umsVersion', [
    ['12.07.100 to 12.06.999', { umsVersion: '12.07.100' }, { umsVersion: '12.06.999' }, 'short-downtime', true],
    ['6.10.140 to 6.09.120 (the documented example)', { umsVersion: '6.10.140' }, { umsVersion: '6.09.120' }, 'short-downtime', true],
    ['12.07.100 to 12.07.099 (same major.minor)', { umsVersion: '12.07.100' }, { umsVersion: '12.07.099' }, 'short-downtime', false],
    ['12.07.100 to 12.08.000 (an update)', { umsVersion: '12.07.100' }, { umsVersion: '12.08.000' }, 'short-downtime', false],
  ]);
  it('refuses: no steps', () => {
    expect(planUpdate(t({ umsVersion: '12.07.100' }), t({ umsVersion: '12.06.100' }), 'short-downtime')).toMatchObject({ kind: 'refused', steps: [] });
  });
});

describe('UMS-UPD-002 (downgrade within major.minor: warning)', () => {
  table('UMS-UPD-002', '/spec/umsVersion', [
    ['6.10.140 to 6.10.120 (the documented example)', { umsVersion: '6.10.140' }, { umsVersion: '6.10.120' }, 'short-downtime', true],
    ['12.07.100 to 12.07.100 (same version)', { umsVersion: '12.07.100' }, { umsVersion: '12.07.100' }, 'short-downtime', false],
    ['12.07.100 to 12.06.100 is UMS-UPD-001 instead', { umsVersion: '12.07.100' }, { umsVersion: '12.06.100' }, 'short-downtime', false],
  ]);
});

describe('UMS-UPD-003 (update without downtime: warning)', () => {
  table('UMS-UPD-003', '/spec/umsVersion', [
    ['no-downtime with a version change', { umsVersion: '12.06.100' }, { umsVersion: '12.07.100' }, 'no-downtime', true],
    ['short-downtime with a version change', { umsVersion: '12.06.100' }, { umsVersion: '12.07.100' }, 'short-downtime', false],
    ['no-downtime without a version change', { umsVersion: '12.07.100' }, { umsVersion: '12.07.100', servers: 3 }, 'no-downtime', false],
  ]);
});

describe('UMS-UPD-004 (Shared Workplace with short downtime: warning)', () => {
  table('UMS-UPD-004', '/spec/sharedWorkplace', [
    ['Shared Workplace, short downtime', { umsVersion: '12.06.100', sharedWorkplace: true }, { umsVersion: '12.07.100', sharedWorkplace: true }, 'short-downtime', true],
    ['Shared Workplace, no downtime', { umsVersion: '12.06.100', sharedWorkplace: true }, { umsVersion: '12.07.100', sharedWorkplace: true }, 'no-downtime', false],
    ['no Shared Workplace', { umsVersion: '12.06.100' }, { umsVersion: '12.07.100' }, 'short-downtime', false],
  ]);
});

describe('UMS-UPD-005 (a rebuild, not an update)', () => {
  it.each([
    ['the layout', { devices: 30000 }, { devices: 60000 }, {}, '/spec/layout'],
    ['the HA VLAN', {}, {}, { vlanId: 121 }, '/spec/network/vlanId'],
    ['the load balancing', {}, { loadBalancing: 'external', clusterAddress: 'u.example:8443' }, {}, '/spec/loadBalancing'],
  ])('flags a change of %s', (_n, from, to, toNetwork, path) => {
    expect(has(findings(from, to, 'short-downtime', toNetwork), 'UMS-UPD-005', path)).toBe(true);
  });
  it('accepts a version change on the same layout, VLAN and platform', () => {
    expect(has(findings({ umsVersion: '12.06.100' }, { umsVersion: '12.07.100' }), 'UMS-UPD-005')).toBe(false);
  });
});

describe('UMS-UPD-006 (a kept node keeps its address, the subnet stays)', () => {
  it.each([
    ['firstAddress moves: every kept node would move', {}, { firstAddress: '10.20.0.41' }, '/spec/network/firstAddress', true],
    ['network.cidr changes', {}, { cidr: '10.20.0.0/23' }, '/spec/network/cidr', true],
    ['a server is added (nobody moves)', { servers: 3 }, {}, undefined, false],
    ['NTP servers change (nobody moves)', {}, { ntpServers: ['10.20.0.9'] }, undefined, false],
  ])('%s', (_n, spec, network, path, expected) => {
    const f = findings({}, spec, 'short-downtime', network);
    expect(has(f, 'UMS-UPD-006', path)).toBe(expected);
  });
  it('names the deployed address and how to keep it; refuses the plan', () => {
    const nodes = [{ name: 'ums1', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }];
    const p = planUpdate(t({ nodes }), t({ nodes: [nodes[0], { ...nodes[1], ip: '10.20.0.50' }] }), 'short-downtime');
    expect(p.kind).toBe('refused');
    const f = p.findings.find((x) => x.ruleId === 'UMS-UPD-006')!;
    expect(f.path).toBe('/spec/nodes/1/ip');
    expect(f.message).toBe('node ums2 is deployed at 10.20.0.12 and would move to 10.20.0.50: a running host keeps its address; pin it with ip: 10.20.0.12 (or keep firstAddress), or remove ums2 in one change and add a node with a new name in the next');
  });
});
