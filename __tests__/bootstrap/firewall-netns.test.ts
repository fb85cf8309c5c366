/**
 * The generated host firewalls, loaded by nft into network namespaces this test builds: two
 * servers, a load balancer, a device, an admin host and an outsider on one bridge. Every probe
 * (TCP, UDP unicast, UDP broadcast to the VLAN) must pass exactly when the firewall matrix says
 * so. Traffic stays inside the namespaces; every probe is bounded in time; the namespaces are
 * removed afterwards, also when a test fails. Needs root, iproute2 and nftables (.ci/run).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_SCRIPTS } from '../../bootstrap/generated/scripts';
import { renderNodeEnv } from '../../bootstrap/node-env';
import { renderFirewall } from '../../core/configs/nftables';
import { inboundRows } from '../../core/network/matrix';
import type { ResolvedNode, ResolvedTopology } from '../../core/model/model';
import { resolveTopology } from '../../core/model/resolve';
import { toInt, parseSubnet, contains } from '../../core/model/ipv4';
import { repoRoot, tempDir } from '../helpers/cli';
import { netnsLan, sh } from '../helpers/netns';
import { isRoot, requireTools } from '../helpers/system';
import { topology } from '../helpers/topology';

requireTools('ip', 'nft', 'bash', 'timeout');
if (!isRoot()) throw new Error('the firewall namespace test needs root (CI runs as root)');

const fixtures = path.join(repoRoot, '__tests__', 'fixtures');
const dir = tempDir('ums-ha-netns-');
const prefix = `umsfw${process.pid % 100000}`;
const BROADCAST = '10.77.0.255';

const hosts = {
  ums1: '10.77.0.11',
  ums2: '10.77.0.12',
  lb1: '10.77.0.21',
  dev: '10.77.0.50',
  adm: '10.77.0.70',
  out: '10.77.0.99',
} as const;
type Host = keyof typeof hosts;
const HA: Host[] = ['ums1', 'ums2', 'lb1'];
const TCP_PORTS = [22, 443, 6155, 8443, 30001, 30002, 30005, 61616];
const UDP_PORTS = [6155, 8443, 30005, 61616];

const t: ResolvedTopology = resolveTopology(
  topology(
    {
      devices: 60000,
      layout: 'separate',
      nodes: [
        { name: 'ums1', roles: ['server'], ip: hosts.ums1 },
        { name: 'ums2', roles: ['server'], ip: hosts.ums2 },
        { name: 'lb1', roles: ['loadBalancer'], ip: hosts.lb1 },
        { name: 'lb2', roles: ['loadBalancer'], ip: '10.77.0.22' },
      ],
    },
    { cidr: '10.77.0.0/24', gateway: '10.77.0.1', dns: ['10.77.0.2'], ntpServers: ['10.77.0.2'], firstAddress: '10.77.0.30', deviceCidrs: ['10.77.0.48/28'], adminCidrs: ['10.77.0.64/28'] },
  ),
);

const lan = netnsLan<Host>(prefix, hosts);
const ns = lan.ns;
const teardown = lan.teardown;
const startListener = async (h: Host, tcp: number[], udp: number[]) => {
  const log = path.join(dir, `${h}.udp.log`);
  fs.writeFileSync(log, '');
  await lan.start(h, `listener-${h}`, [process.execPath, path.join(fixtures, 'netns-listener.js'), log, tcp.join(','), udp.join(',')], 'ready');
};

beforeAll(async () => {
  lan.up();
  for (const h of HA) {
    const node = t.nodes.find((n) => n.name === h) as ResolvedNode;
    const file = path.join(dir, `${h}.nft`);
    fs.writeFileSync(file, renderFirewall(t, node));
    lan.loadFirewall(h, file);
    await startListener(h, TCP_PORTS, UDP_PORTS);
  }
  // The OS 11 device listens on 30005 (the UMS Server talks to it).
  await startListener('dev', [30005], [30005]);
}, 60000);

afterAll(teardown);

/** What the firewall matrix says about a flow to an HA host. */
function allowed(src: Host, dst: Host, proto: 'tcp' | 'udp', port: number, broadcast: boolean): boolean {
  const node = t.nodes.find((n) => n.name === dst) as ResolvedNode;
  const srcAddress = toInt(hosts[src]) as number;
  return inboundRows(t, node).some((row) => {
    if (row.protocol !== proto || row.port !== port || row.broadcast !== broadcast) return false;
    return row.from.some((party) => {
      if (party === 'server' || party === 'loadBalancer') return t.nodes.some((n) => n.roles.includes(party) && n.ip === hosts[src]);
      const cidrs = party === 'devices' ? t.network.deviceCidrs : party === 'admins' ? t.network.adminCidrs : [];
      return cidrs.some((c) => contains(parseSubnet(c)!, srcAddress));
    });
  });
}

