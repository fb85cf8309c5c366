/**
 * The HA NIC's network config through cloud-init's own renderers: the exact `network` of every
 * vSphere node's guestinfo.metadata in the synthesized cdk.tf.json is rendered with
 * `cloud-init devel net-convert` to ENI (ifupdown: Debian's default), netplan (Ubuntu's) and
 * networkd, as the distro of the template would, and cloud-init's own rename step
 * (`extract_physdevs`, which decides what init-local renames before anything is rendered) is asked
 * which NIC it renames. Each must give the node's address, the default route via the gateway and
 * the interface `ha0`, on the first boot, without an error.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { decodeGuestinfo, haNetworkConfig } from '../../bootstrap/cloud-init';
import { staticMac } from '../../platforms/vsphere/mac';
import { resolveTopology } from '../../core/model/resolve';
import { synthesize } from '../../main';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';
import { topology } from '../helpers/topology';

requireTools('cloud-init');

const dir = tempDir('ums-ha-netcfg-');
const outdir = path.join(dir, 'cdktf.out');
const result = synthesize({ topologyDir: path.join(repoRoot, 'topologies'), outdir, log: () => {} });

interface Nic {
  stack: string;
  node: string;
  ip: string;
  prefix: string;
  gateway: string;
  dns: string[];
  mac: string;
  file: string;
}

const nics: Nic[] = result.stacks.flatMap((stack): Nic[] => {
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const vms = (json.resource.vsphere_virtual_machine ?? {}) as Record<string, { extra_config: Record<string, string>; network_interface: Array<{ mac_address: string }> }>;
  return Object.entries(vms).map(([node, vm]) => {
    const metadata = JSON.parse(decodeGuestinfo(vm.extra_config['guestinfo.metadata'] as string, vm.extra_config['guestinfo.metadata.encoding'] as string));
    const file = path.join(dir, `${stack}-${node}.network.json`);
    // Exactly the network key of the metadata, as the VMware datasource hands it to the renderer.
    fs.writeFileSync(file, JSON.stringify({ network: metadata.network }));
    const ha0 = metadata.network.ethernets.ha0;
    const [ip, prefix] = (ha0.addresses[0] as string).split('/') as [string, string];
    return { stack, node, ip, prefix, gateway: ha0.gateway4, dns: ha0.nameservers.addresses, mac: vm.network_interface[0]!.mac_address, file };
  });
});

/** The Python that runs cloud-init (its shebang), so its own modules answer. */
const cloudInitPython = (() => {
  const bin = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).stdout.trim();
  return fs.readFileSync(bin, 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').split(/\s+/)[0]!;
})();

/** Renders a network config file with cloud-init's renderer for `distro` and `kind`; the NIC is found as ens192 with `mac`. */
function render(file: string, distro: string, kind: string, mac: string) {
  const out = path.join(dir, `${path.basename(file)}-${distro}-${kind}`);
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync('cloud-init', ['devel', 'net-convert', '-p', file, '-k', 'yaml', '-d', out, '-D', distro, '-O', kind, '-m', `ens192,${mac}`], { encoding: 'utf8', timeout: 60_000 });
  const read = (rel: string) => (fs.existsSync(path.join(out, rel)) ? fs.readFileSync(path.join(out, rel), 'utf8') : '');
  return { code: r.status, output: `${r.stdout}${r.stderr}`, read };
}

/** Every node as Debian renders it; netplan as Ubuntu renders it too (its default renderer). */
const cases = nics.map((n) => [`${n.stack}/${n.node} on debian`, n, 'debian'] as const);
const netplanCases = [...cases, ...nics.map((n) => [`${n.stack}/${n.node} on ubuntu`, n, 'ubuntu'] as const)];

