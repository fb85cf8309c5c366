/**
 * Over time: v1 is deployed (2 servers, 2 separate load balancers); v2 adds a server and a load
 * balancer. The running v1 hosts keep the ruleset they got at first boot (cloud-init runs once), so
 * that ruleset must already admit the new nodes on every HA flow of the matrix, and must still drop
 * any other address of the VLAN: the gateway, the database host, a machine just past the address
 * slots. The test loads v1's rulesets into an existing server and an existing load balancer, v2's
 * into the new nodes, in network namespaces on one bridge, and probes every flow both ways.
 * Traffic stays inside the namespaces; probes are bounded; the namespaces are removed afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderFirewall } from '../../core/configs/nftables';
import { firewallMatrix, type FirewallRow } from '../../core/network/matrix';
import type { ResolvedNode, ResolvedTopology } from '../../core/model/model';
import { validateValue } from '../../core/reader/validate';
import { repoRoot, tempDir } from '../helpers/cli';
import { netnsLan, sh } from '../helpers/netns';
import { isRoot, requireTools } from '../helpers/system';
import { topology } from '../helpers/topology';

requireTools('ip', 'nft', 'timeout');
if (!isRoot()) throw new Error('the firewall namespace test needs root (CI runs as root)');

const fixtures = path.join(repoRoot, '__tests__', 'fixtures');
const dir = tempDir('ums-ha-growth-');
const prefix = `umsgr${process.pid % 100000}`;
const BROADCAST = '10.78.0.255';
const network = { cidr: '10.78.0.0/24', gateway: '10.78.0.1', dns: ['10.78.0.2'], ntpServers: ['10.78.0.2'], firstAddress: '10.78.0.20', deviceCidrs: ['10.78.0.48/28'], adminCidrs: ['10.78.0.64/28'] };
const database = { engine: 'postgresql', host: '10.78.0.5', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD' };

function resolved(servers: number, loadBalancers: number): ResolvedTopology {
  const r = validateValue(topology({ devices: 100000, layout: 'separate', servers, loadBalancers, database }, network));
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return r.topology!;
}
const v1 = resolved(2, 2);
const v2 = resolved(3, 3);
const node = (t: ResolvedTopology, name: string) => t.nodes.find((n) => n.name === name) as ResolvedNode;

/** Existing hosts run v1's ruleset; the added ones boot with v2's. */
const ha = {
  ums1: { t: v1, node: node(v1, 'ums1') },
  lb1: { t: v1, node: node(v1, 'lb1') },
  ums3: { t: v2, node: node(v2, 'ums3') },
  lb3: { t: v2, node: node(v2, 'lb3') },
} as const;
type HaHost = keyof typeof ha;
/** Machines of the VLAN that are no HA node slot. */
const outsiders = { gateway: network.gateway, database: database.host, dns: '10.78.0.2', pastslots: '10.78.0.29', other: '10.78.0.99' } as const;
type Host = HaHost | keyof typeof outsiders;
const address = (h: Host): string => (h in ha ? (ha[h as HaHost].node.ip as string) : outsiders[h as keyof typeof outsiders]);
const HA = Object.keys(ha) as HaHost[];
const ALL = [...HA, ...(Object.keys(outsiders) as Array<keyof typeof outsiders>)];

/** The HA rows of the matrix (both ends HA roles), as v2 has them: what the grown site needs. */
const haRows = firewallMatrix(v2).filter((r) => r.direction === 'inbound' && r.from.every((p) => p === 'server' || p === 'loadBalancer'));
const TCP_PORTS = [...new Set(haRows.filter((r) => r.protocol === 'tcp').map((r) => r.port))];
const UDP_PORTS = [...new Set(haRows.filter((r) => r.protocol === 'udp').map((r) => r.port))];

const lan = netnsLan<Host>(prefix, Object.fromEntries(ALL.map((h) => [h, address(h)])) as Record<Host, string>);
const ns = lan.ns;
const teardown = lan.teardown;

beforeAll(async () => {
  lan.up();
  for (const h of HA) {
    const file = path.join(dir, `${h}.nft`);
    fs.writeFileSync(file, renderFirewall(ha[h].t, ha[h].node));
    lan.loadFirewall(h, file);
    const log = path.join(dir, `${h}.udp.log`);
    fs.writeFileSync(log, '');
    await lan.start(h, `listener-${h}`, [process.execPath, path.join(fixtures, 'netns-listener.js'), log, TCP_PORTS.join(','), UDP_PORTS.join(',')], 'ready');
  }
}, 60000);

afterAll(teardown);

