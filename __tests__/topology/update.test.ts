import { planUpdate, renderUpdateMarkdown } from '../../core/reports/update';
import { resolveTopology } from '../../core/model/resolve';
import { nodes, topology } from '../helpers/topology';

const t = (spec: Record<string, unknown>) => resolveTopology(topology(spec));
const titles = (p: ReturnType<typeof planUpdate>) => p.steps.map((s) => s.title);
const separate = { devices: 120000, nodes: nodes(3, 2) };

describe('update runbook: step order', () => {
  it('short downtime: backup first, one server, then the others, then the load balancers, then the checks', () => {
    const p = planUpdate(t({ ...separate, umsVersion: '12.06.100' }), t({ ...separate, umsVersion: '12.07.100' }), 'short-downtime');
    expect(p.kind).toBe('version-update');
    expect(titles(p)).toEqual([
      "Back up the database and the servers' local files",
      'Put the 12.07.100 installer on every system with UMS components',
      'Remove orphaned entries from the UMS Network list',
      'Check the time on every HA component',
      'Stop every UMS Server except test-site-ums1',
      'Update test-site-ums1',
      'Update the remaining UMS Servers',
      'Update the separate UMS Load Balancers',
      'Update the UMS Consoles',
      'Check the processes on every host',
      'Check the data source and the UMS Network',
      'Check the UMS registration for IGEL OS 12',
      'Check the firmware synchronization',
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
    const token = p.steps[deploy - 1]!;
    expect(token.title).toBe('Get the current IGEL network token');
    expect(token.commands[0]).toContain('TF_VAR_UMS_NETWORK_TOKEN');
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

describe('update runbook: as seeds 000, 002 and 004 write it', () => {
  const v = (spec: Record<string, unknown>) => [t({ ...spec, umsVersion: '12.06.100' }), t({ ...spec, umsVersion: '12.07.100' })] as const;

  it('the installer goes to every system with UMS components, UMS Consoles included (seed 000)', () => {
    const p = planUpdate(...v(separate), 'short-downtime');
    const step = p.steps.find((s) => s.title.startsWith('Put the 12.07.100 installer'))!;
    expect(step.title).toBe('Put the 12.07.100 installer on every system with UMS components');
    expect(step.details.join(' ')).toMatch(/UMS Console installed on its own/);
    expect(step.check).toContain('every UMS Console machine');
  });

  it.each([
    ['co-located', {}],
    ['separate', separate],
    ['external', { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' }],
  ])('%s: the UMS Consoles are updated after every server (an older Console cannot connect)', (_n, spec) => {
    for (const method of ['short-downtime', 'no-downtime'] as const) {
      const p = planUpdate(...v(spec), method);
      const tt = titles(p);
      const consoles = tt.indexOf('Update the UMS Consoles');
      expect(consoles).toBeGreaterThan(-1);
      const lastServerStep = Math.max(...p.steps.filter((s) => s.phase === 'update' && s.title !== 'Update the UMS Consoles' && s.title !== 'Update the separate UMS Load Balancers').map((s) => s.n - 1));
      expect(consoles).toBeGreaterThan(lastServerStep);
      expect(p.steps[consoles]!.details.join(' ')).toContain('cannot connect');
    }
  });

  it('joining nodes use the current network token; if it was not saved, restart the service and read /root/IGEL-Network.token (seed 002)', () => {
    const four = { devices: 120000, servers: 4, nodes: nodes(4, 2) };
    const p = planUpdate(t(separate), t(four), 'short-downtime');
    const step = p.steps.find((s) => s.title === 'Get the current IGEL network token')!;
    const text = [...step.details, ...step.commands].join(' ');
    expect(text).toContain('current network token');
    expect(text).toMatch(/not saved: restart the IGEL RMGUIServer service .* \/root\/IGEL-Network\.token/);
    expect(step.commands.join('\n')).toContain('systemctl restart igel-ums-server');
    expect(titles(p).indexOf('Get the current IGEL network token')).toBeLessThan(titles(p).indexOf('Deploy the proposed topology'));
  });

  it('OS 12 registration after the installation only where deviceOs includes os12 (seed 004)', () => {
    expect(titles(planUpdate(...v({ deviceOs: ['os11', 'os12'] }), 'short-downtime'))).toContain('Check the UMS registration for IGEL OS 12');
    expect(titles(planUpdate(...v({ deviceOs: ['os12'] }), 'short-downtime'))).toContain('Check the UMS registration for IGEL OS 12');
    expect(titles(planUpdate(...v({ deviceOs: ['os11'] }), 'short-downtime'))).not.toContain('Check the UMS registration for IGEL OS 12');
  });

  it('Health Check: without IGEL load balancers no 6155 / 30001 / 30002 check is required, Messaging and Watchdog results may be ignored (seed 004)', () => {
    const ext = planUpdate(...v({ loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' }), 'short-downtime');
    const hc = ext.steps.find((s) => s.title === 'Run the UMS HA Health Check')!;
    const text = hc.details.join(' ');
    expect(text).not.toMatch(/6155/);
    for (const sentence of text.split('. ').filter((x) => /Port 3000[12]/.test(x))) expect(sentence).toContain('not expected to pass');
    expect(text).toMatch(/Port 30001, Port 30002 and Certificates .* not expected to pass/);
    expect(text).toMatch(/Watchdog error messages may be ignored/);
    expect(text).toMatch(/Messaging results may be ignored/);
    expect(hc.check).not.toBe('no failed check');
    const igel = planUpdate(...v({}), 'short-downtime').steps.find((s) => s.title === 'Run the UMS HA Health Check')!;
    expect(igel.details.join(' ')).toMatch(/Port 30001, Port 30002 and Certificates pass/);
    expect(igel.check).toBe('no failed check');
  });

  it('no Windows service logon on these Linux hosts: the runbook never asks for it (UMS-DB-006 refuses ad-native)', () => {
    const mssql = (auth?: string) => ({ ...separate, database: { engine: 'mssql', host: 'sql.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster', ...(auth ? { authentication: auth } : {}) } });
    for (const auth of ['ad-native', 'sql', undefined]) {
      const p = planUpdate(...v(mssql(auth)), 'no-downtime');
      expect(JSON.stringify(p.steps)).not.toMatch(/logon|Windows service/);
    }
  });

  it('the time check holds each server within 30 s of NTP, so any two are within one minute', () => {
    const step = planUpdate(...v(separate), 'short-downtime').steps.find((s) => s.title === 'Check the time on every HA component')!;
    expect(step.check).toContain('within 30 s of NTP time');
  });
});

describe('update runbook: rollback as seed 004 allows it', () => {
  const plan = (from: string, to: string) => planUpdate(t({ umsVersion: from }), t({ umsVersion: to }), 'short-downtime');

  it.each([
    ['12.06.100', '12.07.100'],
    ['6.10.140', '12.01.110'],
  ])('across major.minor (%s -> %s): no reinstall of the old version, a separate HA network with the backup restored, step by step', (from, to) => {
    const p = plan(from, to);
    const text = p.rollback.join(' ');
    expect(text).not.toMatch(/install \S+ again/);
    expect(text).toContain('separate HA network');
    expect(text).toMatch(/restore the backup of step 1/);
    expect(p.rollback.length).toBeGreaterThanOrEqual(4);
    expect(renderUpdateMarkdown(p, { from: 'a', to: 'b' })).toMatch(/## Rollback\n\n1\. .*\n2\. /);
  });

  it.each([
    ['12.07.100', '12.07.110'],
    ['12.07.110', '12.07.100'],
  ])('within one major.minor (%s -> %s): install the deployed version again, restore only if the data changed', (from, to) => {
    const p = plan(from, to);
    expect(p.rollback[0]).toContain(`install ${from} again`);
    expect(p.rollback.join(' ')).not.toContain('separate HA network');
  });

  it('the backup step says what the backup is for in this change', () => {
    const across = plan('12.06.100', '12.07.100').steps[0]!;
    expect(across.details.join(' ')).toMatch(/only way back/);
    const within = plan('12.07.100', '12.07.110').steps[0]!;
    expect(within.details.join(' ')).not.toMatch(/only way back/);
    expect(within.details.join(' ')).toMatch(/12\.07\.100 can be installed again/);
    const grow = planUpdate(t(separate), t({ devices: 120000, servers: 4, nodes: nodes(4, 2) }), 'short-downtime');
    expect(grow.kind).toBe('topology-change');
    const backup = grow.steps[0]!;
    expect(backup.details.join(' ')).not.toMatch(/only way back/);
    expect(backup.details.join(' ')).toMatch(/schema does not change/);
  });

  it('backups include what IGEL names beside the database: ums_filetransfer and the OS 12 app proxy files', () => {
    const step = plan('12.06.100', '12.07.100').steps[0]!;
    expect(step.details.join(' ')).toContain('/opt/IGEL/RemoteManager/rmguiserver/webapps/ums_filetransfer');
    expect(step.details.join(' ')).toContain('/opt/IGEL/RemoteManager/rmguiserver/persistent/ums-appproxy');
    expect(step.hosts).toEqual(['test-site-ums1', 'test-site-ums2']);
  });
});

describe('update runbook: time, Health Check and load balancer details of the seeds', () => {
  const v = (spec: Record<string, unknown>) => [t({ ...spec, umsVersion: '12.06.100' }), t({ ...spec, umsVersion: '12.07.100' })] as const;

  it('the time check covers every HA component, load balancers too (seed 004 Health Check: time skew between components)', () => {
    const step = planUpdate(...v(separate), 'short-downtime').steps.find((s) => s.phase === 'prepare' && /time/.test(s.title))!;
    expect(step.hosts).toEqual(['test-site-ums1', 'test-site-ums2', 'test-site-ums3', 'test-site-lb1', 'test-site-lb2']);
  });

  it('a manual time reset is followed by a restart of the HA services of that host (seed 000)', () => {
    const step = planUpdate(...v(separate), 'short-downtime').steps.find((s) => s.phase === 'prepare' && /time/.test(s.title))!;
    const text = step.details.join('\n');
    expect(text).toContain('test-site-ums1, test-site-ums2, test-site-ums3: sudo systemctl restart igel-ums-watchdog igel-ums-server');
    expect(text).toContain('test-site-lb1, test-site-lb2: sudo systemctl restart igel-ums-watchdog igel-ums-broker');
  });

  it('separate layout: the Health Check does not expect Port 30002 on servers', () => {
    const hc = planUpdate(...v(separate), 'short-downtime').steps.find((s) => s.title === 'Run the UMS HA Health Check')!;
    const text = hc.details.join(' ');
    expect(text).not.toMatch(/Port 30002 and Certificates pass/);
    expect(text).toMatch(/Port 30002: .* not expected to pass/);
    expect(hc.check).not.toBe('no failed check');
    const co = planUpdate(...v({}), 'short-downtime').steps.find((s) => s.title === 'Run the UMS HA Health Check')!;
    expect(co.details.join(' ')).toMatch(/Port 30001, Port 30002 and Certificates pass/);
  });

  it.each([
    ['separate', separate, 'Update the separate UMS Load Balancers'],
    ['co-located', {}, 'Update test-site-ums1'],
  ])('%s: the load balancer update points to "Load Balancer Is Not Stopping" (seed 000)', (_n, spec, title) => {
    const step = planUpdate(...v(spec), 'short-downtime').steps.find((s) => s.title === title)!;
    expect(step.details.join(' ')).toContain('Load Balancer Is Not Stopping during the Update of the HA Installation');
  });
});
