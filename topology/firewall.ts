/**
 * The firewall matrix of one topology: which flows the HA network needs, from where to where.
 * It is the one source of the host firewall of every node (bootstrap/nftables.ts), the sizing
 * report and the preflight checks, so the three never disagree. Rows follow docs/ports.md.
 *
 * Sources: seed 004 (004_f9c19963f33757ec.txt): UDP broadcast 6155, TCP and UDP broadcast 61616
 * between all HA components; the UMS 12 ports (8443 /device-connector/*, /webapp/*, /*; 30001 and
 * TCP/UDP 30005 for OS 11; 443 to the App Portal); Health Check (WebDAV 8443 between servers,
 * servers connect to the load balancer on 30001, 30002 from the load balancer to the server);
 * services (a server sharing its host with a load balancer listens on 30002, alone on 30001).
 * Seed 002 (002_c6ce0ee242701b9d.txt): 6155/61616 between servers. Seed 001
 * (001_de5c957648566345.txt): the UMS 12 communication ports. Seed 003 (003_a4f0301adabc394b.txt):
 * firmware synchronization over WebDAV.
 */
import type { ResolvedNode, ResolvedTopology, Role } from './model';
import { admittedAddresses } from './resolve';
import { SEEDS, type SeedFile } from './seeds';

/** Who talks: HA roles, or the outside parties of the network. */
export type Party = Role | 'devices' | 'admins' | 'database' | 'appPortal';

export interface FirewallRow {
  /** Stable key of the row (used in firewall comments and tests). */
  readonly id: string;
  readonly from: readonly Party[];
  readonly to: readonly Party[];
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** Matched on the HA VLAN's broadcast address instead of a host address. */
  readonly broadcast: boolean;
  /** inbound: opened in the destination hosts' firewalls. outbound: leaves an HA host (nothing to open inbound). */
  readonly direction: 'inbound' | 'outbound';
  readonly purpose: string;
  readonly seed: readonly SeedFile[];
}

const HA: readonly Role[] = ['server', 'loadBalancer'];

/** The matrix per topology: every node's firewall, preflight and the report read the same rows. */
const matrices = new WeakMap<ResolvedTopology, readonly FirewallRow[]>();

/** The rows that apply to this topology, in a fixed order (computed once per topology; frozen). */
export function firewallMatrix(t: ResolvedTopology): readonly FirewallRow[] {
  let rows = matrices.get(t);
  if (!rows) {
    rows = Object.freeze(buildMatrix(t).map((row) => Object.freeze(row)));
    matrices.set(t, rows);
  }
  return rows;
}

