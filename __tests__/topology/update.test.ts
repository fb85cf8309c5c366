import { planUpdate } from '../../topology/update';
import { resolveTopology } from '../../topology/resolve';
import { nodes, topology } from '../helpers/topology';

const t = (spec: Record<string, unknown>) => resolveTopology(topology(spec));
const titles = (p: ReturnType<typeof planUpdate>) => p.steps.map((s) => s.title);
const separate = { devices: 120000, nodes: nodes(3, 2) };

describe('update runbook: step order', () => {
  it('short downtime: backup first, one server, then the others, then the load balancers, then the checks', () => {
    const p = planUpdate(t({ ...separate, umsVersion: '12.06.100' }), t({ ...separate, umsVersion: '12.07.100' }), 'short-downtime');
    expect(p.kind).toBe('version-update');
    expect(titles(p)).toEqual([
      'Back up the database',
      'Put the 12.07.100 installer on every host',
      'Remove orphaned entries from the UMS Network list',
      'Check the time on every server',
      'Stop every UMS Server except test-site-ums1',
      'Update test-site-ums1',
      'Update the remaining UMS Servers',
      'Update the separate UMS Load Balancers',
      'Check the processes on every host',
      'Check the data source and the UMS Network',
      'Run the UMS HA Health Check',
    ]);
    expect(p.steps[4]?.hosts).toEqual(['test-site-ums2', 'test-site-ums3']);
    expect(p.steps[4]?.commands).toEqual(['sudo systemctl stop igel-ums-watchdog igel-ums-server']);
    expect(p.steps.map((s) => s.n)).toEqual(p.steps.map((_s, i) => i + 1));
  });

  it('without downtime: all servers but the last in update mode, then the last renews the schema', () => {
    const p = planUpdate(t({ ...separate, umsVersion: '12.06.100' }), t({ ...separate, umsVersion: '12.07.100' }), 'no-downtime');
    const tt = titles(p);
    expect(tt.slice(4, 7)).toEqual(['Update the UMS Servers one after another, all but the last', 'Update the last UMS Server, test-site-ums3', 'Update the separate UMS Load Balancers']);
    expect(p.steps[4]?.hosts).toEqual(['test-site-ums1', 'test-site-ums2']);
    expect(p.steps.find((s) => s.title === 'Check the data source and the UMS Network')?.details.join(' ')).toContain('End update mode for local UMS Server');
  });

  it('co-located: no separate load balancer step', () => {
    const p = planUpdate(t({ umsVersion: '12.06.100' }), t({ umsVersion: '12.07.100' }), 'short-downtime');
    expect(titles(p)).not.toContain('Update the separate UMS Load Balancers');
  });

  it('adding a server: deployed after the update, same version, token and VLAN (seed 002)', () => {
    const four = { devices: 120000, servers: 4, nodes: nodes(4, 2) };
    const p = planUpdate(t({ ...separate, umsVersion: '12.06.100' }), t({ ...four, umsVersion: '12.07.100' }), 'short-downtime');
    expect(p.added).toEqual(['test-site-ums4']);
    const deploy = titles(p).indexOf('Deploy the proposed topology');
    expect(deploy).toBeGreaterThan(titles(p).indexOf('Update the separate UMS Load Balancers'));
    expect(p.steps[deploy]?.details[0]).toContain('UMS 12.07.100');
    expect(p.steps[deploy]?.commands[0]).toContain('TF_VAR_UMS_NETWORK_TOKEN');
  });

  it('removing a load balancer: drained and stopped, deleted from the UMS Network list, then destroyed by the deploy', () => {
    const three = { devices: 120000, loadBalancers: 3, nodes: nodes(3, 3) };
    const p = planUpdate(t(three), t(separate), 'short-downtime');
    expect(p.kind).toBe('topology-change');
    expect(p.removed).toEqual(['test-site-lb3']);
    const at = (title: string) => titles(p).indexOf(title);
    expect(at('Drain and stop test-site-lb3 (removed by the proposed topology)')).toBeGreaterThan(0);
    expect(at('Drain and stop test-site-lb3 (removed by the proposed topology)')).toBeLessThan(at('Delete the removed hosts from the UMS Network list'));
    expect(at('Delete the removed hosts from the UMS Network list')).toBeLessThan(at('Deploy the proposed topology'));
    expect(p.steps[at('Drain and stop test-site-lb3 (removed by the proposed topology)')]?.commands).toEqual(['sudo systemctl stop igel-ums-broker igel-ums-watchdog']);
    expect(p.changes).toEqual([expect.objectContaining({ kind: 'node-removed', reaches: 'deploy' })]);
  });

  it('nothing to do for the same version and hosts', () => {
    expect(planUpdate(t(separate), t(separate), 'short-downtime')).toMatchObject({ kind: 'no-change', steps: [] });
  });

  it('rollback names the backup and the major.minor limit', () => {
    const p = planUpdate(t({ umsVersion: '12.06.100' }), t({ umsVersion: '12.07.100' }), 'short-downtime');
    expect(p.rollback.join(' ')).toContain('restore the backup of step 1');
  });
});
