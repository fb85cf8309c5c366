/**
 * The host firewall of one node, rendered from the topology's firewall matrix
 * (core/network/matrix.ts): inbound denied by default, each matrix row whose destination is one of
 * the node's roles accepted from its sources only; broadcast rows match the HA VLAN's broadcast
 * address. Written to /etc/ums-ha/firewall.nft and loaded at boot by nftables.service.
 *
 * The HA sets hold the address slots of each role (core/model/resolve.ts, admittedAddresses): every
 * node a later deploy can add within IGEL's recommended maxima (seed 004, 004_f9c19963f33757ec.txt:
 * up to 6 servers, up to 3 load balancers) is admitted from the first boot on, and any other address
 * of the VLAN (database, gateway, other machines) stays dropped.
 */
import { firewallMatrix, inboundRows, outboundRows, type FirewallRow } from '../network/matrix';
import { toInt } from '../model/ipv4';
import type { ResolvedNode, ResolvedTopology } from '../model/model';
import { admittedAddresses } from '../model/resolve';

/** Where the bootstrap writes the ruleset on the node. */
export const FIREWALL_PATH = '/etc/ums-ha/firewall.nft';

type SetName = 'ha_hosts' | 'servers' | 'load_balancers' | 'device_nets' | 'admin_nets' | 'nlb_nets';

function sourceSet(row: FirewallRow): SetName {
  if (row.direction !== 'inbound') throw new Error(`row ${row.id} is outbound: nothing is opened inbound for it`);
  const from = [...row.from].sort().join(',');
  switch (from) {
    case 'loadBalancer,server':
      return 'ha_hosts';
    case 'server':
      return 'servers';
    case 'loadBalancer':
      return 'load_balancers';
    case 'devices':
      return 'device_nets';
    case 'admins':
      return 'admin_nets';
    case 'nlb':
      return 'nlb_nets';
    default:
      throw new Error(`no source set for ${from}`);
  }
}

function set(name: SetName, elements: readonly string[]): string {
  const items = elements.length > 0 ? ` elements = { ${elements.join(', ')} }` : '';
  return `    set ${name} {\n        type ipv4_addr\n        flags interval\n        auto-merge\n${items ? `        ${items.trim()}\n` : ''}    }`;
}

/**
 * The node's ruleset for `nft -f`. Indented with spaces, not tabs: the user-data would carry a text
 * with tabs as one double-quoted line, while this stays a literal block a reviewer can read.
 */
export function renderFirewall(t: ResolvedTopology, node: ResolvedNode): string {
  const servers = admittedAddresses(t, 'server');
  const loadBalancers = admittedAddresses(t, 'loadBalancer');
  const sets: Partial<Record<SetName, readonly string[]>> = {
    ha_hosts: [...new Set([...servers, ...loadBalancers])].sort((a, b) => (toInt(a) as number) - (toInt(b) as number)),
    servers,
    load_balancers: loadBalancers,
    device_nets: [...t.network.deviceCidrs],
    admin_nets: [...t.network.adminCidrs],
  };
  // aws: the Network Load Balancer's subnets, the source of its health checks (matrix rows nlb-health-check-*).
  if (firewallMatrix(t).some((r) => r.from.includes('nlb'))) sets.nlb_nets = (t.aws?.subnets ?? []).map((s) => s.cidr);
  const broadcast = `{ ${t.network.broadcastAddress}, 255.255.255.255 }`;
  // Unicast rows accept only packets to this host's own address; broadcast rows only the VLAN broadcast.
  const rules = inboundRows(t, node).map((row) => {
    const dest = row.broadcast ? ` ip daddr ${broadcast}` : node.ip ? ` ip daddr ${node.ip}` : '';
    return `        ip saddr @${sourceSet(row)}${dest} ${row.protocol} dport ${row.port} accept comment "${row.id}"`;
  });
  // Flows this host starts (the HA host talks, the other side listens, e.g. 30005 to OS 11 devices):
  // outbound is open and the replies are established traffic, so nothing is accepted inbound for
  // them; they are listed so a reader sees why no inbound rule exists.
  const outbound = outboundRows(t, node)
    .filter((row) => row.direction === 'outbound')
    .map((row) => `# outbound, not opened inbound: ${row.id} ${row.protocol} ${row.port} to ${row.to.join(', ')}`);
  return [
    '#!/usr/sbin/nft -f',
    `# ums-ha host firewall of ${node.vmName} (${node.roles.join(' + ')}), generated from the firewall matrix`,
    '# of the topology (docs/ports.md). Inbound is denied except the rows below; outbound is open.',
    '# Do not edit on the host: change the topology and re-render.',
    ...outbound,
    'table inet ums_ha',
    'delete table inet ums_ha',
    'table inet ums_ha {',
    ...(Object.keys(sets) as SetName[]).map((name) => set(name, sets[name] ?? [])),
    '',
    '    chain input {',
    '        type filter hook input priority filter; policy drop;',
    '        iif "lo" accept',
    '        ct state established,related accept',
    '        ct state invalid drop',
    '        ip protocol icmp icmp type { destination-unreachable, time-exceeded, parameter-problem } accept',
    '        ip protocol icmp icmp type echo-request ip saddr @ha_hosts accept',
    '        ip protocol icmp icmp type echo-request ip saddr @admin_nets accept',
    ...rules,
    '    }',
    '}',
    '',
  ].join('\n');
}