interface ProbeResult {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
  id: string;
  result: string;
}

function probe(src: Host, probes: Array<Omit<ProbeResult, 'result'>>): ProbeResult[] {
  const out = sh('ip', 'netns', 'exec', ns(src), process.execPath, path.join(fixtures, 'netns-prober.js'), JSON.stringify(probes));
  return JSON.parse(out) as ProbeResult[];
}

describe('host firewalls in network namespaces', () => {
  it('the rulesets are loaded in each HA host (control: the outsider has none)', () => {
    for (const h of HA) expect(sh('ip', 'netns', 'exec', ns(h), 'nft', 'list', 'table', 'inet', 'ums_ha')).toContain('policy drop');
    expect(spawnSync('ip', ['netns', 'exec', ns('out'), 'nft', 'list', 'table', 'inet', 'ums_ha']).status).not.toBe(0);
  });

  it('TCP: every port of every HA host opens exactly for the sources of its matrix rows', () => {
    const mismatches: string[] = [];
    let opened = 0;
    for (const src of Object.keys(hosts) as Host[]) {
      const probes = HA.filter((d) => d !== src).flatMap((dst) => TCP_PORTS.map((port) => ({ proto: 'tcp' as const, host: hosts[dst], port, id: `${src}>${dst}:${port}` })));
      for (const r of probe(src, probes)) {
        const dst = r.id.split('>')[1]!.split(':')[0] as Host;
        const expected = allowed(src, dst, 'tcp', r.port, false) ? 'open' : 'timeout';
        if (expected === 'open') opened++;
        if (r.result !== expected) mismatches.push(`${r.id}/tcp: ${r.result}, expected ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(opened).toBeGreaterThan(10);
  });

  it('UDP unicast: no HA port takes unicast UDP (30005 is the device\'s port, not the servers\')', async () => {
    const sent: Array<{ id: string; dst: Host; expected: boolean }> = [];
    for (const src of Object.keys(hosts) as Host[]) {
      const probes = HA.filter((d) => d !== src).flatMap((dst) => UDP_PORTS.map((port) => ({ proto: 'udp' as const, host: hosts[dst], port, id: `u-${src}>${dst}:${port}` })));
      for (const r of probe(src, probes)) {
        expect(r.result).toBe('sent');
        const dst = r.id.split('>')[1]!.split(':')[0] as Host;
        sent.push({ id: r.id, dst, expected: allowed(src, dst, 'udp', r.port, false) });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received = new Set(HA.flatMap((h) => fs.readFileSync(path.join(dir, `${h}.udp.log`), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id)));
    const mismatches = sent.filter((s) => received.has(s.id) !== s.expected).map((s) => `${s.id}: ${received.has(s.id) ? 'arrived' : 'dropped'}, expected ${s.expected ? 'arrived' : 'dropped'}`);
    expect(mismatches).toEqual([]);
    expect(sent.filter((s) => s.expected).map((s) => s.id)).toEqual([]);
    expect(sent.filter((s) => s.id.startsWith('u-dev>') && s.id.endsWith(':30005')).length).toBe(3);
  });

  it('30005: the servers reach the OS 11 device (TCP and UDP) through their own firewall; the device cannot open 30005 on them', async () => {
    for (const src of ['ums1', 'ums2'] as const) {
      const r = probe(src, [
        { proto: 'tcp', host: hosts.dev, port: 30005, id: `${src}>dev:30005` },
        { proto: 'udp', host: hosts.dev, port: 30005, id: `u-${src}>dev:30005` },
      ]);
      expect(r.map((x) => x.result)).toEqual(['open', 'sent']);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const got = fs.readFileSync(path.join(dir, 'dev.udp.log'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(got.sort()).toEqual(['u-ums1>dev:30005', 'u-ums2>dev:30005']);
    const back = probe('dev', [{ proto: 'tcp', host: hosts.ums1, port: 30005, id: 'dev>ums1:30005' }]);
    expect(back[0]!.result).toBe('timeout');
    expect(renderFirewall(t, t.nodes[0]!)).toMatch(/# outbound, not opened inbound: os11-30005-tcp tcp 30005 to devices/);
  });

  it('UDP broadcast on 6155 and 61616 reaches every other HA host from HA hosts only', async () => {
    const sent: Array<{ id: string; src: Host }> = [];
    for (const src of Object.keys(hosts) as Host[]) {
      const probes = [6155, 61616, 30005].map((port) => ({ proto: 'udp' as const, host: BROADCAST, port, id: `b-${src}:${port}` }));
      for (const r of probe(src, probes)) {
        expect(r.result).toBe('sent');
        sent.push({ id: r.id, src });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const mismatches: string[] = [];
    for (const dst of HA) {
      const received = new Set(fs.readFileSync(path.join(dir, `${dst}.udp.log`), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));
      for (const s of sent) {
        if (s.src === dst) continue;
        const port = Number(s.id.split(':')[1]);
        const expected = allowed(s.src, dst, 'udp', port, true);
        if (received.has(s.id) !== expected) mismatches.push(`${s.id} at ${dst}: ${received.has(s.id) ? 'arrived' : 'dropped'}, expected ${expected ? 'arrived' : 'dropped'}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The discovery broadcasts of the servers and the load balancer reach each other.
    expect(allowed('ums1', 'lb1', 'udp', 6155, true) && allowed('lb1', 'ums2', 'udp', 61616, true)).toBe(true);
  });

  it('ums-ha-preflight tells open, refused (allowed, nothing listening) and filtered (dropped) apart', () => {
    const ums1 = t.nodes.find((x) => x.name === 'ums1') as ResolvedNode;
    const conf = path.join(dir, 'preflight.env');
    const script = path.join(dir, 'ums-ha-preflight');
    fs.writeFileSync(script, NODE_SCRIPTS['ums-ha-preflight.sh'], { mode: 0o755 });
    const run = (checks: string) => {
      fs.writeFileSync(conf, `${renderNodeEnv(t, ums1)}UMS_HA_PEER_CHECKS='${checks}'\n`);
      const r = spawnSync('ip', ['netns', 'exec', ns('ums1'), 'bash', script, '--only=peers'], { env: { ...process.env, UMS_HA_CONF: conf, UMS_HA_CONNECT_TIMEOUT: '1' }, encoding: 'utf8', timeout: 20000 });
      return { code: r.status, out: r.stdout };
    };
    // lb1 accepts 30001 from servers (Health Check) and its listener answers: open.
    const open = run(`${hosts.lb1}:30001`);
    expect(open.out).toMatch(/peer\s+10\.77\.0\.21:30001\/tcp\s+ok\s+open/);
    expect(open.code).toBe(0);
    // The outsider has no firewall and nothing on port 1: the connection is refused, which passes.
    const refused = run(`${hosts.out}:1`);
    expect(refused.out).toMatch(/reachable, nothing listening yet/);
    expect(refused.code).toBe(0);
    // lb1 drops 8443 from servers (not in the matrix): filtered, and the preflight fails.
    const filtered = run(`${hosts.lb1}:8443`);
    expect(filtered.out).toMatch(/peer\s+10\.77\.0\.21:8443\/tcp\s+FAIL\s+filtered/);
    expect(filtered.code).toBe(1);
  });
});
