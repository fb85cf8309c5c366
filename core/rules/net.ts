/**
 * Network rules. Sources: seed 004 (004_f9c19963f33757ec.txt) and seed 002
 * (002_c6ce0ee242701b9d.txt): "All UMS Servers and UMS Load Balancers must reside on the same
 * VLAN" (UDP broadcast on 6155 and 61616 does not cross it); "make sure that the time on the servers
 * of the HA network does not differ by more than one minute" (also seed 000,
 * 000_18dbf9d1c373b09f.txt). Address and name checks are sound practice for static addressing
 * and host names (no IGEL source).
 */
import { num } from '../base/findings';
import { fromInt, isHostAddress, parseSubnet, toInt, type Subnet } from '../model/ipv4';
import { platformEntry } from '../platform/registry';
import { join } from '../base/pointer';
import { RESERVED_BLOCK } from '../model/resolve';
import { SEEDS } from '../model/seeds';
import type { Report, TopologyRule } from '../model/rule';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** metadata.name prefixes every VM name; 40 leaves room for the node name within 63. */
export const MAX_TOPOLOGY_NAME = 40;
/** A host name label is at most 63 characters (RFC 1035). */
export const MAX_HOST_NAME = 63;

function describeAddressProblem(subnet: Subnet, address: number, cidr: string): string | undefined {
  if (address < subnet.network || address > subnet.broadcast) return `is outside network.cidr ${cidr}`;
  if (!isHostAddress(subnet, address)) {
    return address === subnet.network ? `is the network address of ${cidr}` : `is the broadcast address of ${cidr}`;
  }
  return undefined;
}

