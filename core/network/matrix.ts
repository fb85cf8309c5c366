/**
 * The firewall matrix of one topology: which flows the HA network needs, who listens and who
 * talks. It is the one source of the host firewall of every node (core/configs/nftables.ts), the
 * sizing report, the device paths and the preflight checks, so they never disagree. Rows follow
 * docs/ports.md.
 *
 * Sources:
 * - IGEL "UMS Communication Ports" (who listens, who talks, per port), IGEL_PORTS_PAGE below:
 *   8443: the UMS Server listens, the UMS Console / Web App and IGEL OS 12 devices talk; OS 11
 *   devices fetch files and firmware from the server over HTTPS 8443; 30005: the device listens,
 *   the UMS Server talks (it sends new settings to OS 11 devices).
 * - Seed 004 (004_f9c19963f33757ec.txt): "For High Availability (UMS HA) with IGEL UMS Load
 *   Balancers, network traffic must be allowed over UDP broadcast port 6155, and TCP traffic and
 *   UDP broadcast traffic over port 61616"; HA without IGEL load balancers is supported in clouds,
 *   which drop broadcast, so it needs neither broadcast; its Health Check still pings the servers
 *   over ActiveMQ (TCP 61616) within the subnet. The UMS 12 ports (8443 /device-connector/*,
 *   /webapp/*, /*; 30001 and TCP/UDP 30005 for OS 11; 443 to the App Portal); Health Check
 *   (WebDAV 8443 between servers, servers connect to the load balancer on 30001, 30002 from the
 *   load balancer to the server); services (a server sharing its host with a load balancer
 *   listens on 30002, alone on 30001).
 * - Seed 002 (002_c6ce0ee242701b9d.txt): 6155/61616 between servers. Seed 001
 *   (001_de5c957648566345.txt): the UMS 12 communication ports. Seed 003
 *   (003_a4f0301adabc394b.txt): firmware synchronization between servers over WebDAV; devices get
 *   the connection data of a server's WebDAV (HTTPS) to download firmware from.
 */
import type { ResolvedNode, ResolvedTopology, Role } from '../model/model';
import { admittedAddresses } from '../model/resolve';
import { platformEntry } from '../platform/registry';
import { SEEDS, type SeedFile } from '../model/seeds';

/**
 * The parties of a flow: HA roles, or the outside parties of the network. `nlb`: the Network Load
 * Balancer an aws stack builds, whose addresses lie in aws.subnets.
 */
export type Party = Role | 'devices' | 'admins' | 'database' | 'appPortal' | 'nlb';

export interface FirewallRow {
  /** Stable key of the row (used in firewall comments and tests). */
  readonly id: string;
  readonly from: readonly Party[];
  readonly to: readonly Party[];
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** Matched on the HA VLAN's broadcast address instead of a host address. */
  readonly broadcast: boolean;
  /**
   * inbound: an HA host listens (`to`) and the row is opened in its firewall for `from`.
   * outbound: an HA host talks (`from`) to a listener outside the HA network (`to`); nothing is
   * opened inbound (the replies are established traffic).
   */
  readonly direction: 'inbound' | 'outbound';
  readonly purpose: string;
  readonly seed: readonly SeedFile[];
  /** Who listens and who talks as IGEL's "UMS Communication Ports" page (IGEL_PORTS_PAGE) has it. */
  readonly portsPage?: true;
}

const HA: readonly Role[] = ['server', 'loadBalancer'];

/** The matrix per topology: every node's firewall, preflight and the report read the same rows. */
const matrices = new WeakMap<ResolvedTopology, readonly FirewallRow[]>();

