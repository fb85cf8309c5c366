/**
 * Network rules. Sources: seed 004 (004_f9c19963f33757ec.txt) and seed 002
 * (002_c6ce0ee242701b9d.txt): "All UMS Servers and UMS Load Balancers must reside on the same
 * VLAN" (UDP broadcast on 6155 and 61616 does not cross it); "make sure that the time on the servers
 * of the HA network does not differ by more than one minute" (also seed 000,
 * 000_18dbf9d1c373b09f.txt). Address and name checks are sound practice for static addressing
 * and host names (no IGEL source).
 */
import { num } from '../findings';
import { fromInt, isHostAddress, parseSubnet, toInt, type Subnet } from '../ipv4';
import { STATIC_MAC_MIN_PREFIX } from '../mac';
import { join } from '../pointer';
import { RESERVED_BLOCK } from '../resolve';
import { SEEDS } from '../seeds';
import type { Report, TopologyRule } from './rule';

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
      // vSphere nodes get static MACs from the low 22 bits of their addresses (topology/mac.ts).
      if (t.platform === 'vsphere' && subnet.prefixLength < STATIC_MAC_MIN_PREFIX) {
        reports.push({
          path: '/spec/network/cidr',
          message: `network.cidr ${net.cidr} is wider than /${STATIC_MAC_MIN_PREFIX}: the static MACs of the nodes (00:50:56 and the low 22 bits of each address, VMware's manual range) could repeat; use a /${STATIC_MAC_MIN_PREFIX} or longer prefix for the HA VLAN`,
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