export const netRules: readonly TopologyRule[] = [
  {
    id: 'UMS-NET-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.furtherServers],
    title: 'Every server and load balancer on the one HA VLAN',
    explanation: 'UMS Servers and Load Balancers find each other by UDP broadcast on ports 6155 and 61616, which stays inside one VLAN; a host on another VLAN never joins the HA network.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      (doc.spec.nodes ?? []).forEach((node, i) => {
        if (node.vlanId === undefined || node.vlanId === t.network.vlanId) return;
        reports.push({
          path: join('/spec/nodes', i, 'vlanId'),
          message: `node ${node.name} is on VLAN ${node.vlanId}, but every server and load balancer must share the HA VLAN ${t.network.vlanId} (UDP broadcast on 6155/61616 does not cross VLANs): set vlanId to ${t.network.vlanId} or remove it`,
        });
      });
      return reports;
    },
  },
  {
    id: 'UMS-NET-002',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Addresses fit the subnet, are unique, and the pool suffices',
    explanation: 'A static address outside the subnet, used twice, equal to the gateway or to the network or broadcast address, or missing, leaves a host unreachable or breaks another one.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      const net = doc.spec.network;
      const subnet = parseSubnet(net.cidr);
      if (!subnet) return [{ path: '/spec/network/cidr', message: `network.cidr ${net.cidr} is not an IPv4 network` }];
      if (subnet.hostBits) {
        reports.push({
          path: '/spec/network/cidr',
          message: `network.cidr ${net.cidr} has host bits set: write the network address, ${fromInt(subnet.network)}/${subnet.prefixLength}`,
        });
      }
      // A platform whose nodes get static MACs from the low bits of their addresses (vSphere: 22 bits,
      // platforms/vsphere/mac.ts) says how wide a network may be (its placement.minPrefixLength).
      const min = platformEntry(t.platform)?.placement?.minPrefixLength?.prefix;
      if (min !== undefined && subnet.prefixLength < min) {
        reports.push({
          path: '/spec/network/cidr',
          message: `network.cidr ${net.cidr} is wider than /${min}: the static MACs of the nodes (00:50:56 and the low 22 bits of each address, VMware's manual range) could repeat; use a /${min} or longer prefix for the HA VLAN`,
        });
      }
      const gateway = toInt(net.gateway) as number;
      const gatewayProblem = describeAddressProblem(subnet, gateway, net.cidr);
      if (gatewayProblem) reports.push({ path: '/spec/network/gateway', message: `gateway ${net.gateway} ${gatewayProblem}: use a host address of the subnet` });
      if (net.firstAddress !== undefined) {
        const problem = describeAddressProblem(subnet, toInt(net.firstAddress) as number, net.cidr);
        if (problem) reports.push({ path: '/spec/network/firstAddress', message: `firstAddress ${net.firstAddress} ${problem}: start the pool at a host address inside the subnet` });
      }
      // Addresses already in use on the VLAN, and by which key.
      const used = new Map<number, string>([[gateway, 'network.gateway']]);
      net.dns.forEach((a, i) => used.set(toInt(a) as number, `network.dns[${i}]`));
      (net.ntpServers ?? []).forEach((a, i) => {
        const n = toInt(a);
        if (n !== undefined && !used.has(n)) used.set(n, `network.ntpServers[${i}]`);
      });
      // The database runs on a host of its own (seed 004: one external database every server reaches).
      const dbAddress = doc.spec.database.host === undefined ? undefined : toInt(doc.spec.database.host);
      if (dbAddress !== undefined && !used.has(dbAddress)) used.set(dbAddress, 'database.host');
      (doc.spec.nodes ?? []).forEach((node, i) => {
        if (node.ip === undefined) return;
        const path = join('/spec/nodes', i, 'ip');
        const address = toInt(node.ip) as number;
        const problem = describeAddressProblem(subnet, address, net.cidr);
        if (problem) {
          reports.push({ path, message: `node ${node.name}: ip ${node.ip} ${problem}: give it a host address of the subnet` });
          return;
        }
        const owner = used.get(address);
        if (owner) {
          reports.push({ path, message: `node ${node.name}: ip ${node.ip} is already used by ${owner}: give every host its own address` });
          return;
        }
        used.set(address, `node ${node.name}`);
      });
      const pool = t.poolProblem;
      if (pool?.kind === 'no-first-address') {
        reports.push({
          path: '/spec/network',
          message: `${pool.nodes.length === 1 ? 'node' : 'nodes'} ${pool.nodes.join(', ')} have no address: set network.firstAddress, or an ip for each node`,
        });
      } else if (pool?.kind === 'taken') {
        for (const c of pool.conflicts) {
          const i = (doc.spec.nodes ?? []).findIndex((n) => n.name === c.node);
          reports.push({
            path: i >= 0 ? join('/spec/nodes', i) : '/spec/network/firstAddress',
            message: `node ${c.node} has the address slot ${c.address} (docs/topology.md, stable addresses), which ${c.owner} already uses: keep the ${RESERVED_BLOCK} addresses from firstAddress free for the HA nodes (move firstAddress or that address), or give ${c.node} an ip`,
          });
        }
      } else if (pool?.kind === 'exhausted') {
        reports.push({
          path: '/spec/network/firstAddress',
          message: `the address pool from ${pool.from} to ${pool.last} runs out: ${num(pool.nodes.length)} more ${pool.nodes.length === 1 ? 'node' : 'nodes'} (${pool.nodes.join(', ')}) ${pool.nodes.length === 1 ? 'needs' : 'need'} an address; start firstAddress lower or use a larger cidr`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-NET-003',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.furtherServers, SEEDS.updateWithoutDowntime],
    title: 'NTP servers are set',
    explanation: 'The servers of an HA network must not differ by more than one minute; after each manual time reset the HA services have to be restarted. Every node syncs from the same NTP servers.',
    check({ doc }) {
      const ntp = doc.spec.network.ntpServers;
      if (ntp && ntp.length > 0) return [];
      return [
        {
          path: '/spec/network/ntpServers',
          message: 'no ntpServers: the servers of an HA network must stay within one minute of each other; add network.ntpServers with at least one time source',
        },
      ];
    },
  },
  {
    id: 'UMS-NET-004',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Names are DNS labels and node names are unique',
    explanation: 'metadata.name and node names become VM and host names (<metadata.name>-<node>); they must be DNS labels of at most 63 characters, two nodes with one name would be one VM, and two topology files of one folder with one metadata.name would be one stack.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      const name = doc.metadata.name;
      if (!DNS_LABEL.test(name) || name.length > MAX_TOPOLOGY_NAME) {
        reports.push({
          path: '/metadata/name',
          message: `metadata.name must be a DNS label of at most ${MAX_TOPOLOGY_NAME} characters (a-z, 0-9 and '-', starting and ending with a letter or digit); it prefixes every VM name`,
        });
      }
      const seen = new Map<string, number>();
      (doc.spec.nodes ?? []).forEach((node, i) => {
        const path = join('/spec/nodes', i, 'name');
        if (!DNS_LABEL.test(node.name)) {
          reports.push({ path, message: `node name ${JSON.stringify(node.name.slice(0, 63))} is not a DNS label: use a-z, 0-9 and '-', starting and ending with a letter or digit` });
        } else if (seen.has(node.name)) {
          reports.push({ path, message: `node name ${node.name} is used twice (nodes ${seen.get(node.name)} and ${i}): every node needs its own name` });
        }
        if (!seen.has(node.name)) seen.set(node.name, i);
      });
      for (const node of t.nodes) {
        if (node.vmName.length > MAX_HOST_NAME && DNS_LABEL.test(node.name)) {
          reports.push({
            path: node.pointer ? join(node.pointer, 'name') : '/metadata/name',
            message: `host name ${node.vmName.slice(0, 20)}... is ${node.vmName.length} characters; a host name label may have at most ${MAX_HOST_NAME}: shorten metadata.name or the node name`,
          });
        }
      }
      return reports;
    },
  },
];

/** The largest private range (10.0.0.0/8, RFC 1918): a source network wider than it is open to everyone. */
export const WIDEST_SOURCE_PREFIX = 8;
/** Networks that are never the source of a device or an operator (RFC 1122 loopback, RFC 5771 multicast). */
const NON_SOURCE_NETWORKS: ReadonlyArray<{ readonly subnet: Subnet; readonly what: string }> = [
  { subnet: parseSubnet('127.0.0.0/8')!, what: 'the loopback network 127.0.0.0/8' },
  { subnet: parseSubnet('224.0.0.0/4')!, what: 'the multicast range 224.0.0.0/4' },
];

function inside(inner: Subnet, outer: Subnet): boolean {
  return inner.network >= outer.network && inner.broadcast <= outer.broadcast;
}

/** deviceCidrs and adminCidrs as written, each with its pointer, its list's name and who it admits. */
function sourceNetworks(doc: TopologyRuleContextDoc): Array<{ readonly cidr: string; readonly path: string; readonly list: 'deviceCidrs' | 'adminCidrs'; readonly subnet: Subnet | undefined }> {
  const net = doc.spec.network;
  return (['deviceCidrs', 'adminCidrs'] as const).flatMap((list) =>
    (net[list] ?? []).map((cidr, i) => ({ cidr, path: join('/spec/network', list, i), list, subnet: parseSubnet(cidr) })),
  );
}
type TopologyRuleContextDoc = Parameters<TopologyRule['check']>[0]['doc'];

const ADMITS = { deviceCidrs: 'devices (30001, 8443 and the other device ports)', adminCidrs: 'admins (SSH and the UMS Console on 8443)' } as const;
const except = (id: string) => `if it is deliberate, accept it in spec.exceptions (id: ${id}) with the reason`;

export const openingRules: readonly TopologyRule[] = [
  {
    id: 'UMS-NET-005',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Device and admin networks are network addresses of unicast networks',
    explanation:
      'A deviceCidrs or adminCidrs entry with host bits set (10.40.0.77/8) is read as another network than the one meant (10.0.0.0/8) and AWS refuses it at terraform validate; loopback (127.0.0.0/8) and multicast (224.0.0.0/4) are never the source of a device or an operator.',
    check({ doc }) {
      const reports: Report[] = [];
      for (const s of sourceNetworks(doc)) {
        if (!s.subnet) continue;
        if (s.subnet.hostBits) {
          reports.push({ path: s.path, message: `network.${s.list} entry ${s.cidr} has host bits set, so it admits ${fromInt(s.subnet.network)}/${s.subnet.prefixLength}: write the network address, or the host as ${s.cidr.split('/')[0]}/32` });
          continue;
        }
        const bad = NON_SOURCE_NETWORKS.find((n) => inside(s.subnet!, n.subnet));
        if (bad) reports.push({ path: s.path, message: `network.${s.list} entry ${s.cidr} lies in ${bad.what}, which is never the source of ${s.list === 'deviceCidrs' ? 'a device' : 'an operator'}: name the networks the ${s.list === 'deviceCidrs' ? 'devices' : 'admins'} connect from` });
      }
      return reports;
    },
  },
  {
    id: 'UMS-NET-006',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'Device and admin networks are not open to everyone',
    explanation: `A deviceCidrs or adminCidrs entry wider than a /${WIDEST_SOURCE_PREFIX} (the largest private range, 10.0.0.0/8) opens the ports to most of the Internet: 0.0.0.0/0 or its halves 0.0.0.0/1 and 128.0.0.0/1 admit anyone; for adminCidrs that is SSH and the UMS Console for everyone.`,
    check({ doc }) {
      return sourceNetworks(doc)
        .filter((s) => s.subnet !== undefined && !s.subnet.hostBits && s.subnet.prefixLength < WIDEST_SOURCE_PREFIX)
        .map((s) => ({
          path: s.path,
          message: `network.${s.list} entry ${s.cidr} is wider than a /${WIDEST_SOURCE_PREFIX} and opens the ports of ${ADMITS[s.list]} to most of the Internet: name the networks they connect from; ${except('UMS-NET-006')}`,
        }));
    },
  },
  {
    id: 'UMS-NET-007',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'Device and admin networks do not contain the HA network',
    explanation:
      'The host firewalls admit devices and admins by source network; an entry equal to or containing network.cidr admits every address of the HA VLAN as a device or an admin, the gateway and any other host there included, so what the matrix keeps apart (the database and gateway ports stay dropped to devices) is no longer apart.',
    check({ doc, topology: t }) {
      const ha = parseSubnet(t.network.cidr);
      if (!ha) return [];
      return sourceNetworks(doc)
        .filter((s) => s.subnet !== undefined && !s.subnet.hostBits && s.subnet.prefixLength >= WIDEST_SOURCE_PREFIX && inside(ha, s.subnet))
        .map((s) => ({
          path: s.path,
          message: `network.${s.list} entry ${s.cidr} ${s.subnet!.prefixLength === ha.prefixLength ? 'is' : 'contains'} the HA network ${t.network.cidr}: every host of the HA VLAN counts as one of the ${s.list === 'deviceCidrs' ? 'devices' : 'admins'}; name the networks they connect from, without the HA network; ${except('UMS-NET-007')}`,
        }));
    },
  },
  {
    id: 'UMS-NET-008',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: `The HA network is a unicast network of a /${WIDEST_SOURCE_PREFIX} or narrower`,
    explanation: `network.cidr is the one VLAN of the HA hosts (their broadcast domain, or the VPC block on AWS); a network wider than a /${WIDEST_SOURCE_PREFIX} (0.0.0.0/0, a /1) is no VLAN, and loopback or multicast addresses cannot be host addresses.`,
    check({ topology: t }) {
      const ha = parseSubnet(t.network.cidr);
      if (!ha) return [];
      if (ha.prefixLength < WIDEST_SOURCE_PREFIX) {
        return [{ path: '/spec/network/cidr', message: `network.cidr ${t.network.cidr} is wider than a /${WIDEST_SOURCE_PREFIX}: an HA VLAN holds a few hosts; give the subnet of the HA VLAN (e.g. a /24)` }];
      }
      const bad = NON_SOURCE_NETWORKS.find((n) => inside(ha, n.subnet) || inside(n.subnet, ha));
      return bad ? [{ path: '/spec/network/cidr', message: `network.cidr ${t.network.cidr} overlaps ${bad.what}, whose addresses no host can have: give the subnet of the HA VLAN` }] : [];
    },
  },
  {
    id: 'UMS-NET-009',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'No device or admin network is listed twice',
    explanation: 'An entry equal to, or inside, another entry of the same list adds nothing and is often a typo for the network that was meant (10.30.0.0/16 twice instead of 10.31.0.0/16).',
    check({ doc }) {
      const reports: Report[] = [];
      const all = sourceNetworks(doc);
      all.forEach((s, i) => {
        if (!s.subnet || s.subnet.hostBits) return;
        const other = all.find((o, j) => j !== i && o.list === s.list && o.subnet !== undefined && !o.subnet.hostBits && inside(s.subnet!, o.subnet) && (j < i || o.subnet.prefixLength < s.subnet!.prefixLength));
        if (other) {
          reports.push({ path: s.path, message: `network.${s.list} entry ${s.cidr} ${other.cidr === s.cidr || other.subnet!.prefixLength === s.subnet.prefixLength ? 'is listed twice' : `lies inside ${other.cidr}, listed too`}: remove it, or write the network that was meant; ${except('UMS-NET-009')}` });
        }
      });
      return reports;
    },
  },
];