/** IGEL's "UMS Communication Ports" page: per port, who listens and who talks. */
export const IGEL_PORTS_PAGE = 'https://kb.igel.com/en/universal-management-suite/12.06.100/igel-ums-communication-ports';

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

  // Broadcast only with IGEL load balancers (seed 004); TCP 61616 messaging in both modes.
  add(igel, { id: 'ha-discovery', from: HA, to: HA, protocol: 'udp', port: 6155, broadcast: true, purpose: 'HA discovery (UDP broadcast on the HA VLAN); with IGEL load balancers only', seed: [extensions, furtherServers] });
  add(true, { id: 'ha-messaging', from: HA, to: HA, protocol: 'tcp', port: 61616, purpose: 'messaging (ActiveMQ) between HA components; the Health Check pings over it', seed: [extensions, furtherServers] });
  add(igel, { id: 'ha-messaging-broadcast', from: HA, to: HA, protocol: 'udp', port: 61616, broadcast: true, purpose: 'messaging discovery (UDP broadcast on the HA VLAN); with IGEL load balancers only', seed: [extensions, furtherServers] });
  add(os12, {
    id: 'device-connector',
    from: ['devices'],
    to: ['server'],
    protocol: 'tcp',
    port: 8443,
    purpose: igel
      ? 'OS 12 devices open a WebSocket to a UMS Server, /device-connector/* (the IGEL load balancers do not carry it)'
      : 'OS 12 devices open a WebSocket to a UMS Server, /device-connector/*, through the external load balancer',
    seed: [updateWithoutDowntimeDe, extensions],
    portsPage: true,
  });
  add(os11, {
    id: 'os11-files',
    from: ['devices'],
    to: ['server'],
    protocol: 'tcp',
    port: 8443,
    purpose: 'OS 11 devices fetch files and firmware updates from a UMS Server over HTTPS (UMS WebDAV)',
    seed: [fileSync],
    portsPage: true,
  });
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
  // 30005: the device listens, the UMS Server talks (IGEL_PORTS_PAGE): nothing inbound on the HA hosts.
  add(os11, { id: 'os11-30005-tcp', from: ['server'], to: ['devices'], protocol: 'tcp', port: 30005, direction: 'outbound', purpose: 'the UMS Server sends new settings and commands to OS 11 devices (the device listens)', seed: [updateWithoutDowntimeDe, extensions], portsPage: true });
  add(os11, { id: 'os11-30005-udp', from: ['server'], to: ['devices'], protocol: 'udp', port: 30005, direction: 'outbound', purpose: 'the UMS Server contacts OS 11 devices (the device listens)', seed: [updateWithoutDowntimeDe, extensions], portsPage: true });
  add(t.database.port !== undefined, { id: 'database', from: ['server'], to: ['database'], protocol: 'tcp', port: t.database.port ?? 0, direction: 'outbound', purpose: 'the one shared database', seed: [extensions, furtherServers] });
  add(os12, { id: 'app-portal', from: ['server'], to: ['appPortal'], protocol: 'tcp', port: 443, direction: 'outbound', purpose: 'importing OS 12 apps from the IGEL App Portal (https://app.igel.com/)', seed: [updateWithoutDowntimeDe, extensions] });
  add(true, { id: 'ssh-admin', from: ['admins'], to: HA, protocol: 'tcp', port: 22, purpose: 'administration over SSH (fetching the network token, updates)', seed: [] });
  // A platform whose external load balancer is a Network Load Balancer (aws, its registry entry):
  // the stack's Network Load Balancer keeps the devices' addresses (instance targets, client IP
  // preservation), but checks each server from its own addresses in aws.subnets on every port it forwards.
  if (platformEntry(t.platform)?.externalLoadBalancer === 'aws-nlb' && t.loadBalancing === 'external') {
    const forwarded = [...new Set(rows.filter((r) => r.direction === 'inbound' && r.protocol === 'tcp' && r.from.includes('devices') && r.to.includes('server')).map((r) => r.port))].sort((a, b) => a - b);
    for (const port of forwarded) {
      add(true, { id: `nlb-health-check-${port}`, from: ['nlb'], to: ['server'], protocol: 'tcp', port, purpose: `the Network Load Balancer's health check of each server on ${port}, from its own addresses in aws.subnets`, seed: [] });
    }
  }
  return rows;
}