interface Probe {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
  id: string;
}
function probe(src: Host, probes: Probe[]): Array<Probe & { result: string }> {
  const out = sh('ip', 'netns', 'exec', ns(src), process.execPath, path.join(fixtures, 'netns-prober.js'), JSON.stringify(probes));
  return JSON.parse(out) as Array<Probe & { result: string }>;
}
const has = (h: HaHost, parties: FirewallRow['from']) => ha[h].node.roles.some((r) => parties.includes(r));
const udpLog = (h: HaHost) => new Set(fs.readFileSync(path.join(dir, `${h}.udp.log`), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));

describe('a grown site: v1 firewalls admit the nodes v2 adds (network namespaces)', () => {
  it('the existing hosts run v1 rulesets that were rendered before ums3 and lb3 existed', () => {
    expect(v1.nodes.map((n) => n.name)).toEqual(['ums1', 'ums2', 'lb1', 'lb2']);
    expect(v2.nodes.map((n) => `${n.name} ${n.ip}`)).toEqual(['ums1 10.78.0.20', 'ums2 10.78.0.21', 'ums3 10.78.0.22', 'lb1 10.78.0.26', 'lb2 10.78.0.27', 'lb3 10.78.0.28']);
    for (const h of ['ums1', 'lb1'] as const) expect(sh('ip', 'netns', 'exec', ns(h), 'nft', 'list', 'table', 'inet', 'ums_ha')).toContain('policy drop');
  });

  it('TCP: every HA flow of the matrix between old and new nodes passes, both ways', () => {
    const expected: string[] = [];
    const failures: string[] = [];
    for (const src of HA) {
      const probes: Probe[] = [];
      for (const dst of HA) {
        if (dst === src || ha[src].t === ha[dst].t) continue; // old <-> new only
        for (const row of haRows) {
          if (row.protocol !== 'tcp' || !has(src, row.from) || !has(dst, row.to)) continue;
          probes.push({ proto: 'tcp', host: address(dst), port: row.port, id: `${src}>${dst}:${row.port} ${row.id}` });
        }
      }
      for (const r of probe(src, probes)) {
        expected.push(r.id);
        if (r.result !== 'open') failures.push(`${r.id}: ${r.result}`);
      }
    }
    expect(failures).toEqual([]);
    // Control: the flows that matter were probed (messaging, WebDAV, Health Check, forwarding).
    for (const id of ['ums3>ums1:61616', 'ums3>ums1:8443', 'ums3>lb1:30001', 'lb3>ums1:30001', 'lb3>lb1:61616', 'ums1>ums3:8443', 'lb1>ums3:30001']) {
      expect(expected.some((e) => e.startsWith(id))).toBe(true);
    }
  });

  it('UDP broadcast (6155, 61616) from the new nodes reaches the existing hosts', async () => {
    const sent: Array<{ id: string; src: HaHost; port: number }> = [];
    for (const src of ['ums3', 'lb3'] as const) {
      const probes = UDP_PORTS.map((port) => ({ proto: 'udp' as const, host: BROADCAST, port, id: `b-${src}:${port}` }));
      for (const r of probe(src, probes)) {
        expect(r.result).toBe('sent');
        sent.push({ id: r.id, src, port: r.port });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const missing: string[] = [];
    for (const dst of ['ums1', 'lb1'] as const) {
      const got = udpLog(dst);
      for (const s of sent) if (haRows.some((r) => r.broadcast && r.port === s.port && has(s.src, r.from) && has(dst, r.to)) && !got.has(s.id)) missing.push(`${s.id} at ${dst}`);
    }
    expect(missing).toEqual([]);
    expect(sent.length).toBe(2 * UDP_PORTS.length);
  });

  it('an outsider on the same subnet (gateway, database host, DNS, the address past the slots, any other) is dropped on every HA port', async () => {
    const leaks: string[] = [];
    let probed = 0;
    for (const src of Object.keys(outsiders) as Array<keyof typeof outsiders>) {
      const probes: Probe[] = HA.flatMap((dst) => TCP_PORTS.map((port) => ({ proto: 'tcp' as const, host: address(dst), port, id: `${src}>${dst}:${port}` })));
      probes.push(...UDP_PORTS.map((port) => ({ proto: 'udp' as const, host: BROADCAST, port, id: `x-${src}:${port}` })));
      for (const r of probe(src, probes)) {
        probed++;
        if (r.proto === 'tcp' && r.result !== 'timeout') leaks.push(`${r.id}: ${r.result}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const dst of HA) for (const id of udpLog(dst)) if (id.startsWith('x-')) leaks.push(`${id} arrived at ${dst}`);
    expect(leaks).toEqual([]);
    expect(probed).toBe(Object.keys(outsiders).length * (HA.length * TCP_PORTS.length + UDP_PORTS.length));
  });
});
