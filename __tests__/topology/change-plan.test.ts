/**
 * Topology changes in `ums-ha plan-update` (core/reports/change-plan.ts): each change says how it
 * reaches the hosts, and the printed host commands, run against the files v1's synthesis put on a
 * host, give byte for byte what a fresh synthesis of v2 renders. The firewall commands run in a
 * network namespace this test creates (real nft); chrony's file is rendered by cloud-init's own
 * template code for v1 and for v2.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FIREWALL_PATH } from '../../core/configs/nftables';
import { CHRONY_CONF, NETPLAN_CONF, planTopologyChanges } from '../../core/reports/change-plan';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { planUpdate, renderUpdateMarkdown, type RunbookStep } from '../../core/reports/update';
import { validateValue } from '../../core/reader/validate';
import { tempDir } from '../helpers/cli';
import { decode, synthStack } from '../helpers/synth';
import { isRoot, requireTools } from '../helpers/system';
import { awsTopology, nodes, topology } from '../helpers/topology';

requireTools('ip', 'nft', 'bash', '/usr/bin/python3');
const dir = tempDir('ums-ha-change-');

const resolved = (doc: UmsHaTopologyDocument) => {
  const r = validateValue(doc);
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return r.topology!;
};
const separate = (spec: Record<string, unknown> = {}, network: Record<string, unknown> = {}) => topology({ devices: 100000, layout: 'separate', servers: 3, ...spec }, network);
const plan = (a: UmsHaTopologyDocument, b: UmsHaTopologyDocument) => planUpdate(resolved(a), resolved(b), 'short-downtime');

/** The files a node boots with, from the synthesized stack (decoded user-data, write_files). */
function nodeFiles(doc: UmsHaTopologyDocument): Map<string, Map<string, string>> {
  const { json } = synthStack({ topology: doc });
  const out = new Map<string, Map<string, string>>();
  for (const [name, vm] of Object.entries(json.resource.vsphere_virtual_machine ?? {})) {
    const cloudConfig = parse(decode(vm as Record<string, unknown>, 'guestinfo.userdata')) as { write_files: Array<{ path: string; content: string }> };
    out.set(name, new Map(cloudConfig.write_files.map((f) => [f.path, f.content])));
  }
  return out;
}

/** A step's commands as a script on a test machine: files under `root`, no sudo (the test runs as root). */
function script(step: RunbookStep, root: string): string {
  return step.commands.map((c) => c.replace(/\bsudo /g, '').split('/etc/').join(`${root}/etc/`)).join('\n');
}