describe('the HA NIC through cloud-init’s renderers (net-convert)', () => {
  it('covers every vSphere node of the shipped examples', () => {
    expect(result.code).toBe(0);
    expect(nics.length).toBeGreaterThanOrEqual(5);
    for (const n of nics) expect(n.mac).toBe(staticMac(n.ip));
  });

  it.each(cases)('%s: ENI (ifupdown) brings up ha0 with its address and default route', (_name, n, distro) => {
    const r = render(n.file, distro, 'eni', n.mac);
    expect(r.output).not.toMatch(/Traceback|ERROR|not a valid/);
    expect(r.code).toBe(0);
    const eni = r.read('etc/network/interfaces.d/50-cloud-init');
    // ifupdown brings up what `auto` names: the name the NIC has after the rename.
    expect(eni).toMatch(/^auto ha0$/m);
    const stanza = eni.slice(eni.indexOf('iface ha0 inet static'));
    expect(stanza).toMatch(new RegExp(`^iface ha0 inet static\\n\\s+address ${n.ip.replace(/\./g, '\\.')}/${n.prefix}\\n`));
    // `gateway` is ifupdown's own default route (ip route); no `post-up route add`, which needs net-tools.
    expect(stanza).toMatch(new RegExp(`^\\s+gateway ${n.gateway.replace(/\./g, '\\.')}$`, 'm'));
    expect(eni).not.toMatch(/route add|post-up/);
    expect(stanza).toMatch(new RegExp(`^\\s+dns-nameservers ${n.dns.join(' ').replace(/\./g, '\\.')}$`, 'm'));
    // The rename by MAC, for the boots after the first (cloud-init renames on the first itself).
    expect(r.read('etc/udev/rules.d/70-persistent-net.rules')).toContain(`ATTR{address}=="${n.mac}", NAME="ha0"`);
  });

  it.each(netplanCases)('%s: netplan matches the NIC by MAC, names it ha0, with address and gateway', (_name, n, distro) => {
    const r = render(n.file, distro, 'netplan', n.mac);
    expect(r.output).not.toMatch(/Traceback|ERROR|not a valid/);
    expect(r.code).toBe(0);
    const plan = parse(r.read('etc/netplan/50-cloud-init.yaml')) as { network: { ethernets: Record<string, Record<string, unknown>> } };
    expect(Object.keys(plan.network.ethernets)).toEqual(['ha0']);
    expect(plan.network.ethernets.ha0).toMatchObject({ match: { macaddress: n.mac }, 'set-name': 'ha0', addresses: [`${n.ip}/${n.prefix}`], gateway4: n.gateway, nameservers: { addresses: n.dns } });
  });

  it.each(cases)('%s: networkd matches the NIC by MAC and name ha0, with address and gateway', (_name, n, distro) => {
    const r = render(n.file, distro, 'networkd', n.mac);
    expect(r.output).not.toMatch(/Traceback|ERROR|not a valid/);
    expect(r.code).toBe(0);
    const unit = r.read('etc/systemd/network/10-cloud-init-ha0.network');
    expect(unit).toContain(`MACAddress=${n.mac}`);
    expect(unit).toMatch(/^Name=ha0$/m);
    expect(unit).toContain(`Address=${n.ip}/${n.prefix}`);
    expect(unit).toMatch(new RegExp(`\\[Route\\]\\nGateway=${n.gateway.replace(/\./g, '\\.')}\\n`));
  });

  it('cloud-init renames the NIC on the first boot: its rename step finds the MAC and the name ha0', () => {
    const script = ['import json, sys', 'from cloudinit import net', 'for f in sys.argv[1:]:', '    print(json.dumps([d[:2] for d in net.extract_physdevs(json.load(open(f))["network"])]))'].join('\n');
    const r = spawnSync(cloudInitPython, ['-c', script, ...nics.map((n) => n.file)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(nics.map((n) => [[n.mac, 'ha0']]));
  });

  it('refuses a network too wide for unique static MACs, with a clear message', () => {
    const t = resolveTopology(topology({}, { cidr: '10.0.0.0/8', gateway: '10.0.0.1', dns: ['10.0.0.2'], ntpServers: ['10.0.0.2'], firstAddress: '10.0.0.20' }));
    expect(() => haNetworkConfig(t, t.nodes[0]!)).toThrow('network.cidr 10.0.0.0/8 is wider than /10: the static MACs of its nodes');
  });
});