/** One way devices of one OS generation reach the UMS, derived from the matrix rows. */
export interface DevicePath {
  readonly os: 'os11' | 'os12';
  /** The matrix row it follows. */
  readonly row: string;
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** host:port the devices use. */
  readonly addresses: readonly string[];
  /** configured: set on the devices (DNS, DHCP, the device's server list); told: the server sends it. */
  readonly how: 'configured' | 'told';
  readonly text: string;
}

const hostOf = (hostPort: string) => hostPort.replace(/:\d+$/, '');

/**
 * Where devices connect (the `device_addresses` output, the report): OS 11 devices to the IGEL load
 * balancers on 30001 (or the external load balancer); OS 12 devices to the servers on 8443
 * /device-connector/* directly or through the external load balancer (the IGEL load balancers do
 * not carry 8443; seed 004, IGEL_PORTS_PAGE); OS 11 devices also fetch files and firmware from
 * the server whose address the server sends them, over HTTPS 8443 (seed 003).
 */
export function devicePaths(t: ResolvedTopology): DevicePath[] {
  const ips = (role: Role) => t.nodes.filter((n) => n.roles.includes(role) && n.ip).map((n) => n.ip as string);
  const external = t.loadBalancing === 'external';
  const cluster = t.clusterAddress ?? '';
  const out: DevicePath[] = [];
  for (const row of firewallMatrix(t)) {
    if (!row.from.includes('devices') || row.direction !== 'inbound') continue;
    const base = { row: row.id, protocol: row.protocol, port: row.port };
    if (row.id === 'os11-devices') {
      out.push({
        ...base,
        os: 'os11',
        addresses: external ? (cluster ? [`${hostOf(cluster)}:${row.port}`] : []) : ips('loadBalancer').map((ip) => `${ip}:${row.port}`),
        how: 'configured',
        text: external ? `OS 11 devices: the external load balancer on TCP ${row.port}, passed through to the servers` : `OS 11 devices: the IGEL load balancers on TCP ${row.port}`,
      });
    } else if (row.id === 'device-connector') {
      out.push({
        ...base,
        os: 'os12',
        addresses: external ? (cluster ? [cluster] : []) : ips('server').map((ip) => `${ip}:${row.port}`),
        how: 'configured',
        text: external
          ? `OS 12 devices: the external load balancer (Cluster Address ${cluster}), /device-connector/* to the servers on TCP ${row.port}`
          : `OS 12 devices: the UMS Servers directly on TCP ${row.port} /device-connector/* (the IGEL load balancers carry OS 11 traffic only)`,
      });
    } else if (row.id === 'os11-files') {
      out.push({
        ...base,
        os: 'os11',
        addresses: ips('server').map((ip) => `${ip}:${row.port}`),
        how: 'told',
        text: `OS 11 devices: files and firmware over HTTPS TCP ${row.port} from the UMS Server named in the job (its Public Address or host name)`,
      });
    }
  }
  // What the devices are configured with first, then what the server tells them.
  return [...out.filter((p) => p.how === 'configured'), ...out.filter((p) => p.how === 'told')];
}

/** The configured device addresses (host:port) per OS generation: the `device_addresses` output. */
export function deviceAddresses(t: ResolvedTopology): { os11?: string[]; os12?: string[] } {
  const out: { os11?: string[]; os12?: string[] } = {};
  for (const p of devicePaths(t)) if (p.how === 'configured') out[p.os] = [...p.addresses];
  return out;
}

const hasRole = (node: ResolvedNode, parties: readonly Party[]) => node.roles.some((r) => parties.includes(r));

/**
 * Sources of a row as addresses (IPv4 host addresses and CIDRs) in this topology. An HA role is
 * admitted by its address slots (core/model/resolve.ts, admittedAddresses): the nodes of today and
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
    } else if (party === 'nlb') {
      for (const s of t.aws?.subnets ?? []) out.add(s.cidr);
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