describe('each topology change says how it reaches the hosts', () => {
  // A setting the running hosts took once is never a silent "nothing to do".
  it.each<[string, (d: Record<string, any>) => void, string]>([
    ['database.host', (d) => (d.spec.database.host = 'db2.example.internal'), 'by-hand'],
    ['database.name', (d) => (d.spec.database.name = 'rmdb2'), 'by-hand'],
    ['database.user', (d) => (d.spec.database.user = 'ums2'), 'by-hand'],
    ['database.passwordVariable', (d) => (d.spec.database.passwordVariable = 'UMS_DB_PASSWORD_2'), 'deploy'],
    ['placement', (d) => (d.spec.vsphere.datastore = 'ds-2'), 'deploy'],
    ['network.portGroup', (d) => (d.spec.network.portGroup = 'pg-2'), 'deploy'],
    ['networkToken.variable', (d) => (d.spec.networkToken.variable = 'TOKEN_2'), 'deploy'],
    ['installer', (d) => (d.spec.installer.sha256 = 'f'.repeat(64)), 'deploy'],
    ['firmware.syncViaWebdav', (d) => (d.spec.firmware = { ...(d.spec.firmware ?? {}), syncViaWebdav: false }), 'by-hand'],
  ])('%s: listed with how it reaches the hosts', (what, change, reaches) => {
    const v1 = topology();
    const v2 = JSON.parse(JSON.stringify(v1));
    change(v2);
    const p = plan(v1, v2);
    expect(p.kind).not.toBe('no-change');
    expect(p.changes.filter((c) => c.kind === 'setting').map((c) => [c.what.split(' ')[0], c.reaches])).toContainEqual([what.split(' ')[0], reaches]);
  });

  it('growing within the address slots needs no step on a running host: only the deploy', () => {
    const p = plan(separate(), separate({ servers: 4, loadBalancers: 3, devices: 150000 }));
    expect(p.kind).toBe('topology-change');
    expect(p.changes.map((c) => [c.kind, c.reaches])).toEqual([
      ['node-added', 'deploy'],
      ['node-added', 'deploy'],
    ]);
    expect(p.changes[0]!.how).toContain('already admit its address slot');
    // The joining hosts' token is read from a running server (seed 002); nothing changes on one.
    expect(p.steps.filter((s) => s.phase === 'topology').map((s) => s.title)).toEqual(['Get the current IGEL network token', 'Deploy the proposed topology']);
  });

  it('a node added outside the slots: the running hosts load the proposed firewall first', () => {
    const list = nodes(3, 2);
    const p = plan(separate({ nodes: list }), separate({ servers: 4, devices: 150000, loadBalancers: 3, nodes: [...list, { name: 'ums4', roles: ['server'], ip: '10.20.0.90' }, { name: 'lb3', roles: ['loadBalancer'] }] }));
    const firewall = p.changes.find((c) => c.kind === 'firewall')!;
    expect(firewall.reaches).toBe('host-step');
    expect(firewall.what).toContain('new nodes outside the address slots (ums4 10.20.0.90)');
    const titles = p.steps.map((s) => s.title);
    expect(titles.filter((x) => x.startsWith('Load the proposed firewall on')).length).toBe(5);
    expect(titles.indexOf('Load the proposed firewall on test-site-lb2')).toBeLessThan(titles.indexOf('Deploy the proposed topology'));
    expect(p.changes.find((c) => c.what.startsWith('test-site-ums4'))!.how).toContain('after the firewall step');
  });

  it('a resize targets the platform\'s own resource (aws_instance on AWS), and the disk is found by its link and label', () => {
    const p = plan(awsTopology(), awsTopology({ resources: { server: { cpus: 8, memoryGb: 16, diskGb: 80 } } }));
    const step = p.steps.find((s) => s.title.startsWith('Resize '))!;
    expect(step.commands).toContain('terraform -chdir=cdktf.out/stacks/test-site apply -target=aws_instance.ums1');
    expect(step.commands.join('\n')).not.toMatch(/vsphere_virtual_machine|\/dev\/sd/);
  });

  it('resized VMs: one targeted apply per host, before the deploy; a smaller disk is a rebuild', () => {
    const bigger = separate({ resources: { server: { cpus: 8, memoryGb: 16, diskGb: 80 } } });
    const p = plan(separate(), bigger);
    expect(p.changes.map((c) => [c.kind, c.reaches])).toEqual([
      ['resized', 'deploy'],
      ['resized', 'deploy'],
      ['resized', 'deploy'],
    ]);
    const step = p.steps.find((s) => s.title === 'Resize test-site-ums2')!;
    expect(step.commands).toEqual([
      'sudo systemctl stop igel-ums-server igel-ums-watchdog',
      "UMS_TOPOLOGY_DIR='topologies' npx cdktf synth",
      'terraform -chdir=cdktf.out/stacks/test-site init',
      'terraform -chdir=cdktf.out/stacks/test-site apply -target=vsphere_virtual_machine.ums2',
      'sudo growpart "$(readlink -f /dev/ums-data)" 1',
      'sudo resize2fs "$(sudo blkid -L ums-data)"',
      'sudo systemctl start igel-ums-watchdog igel-ums-server',
    ]);
    const smaller = plan(bigger, separate({ resources: { server: { cpus: 8, memoryGb: 16, diskGb: 70 } } }));
    expect(smaller.changes.every((c) => c.reaches === 'rebuild')).toBe(true);
    expect(smaller.steps.some((s) => s.title.startsWith('Resize'))).toBe(false);
  });

  it("a resize synthesizes the proposed file's folder, as the deploy step does (UMS_TOPOLOGY_DIR)", () => {
    const bigger = separate({ resources: { server: { cpus: 8, memoryGb: 16, diskGb: 80 } } });
    const p = planUpdate(resolved(separate()), resolved(bigger), 'short-downtime', undefined, { files: { from: '/srv/deployed/test-site.yaml', to: '/srv/proposed sites/test-site.yaml' } });
    const step = p.steps.find((s) => s.title === 'Resize test-site-ums2')!;
    expect(step.commands).toContain("UMS_TOPOLOGY_DIR='/srv/proposed sites' npx cdktf synth");
    expect(p.steps.flatMap((s) => s.commands ?? []).filter((c) => c.includes('npx cdktf ') && !c.includes('UMS_TOPOLOGY_DIR='))).toEqual([]);
  });

  it('NTP, DNS and gateway changes are steps on every running host, with the HA services restarted after a time change', () => {
    const p = plan(separate(), separate({}, { ntpServers: ['10.20.0.9', 'ntp.example.internal'], dns: ['10.20.0.8'], gateway: '10.20.0.2' }));
    expect(p.changes.map((c) => [c.kind, c.reaches])).toEqual([
      ['ntp', 'host-step'],
      ['dns', 'host-step'],
      ['gateway', 'host-step'],
    ]);
    const ntp = p.steps.filter((s) => s.title.includes('to the new time sources'));
    expect(ntp.map((s) => s.hosts)).toEqual([
      ['test-site-ums1', 'test-site-ums2', 'test-site-ums3'],
      ['test-site-lb1', 'test-site-lb2'],
    ]);
    expect(ntp[0]!.commands.slice(-2)).toEqual(['sudo systemctl restart igel-ums-watchdog igel-ums-server', 'sudo ums-ha-preflight --only=clock']);
    expect(ntp[1]!.commands).toContain('sudo systemctl restart igel-ums-watchdog igel-ums-broker');
    const md = renderUpdateMarkdown(p, { from: 'a.yaml', to: 'b.yaml' });
    expect(md).toContain('| NTP servers 10.20.0.10 -> 10.20.0.9, ntp.example.internal | a step on the hosts |');
  });

  it('a moved address or subnet is refused (UMS-UPD-006), not planned', () => {
    expect(plan(separate(), separate({}, { firstAddress: '10.20.0.100' })).kind).toBe('refused');
  });

  it('no change gives no steps', () => {
    expect(planTopologyChanges(resolved(separate()), resolved(separate())).changes).toEqual([]);
  });
});