function buildMatrix(t: ResolvedTopology): FirewallRow[] {
  const rows: FirewallRow[] = [];
  const add = (when: boolean, row: Omit<FirewallRow, 'broadcast' | 'direction'> & Partial<Pick<FirewallRow, 'broadcast' | 'direction'>>) => {
    if (when) rows.push({ broadcast: false, direction: 'inbound', ...row });
  };
  const igel = t.loadBalancing === 'igel';
  const os11 = t.deviceOs.includes('os11');
  const os12 = t.deviceOs.includes('os12');
  const { extensions, furtherServers, updateWithoutDowntimeDe, fileSync } = SEEDS;

  add(igel, { id: 'ha-discovery', from: HA, to: HA, protocol: 'udp', port: 6155, broadcast: true, purpose: 'HA discovery (UDP broadcast on the HA VLAN)', seed: [extensions, furtherServers] });
  add(true, { id: 'ha-messaging', from: HA, to: HA, protocol: 'tcp', port: 61616, purpose: 'messaging (ActiveMQ) between HA components; the Health Check pings over it', seed: [extensions, furtherServers] });
  add(true, { id: 'ha-messaging-broadcast', from: HA, to: HA, protocol: 'udp', port: 61616, broadcast: true, purpose: 'messaging discovery (UDP broadcast on the HA VLAN)', seed: [extensions, furtherServers] });
  add(os12, { id: 'device-connector', from: ['devices'], to: ['server'], protocol: 'tcp', port: 8443, purpose: 'OS 12 device connector /device-connector/*', seed: [updateWithoutDowntimeDe, extensions] });
  add(true, { id: 'console-webapp', from: ['admins'], to: ['server'], protocol: 'tcp', port: 8443, purpose: 'UMS Console (/*) and Web App (/webapp/*, /wums-app/*)', seed: [updateWithoutDowntimeDe, extensions] });
  add(t.servers >= 2, { id: 'webdav-sync', from: ['server'], to: ['server'], protocol: 'tcp', port: 8443, purpose: 'WebDAV file and firmware synchronization between servers', seed: [fileSync, extensions] });
  add(os11, {
    id: 'os11-devices',
    from: ['devices'],
    to: igel ? ['loadBalancer'] : ['server'],
    protocol: 'tcp',
    port: 30001,
    purpose: igel ? 'OS 11 device communication, to the load balancers' : 'OS 11 device communication, to the servers (external load balancing)',
    seed: [extensions, updateWithoutDowntimeDe],
  });
  add(igel, { id: 'health-check-lb', from: ['server'], to: ['loadBalancer'], protocol: 'tcp', port: 30001, purpose: 'Health Check: servers connect to the load balancer as a device would', seed: [extensions] });
  add(t.layout === 'co-located', { id: 'lb-forward-co-located', from: ['loadBalancer'], to: ['server'], protocol: 'tcp', port: 30002, purpose: 'the load balancer forwards device requests to a server that shares its host (it listens on 30002)', seed: [extensions] });
  add(t.layout === 'separate', { id: 'lb-forward-separate', from: ['loadBalancer'], to: ['server'], protocol: 'tcp', port: 30001, purpose: 'the load balancer forwards device requests to a server alone on its host (it listens on 30001)', seed: [extensions] });
  add(os11, { id: 'os11-30005-tcp', from: ['devices'], to: ['server'], protocol: 'tcp', port: 30005, purpose: 'OS 11 device communication', seed: [updateWithoutDowntimeDe, extensions] });
  add(os11, { id: 'os11-30005-udp', from: ['devices'], to: ['server'], protocol: 'udp', port: 30005, purpose: 'OS 11 device communication', seed: [updateWithoutDowntimeDe, extensions] });
  add(t.database.port !== undefined, { id: 'database', from: ['server'], to: ['database'], protocol: 'tcp', port: t.database.port ?? 0, direction: 'outbound', purpose: 'the one shared database', seed: [extensions, furtherServers] });
  add(os12, { id: 'app-portal', from: ['server'], to: ['appPortal'], protocol: 'tcp', port: 443, direction: 'outbound', purpose: 'importing OS 12 apps from the IGEL App Portal (https://app.igel.com/)', seed: [updateWithoutDowntimeDe, extensions] });
  add(true, { id: 'ssh-admin', from: ['admins'], to: HA, protocol: 'tcp', port: 22, purpose: 'administration over SSH (fetching the network token, updates)', seed: [] });
  return rows;
}

const hasRole = (node: ResolvedNode, parties: readonly Party[]) => node.roles.some((r) => parties.includes(r));

/**
 * Sources of a row as addresses (IPv4 host addresses and CIDRs) in this topology. An HA role is
 * admitted by its address slots (topology/resolve.ts, admittedAddresses): the nodes of today and
 * every node a later deploy can add within the recommended maxima, so a host's ruleset rendered at
 * first boot stays right when the site grows (docs/topology.md, stable addresses).
 */
export function sourceAddresses(t: ResolvedTopology, row: FirewallRow): string[] {
  const out = new Set<string>();
  for (const party of row.from) {
    if (party === 'server' || party === 'loadBalancer') {
      for (const a of admittedAddresses(t, party)) out.add(a);
    } else if (party === 'devices') {
      for (const c of t.network.deviceCidrs) out.add(c);
    } else if (party === 'admins') {
      for (const c of t.network.adminCidrs) out.add(c);
    }
  }
  return [...out];
}

/** The inbound rows a node's firewall opens (those whose destination is one of its roles). */
export function inboundRows(t: ResolvedTopology, node: ResolvedNode): FirewallRow[] {
  return firewallMatrix(t).filter((r) => r.direction === 'inbound' && hasRole(node, r.to));
}

/** The rows a node is a source of (what its preflight checks). */
export function outboundRows(t: ResolvedTopology, node: ResolvedNode): FirewallRow[] {
  return firewallMatrix(t).filter((r) => hasRole(node, r.from));
}

/** Ports a node listens on after installation (seed 004, services and processes). */
export function listeningPorts(node: ResolvedNode): number[] {
  const server = node.roles.includes('server');
  const lb = node.roles.includes('loadBalancer');
  const ports = new Set<number>();
  if (lb) ports.add(30001);
  if (server) {
    ports.add(lb ? 30002 : 30001);
    ports.add(8443);
    ports.add(61616);
  }
  return [...ports].sort((a, b) => a - b);
}

/** systemd units a node runs after installation (seed 004): the watchdog always; the server; the load balancer (broker). */
export function expectedUnits(node: ResolvedNode): string[] {
  const units = ['igel-ums-watchdog'];
  if (node.roles.includes('loadBalancer')) units.push('igel-ums-broker');
  if (node.roles.includes('server')) units.push('igel-ums-server');
  return units;
}