describe('the printed host commands give what a fresh synthesis of v2 renders', () => {
  const v1 = separate({}, { deviceCidrs: ['10.30.0.0/16'], adminCidrs: ['10.40.0.0/24'] });
  const v2 = separate({}, { deviceCidrs: ['10.30.0.0/16', '172.16.0.0/12'], adminCidrs: ['10.41.0.0/24'] });

  it('a device and admin CIDR change: every host runs its step on v1 files and has v2 ruleset byte for byte, loaded in nft', () => {
    if (!isRoot()) throw new Error('the firewall step test needs root (CI runs as root)');
    const p = plan(v1, v2);
    expect(p.changes.map((c) => c.kind)).toEqual(['firewall']);
    const before = nodeFiles(v1);
    const after = nodeFiles(v2);
    const steps = p.steps.filter((s) => s.title.startsWith('Load the proposed firewall on'));
    expect(steps).toHaveLength(5);
    const ns = `umscp${process.pid % 100000}`;
    try {
      for (const step of steps) {
        const name = (step.hosts[0] as string).replace('test-site-', '');
        const root = path.join(dir, name);
        fs.mkdirSync(path.join(root, 'etc/ums-ha'), { recursive: true });
        const v1File = before.get(name)!.get(FIREWALL_PATH)!;
        const v2File = after.get(name)!.get(FIREWALL_PATH)!;
        expect(v1File).not.toBe(v2File);
        fs.writeFileSync(path.join(root, FIREWALL_PATH), v1File, { mode: 0o600 });
        // The running host: v1's ruleset loaded, as at first boot.
        for (const n of [ns, `${ns}-fresh`]) {
          spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
          expect(spawnSync('ip', ['netns', 'add', n]).status).toBe(0);
        }
        expect(spawnSync('ip', ['netns', 'exec', ns, 'nft', '-f', path.join(root, FIREWALL_PATH)]).status).toBe(0);
        const run = spawnSync('ip', ['netns', 'exec', ns, 'bash', '-euo', 'pipefail', '-c', script(step, root)], { encoding: 'utf8', timeout: 20000 });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        // The file: byte for byte v2's.
        expect(fs.readFileSync(path.join(root, FIREWALL_PATH), 'utf8')).toBe(v2File);
        expect((fs.statSync(path.join(root, FIREWALL_PATH)).mode & 0o777).toString(8)).toBe('600');
        // The live ruleset: the same as a host that booted with v2.
        fs.writeFileSync(path.join(dir, `${name}.fresh.nft`), v2File);
        expect(spawnSync('ip', ['netns', 'exec', `${ns}-fresh`, 'nft', '-f', path.join(dir, `${name}.fresh.nft`)]).status).toBe(0);
        const list = (n: string) => spawnSync('ip', ['netns', 'exec', n, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).stdout;
        expect(list(ns)).toContain('172.16.0.0/12');
        expect(list(ns)).toBe(list(`${ns}-fresh`));
      }
    } finally {
      for (const n of [ns, `${ns}-fresh`]) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    }
  });

  it("an NTP change: the sed step turns cloud-init's chrony.conf for v1 into the one for v2", () => {
    const servers1 = ['10.20.0.10'];
    const servers2 = ['10.20.0.9', 'ntp.example.internal', '10.20.0.7'];
    const render = (servers: string[]) => {
      const py = `import json, sys\nfrom cloudinit import templater\nt = open('/etc/cloud/templates/chrony.conf.ubuntu.tmpl').read()\nsys.stdout.write(templater.render_string(t, {'servers': json.loads(sys.argv[1]), 'pools': []}))`;
      const r = spawnSync('/usr/bin/python3', ['-c', py, JSON.stringify(servers)], { encoding: 'utf8', cwd: '/' });
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const p = plan(separate({}, { ntpServers: servers1 }), separate({}, { ntpServers: servers2 }));
    const step = p.steps.find((s) => s.title.includes('to the new time sources'))!;
    const root = path.join(dir, 'ntp');
    fs.mkdirSync(path.join(root, 'etc/chrony'), { recursive: true });
    fs.writeFileSync(path.join(root, CHRONY_CONF), render(servers1));
    const edit = { ...step, commands: step.commands.filter((c) => c.includes(CHRONY_CONF)) };
    expect(edit.commands).toHaveLength(1);
    expect(spawnSync('bash', ['-euc', script(edit, root)]).status).toBe(0);
    expect(fs.readFileSync(path.join(root, CHRONY_CONF), 'utf8')).toBe(render(servers2));
  });

  it('a DNS and gateway change: the netplan edit gives the network configuration v2 boots with', () => {
    const net2 = { dns: ['10.20.0.8', '10.20.0.7'], gateway: '10.20.0.2' };
    const p = plan(separate(), separate({}, net2));
    const step = p.steps.find((s) => s.title === 'Set the resolvers and the gateway of the HA network interface')!;
    const meta = (doc: UmsHaTopologyDocument) => {
      const { json } = synthStack({ topology: doc });
      return JSON.parse(decode(json.resource.vsphere_virtual_machine!.ums1 as Record<string, unknown>, 'guestinfo.metadata')).network;
    };
    const root = path.join(dir, 'dns');
    fs.mkdirSync(path.join(root, 'etc/netplan'), { recursive: true });
    fs.writeFileSync(path.join(root, NETPLAN_CONF), JSON.stringify({ network: meta(separate()) }));
    const edit = { ...step, commands: step.commands.filter((c) => c.includes(NETPLAN_CONF)).map((c) => c.replace('python3', '/usr/bin/python3')) };
    const r = spawnSync('bash', ['-euc', script(edit, root)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(parse(fs.readFileSync(path.join(root, NETPLAN_CONF), 'utf8'))).toEqual({ network: meta(separate({}, net2)) });
  });
});

describe('docs/changing-a-site.md', () => {
  const root = path.resolve(__dirname, '../..');
  const page = fs.readFileSync(path.join(root, 'docs/changing-a-site.md'), 'utf8');
  it('is linked from the README and covers grow, shrink, resize and version update', () => {
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('(docs/changing-a-site.md)');
    for (const h of ['## Grow', '## Shrink', '## Resize', '## Version update']) expect(page).toContain(h);
  });
  it('shows the commands plan-update prints (resize, drain)', () => {
    const p = plan(separate(), separate({ resources: { server: { cpus: 8, memoryGb: 16, diskGb: 80 } } }));
    const resize = p.steps.find((s) => s.title === 'Resize test-site-ums1')!;
    const generic = (c: string) => c.replace('test-site', '<name>').replace('vsphere_virtual_machine.ums1', 'vsphere_virtual_machine.<node>');
    for (const c of resize.commands.map(generic)) expect(page).toContain(c);
    const shrink = plan(separate({ servers: 4, devices: 150000, loadBalancers: 3 }), separate({ loadBalancers: 3 }));
    for (const s of shrink.steps.filter((x) => x.title.startsWith('Drain and stop'))) for (const c of s.commands) expect(page).toContain(c);
  });
});
