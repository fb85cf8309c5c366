/**
 * Defaults and sizing derivation, exactly as shared/spec rules.md and seed 004
 * (004_f9c19963f33757ec.txt, "Configuration Options"):
 *
 * - servers = max(2, ceil(devices / 50,000))
 * - layout auto: separate when devices > 50,000, else co-located
 * - co-located: every host runs a server and a load balancer; loadBalancers = servers
 * - separate: loadBalancers = max(2, ceil(servers / 3))
 * - loadBalancing external: layout none, loadBalancers = 0
 *
 * An explicit value in the file is kept as written, never replaced; the rules check it. The
 * resolver is total on schema-valid input: semantic problems (an address outside the subnet, a
 * pool that runs out) are recorded for the rules, never thrown.
 */
import type { UmsHaTopologyDocument, NodeSpec } from './generated/topology-types';
import { fromInt, isHostAddress, parseSubnet, toInt } from './ipv4';
import {
  CO_LOCATED_MAX_DEVICES,
  DEFAULT_DATABASE_PORTS,
  DEVICES_PER_SERVER,
  MIN_LOAD_BALANCERS,
  MIN_SERVERS,
  SERVERS_PER_LOAD_BALANCER,
  type Layout,
  type PoolProblem,
  type ResolvedNode,
  type ResolvedTopology,
  type ResolvedVmSize,
  type Role,
  type SizingBasis,
} from './model';
import { join } from './pointer';

/** Default firmware updates kept per server (the example in shared/spec topology.md). */
export const DEFAULT_RETAINED_UPDATES = 3;
/** Program files (seed 004, installation requirements: "1 GB for the program files"). */
export const PROGRAM_FILES_GB = 1;
/** Per retained firmware update (seed 004: "Approx. 10 GB for each firmware update to be downloaded"). */
export const FIRMWARE_UPDATE_GB = 10;

/**
 * Documented minimums per component (seed 004, "UMS High Availability Network: Minimum
 * Requirements"): UMS Server 4 GB RAM, 2 GB disk; UMS Load Balancer 1 GB, 1 GB; UMS Web App 1 GB,
 * 1 GB.
 */
export const COMPONENT_MINIMUMS = {
  server: { memoryGb: 4, diskGb: 2 },
  loadBalancer: { memoryGb: 1, diskGb: 1 },
  webApp: { memoryGb: 1, diskGb: 1 },
} as const;

/**
 * Every server host gets the UMS Web App: IGEL OS 12 devices cannot be managed without it (seed
 * 004), and any server may be the one an admin or the external load balancer reaches
 * (bootstrap/node-env.ts answers the installer's Web App question with this).
 */
export function installsWebApp(roles: readonly Role[]): boolean {
  return roles.includes('server');
}

export interface MinimumPart {
  readonly component: 'UMS Server' | 'UMS Web App' | 'UMS Load Balancer';
  readonly memoryGb: number;
  readonly diskGb: number;
}

/** The minimum of a host: the sum over the components it runs (seed 004), with the parts. */
export function hostMinimum(roles: readonly Role[]): { readonly memoryGb: number; readonly diskGb: number; readonly parts: readonly MinimumPart[] } {
  const parts: MinimumPart[] = [];
  if (roles.includes('server')) parts.push({ component: 'UMS Server', ...COMPONENT_MINIMUMS.server });
  if (installsWebApp(roles)) parts.push({ component: 'UMS Web App', ...COMPONENT_MINIMUMS.webApp });
  if (roles.includes('loadBalancer')) parts.push({ component: 'UMS Load Balancer', ...COMPONENT_MINIMUMS.loadBalancer });
  return { memoryGb: parts.reduce((a, p) => a + p.memoryGb, 0), diskGb: parts.reduce((a, p) => a + p.diskGb, 0), parts };
}

/** Smallest server data disk for `retained` firmware updates (UMS-RES-002). */
export function requiredServerDiskGb(retained: number): number {
  return PROGRAM_FILES_GB + FIRMWARE_UPDATE_GB * retained;
}

/**
 * Default VM sizes, safely above the seed 004 minimums (server 4 GB RAM; load balancer 1 GB RAM):
 * servers get 20 GB beyond program files and firmware for logs and the update-mode database copy.
 */
export function defaultSizes(retained: number): { server: ResolvedVmSize; loadBalancer: ResolvedVmSize } {
  return {
    server: { cpus: 4, memoryGb: 8, diskGb: Math.max(60, requiredServerDiskGb(retained) + 20) },
    loadBalancer: { cpus: 2, memoryGb: 4, diskGb: 20 },
  };
}

function deriveLayout(doc: UmsHaTopologyDocument): { layout: Layout; source: SizingBasis['layoutSource'] } {
  const spec = doc.spec;
  if ((spec.loadBalancing ?? 'igel') === 'external') return { layout: 'none', source: 'external' };
  const given = spec.layout ?? 'auto';
  if (given !== 'auto') return { layout: given, source: 'given' };
  return { layout: spec.devices > CO_LOCATED_MAX_DEVICES ? 'separate' : 'co-located', source: 'auto' };
}

function derivedNodes(layout: Layout, servers: number, loadBalancers: number): Array<{ name: string; roles: Role[] }> {
  const nodes: Array<{ name: string; roles: Role[] }> = [];
  const serverRoles: Role[] = layout === 'co-located' ? ['server', 'loadBalancer'] : ['server'];
  for (let i = 1; i <= servers; i++) nodes.push({ name: `ums${i}`, roles: [...serverRoles] });
  if (layout === 'separate') for (let i = 1; i <= loadBalancers; i++) nodes.push({ name: `lb${i}`, roles: ['loadBalancer'] });
  return nodes;
}

/** Compares names with their numbers as numbers (ums2 before ums10), the same on every machine. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] as string, pb[i] as string];
    const nx = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : 0;
    if (nx !== 0) return nx;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

const byName = (a: { name: string }, b: { name: string }) => naturalCompare(a.name, b.name);

/** Unique CIDRs in address order (the order of a firewall source list carries no meaning). */
function canonicalCidrs(cidrs: readonly string[]): string[] {
  const key = (c: string) => {
    const [a = '', p = '0'] = c.split('/');
    return (toInt(a) ?? 0) * 64 + Number(p);
  };
  return [...new Set(cidrs)].sort((x, y) => key(x) - key(y));
}

/** Resolves a schema-valid topology document. */
export function resolveTopology(doc: UmsHaTopologyDocument): ResolvedTopology {
  const spec = doc.spec;
  const net = spec.network;
  const loadBalancing = spec.loadBalancing ?? 'igel';
  const { layout, source: layoutSource } = deriveLayout(doc);

  const serversNeeded = Math.ceil(spec.devices / DEVICES_PER_SERVER);
  const servers = spec.servers ?? Math.max(MIN_SERVERS, serversNeeded);

  let loadBalancers: number;
  let loadBalancersNeeded: number;
  let loadBalancersSource: SizingBasis['loadBalancersSource'];
  if (layout === 'none') {
    loadBalancers = 0;
    loadBalancersNeeded = 0;
    loadBalancersSource = 'external';
  } else if (layout === 'co-located') {
    loadBalancers = servers;
    loadBalancersNeeded = servers;
    loadBalancersSource = 'co-located';
  } else {
    loadBalancersNeeded = Math.ceil(servers / SERVERS_PER_LOAD_BALANCER);
    loadBalancers = spec.loadBalancers ?? Math.max(MIN_LOAD_BALANCERS, loadBalancersNeeded);
    loadBalancersSource = spec.loadBalancers === undefined ? 'derived' : 'given';
  }

  const retainedUpdates = spec.firmware?.retainedUpdates ?? DEFAULT_RETAINED_UPDATES;
  const defaults = defaultSizes(retainedUpdates);
  const resources = {
    server: { ...defaults.server, ...spec.resources?.server },
    loadBalancer: { ...defaults.loadBalancer, ...spec.resources?.loadBalancer },
  };

  // Nodes: as listed (install order: servers first, stable) or derived from the sizing.
  const listed: Array<{ name: string; roles: Role[]; ip?: string; vlanId?: number; pointer: string | null }> = spec.nodes
    ? spec.nodes.map((n: NodeSpec, i) => ({ name: n.name, roles: [...n.roles], ip: n.ip, vlanId: n.vlanId, pointer: join('/spec/nodes', i) }))
    : derivedNodes(layout, servers, loadBalancers).map((n) => ({ ...n, pointer: null }));
  // Install order: the first server listed creates the network token (its place is the one thing the
  // order of nodes means); the other servers, then the load balancers, follow by name, so listing them
  // in another order builds the same network.
  const listedServers = listed.filter((n) => n.roles.includes('server'));
  const ordered = [
    ...listedServers.slice(0, 1),
    ...listedServers.slice(1).sort(byName),
    ...listed.filter((n) => !n.roles.includes('server')).sort(byName),
  ];

  // Address plan: explicit ips stay; the others take consecutive free addresses from firstAddress.
  const subnet = parseSubnet(net.cidr);
  const taken = new Set<number>();
  for (const a of [net.gateway, ...net.dns, ...(net.ntpServers ?? []), ...listed.map((n) => n.ip)]) {
    const n = a === undefined ? undefined : toInt(a);
    if (n !== undefined) taken.add(n);
  }
  const first = net.firstAddress === undefined ? undefined : toInt(net.firstAddress);
  let cursor = first;
  const unassigned: string[] = [];
  const ips = ordered.map((n) => {
    if (n.ip !== undefined) return n.ip;
    if (!subnet || cursor === undefined || !isHostAddress(subnet, cursor)) {
      unassigned.push(n.name);
      return null;
    }
    while (cursor <= subnet.broadcast && (taken.has(cursor) || !isHostAddress(subnet, cursor))) cursor++;
    if (cursor > subnet.broadcast || !isHostAddress(subnet, cursor)) {
      unassigned.push(n.name);
      return null;
    }
    taken.add(cursor);
    return fromInt(cursor++);
  });
  let poolProblem: PoolProblem | undefined;
  if (unassigned.length > 0) {
    if (first === undefined) poolProblem = { kind: 'no-first-address', nodes: unassigned };
    else if (!subnet || !isHostAddress(subnet, first)) poolProblem = { kind: 'first-address-outside', nodes: unassigned };
    else poolProblem = { kind: 'exhausted', nodes: unassigned, from: fromInt(first), last: fromInt(subnet.prefixLength >= 31 ? subnet.broadcast : subnet.broadcast - 1) };
  }

  const nodes: ResolvedNode[] = ordered.map((n, index) => ({
    name: n.name,
    vmName: `${doc.metadata.name}-${n.name}`,
    roles: n.roles,
    ip: ips[index] ?? null,
    vlanId: n.vlanId ?? net.vlanId,
    index,
    pointer: n.pointer,
    size: n.roles.includes('server') ? resources.server : resources.loadBalancer,
  }));

  const engine = spec.database.engine;
  return {
    name: doc.metadata.name,
    description: doc.metadata.description,
    umsVersion: spec.umsVersion,
    devices: spec.devices,
    // Lists whose order means nothing get one canonical order, so a reordered file builds the same.
    deviceOs: [...(spec.deviceOs ?? ['os11', 'os12'])].sort(),
    platform: spec.platform ?? 'vsphere',
    loadBalancing,
    layout,
    servers,
    loadBalancers,
    sizing: {
      serversNeeded,
      serversSource: spec.servers === undefined ? 'derived' : 'given',
      loadBalancersNeeded,
      loadBalancersSource,
      layoutSource,
      nodesSource: spec.nodes ? 'given' : 'derived',
    },
    clusterAddress: spec.clusterAddress,
    sharedWorkplace: spec.sharedWorkplace ?? false,
    database: {
      ...spec.database,
      port: spec.database.port ?? (engine === 'embedded' ? undefined : DEFAULT_DATABASE_PORTS[engine]),
      authentication: engine === 'mssql' ? (spec.database.authentication ?? 'sql') : spec.database.authentication,
    },
    network: {
      vlanId: net.vlanId,
      portGroup: net.portGroup,
      distributedSwitch: net.distributedSwitch,
      cidr: net.cidr,
      networkAddress: subnet ? fromInt(subnet.network) : net.cidr,
      broadcastAddress: subnet ? fromInt(subnet.broadcast) : net.cidr,
      prefixLength: subnet?.prefixLength ?? 0,
      cidrHasHostBits: subnet?.hostBits ?? false,
      gateway: net.gateway,
      dns: [...net.dns],
      ntpServers: [...(net.ntpServers ?? [])],
      firstAddress: net.firstAddress,
      deviceCidrs: canonicalCidrs(net.deviceCidrs),
      adminCidrs: canonicalCidrs(net.adminCidrs),
    },
    nodes,
    poolProblem,
    resources,
    firmware: { retainedUpdates, syncViaWebdav: spec.firmware?.syncViaWebdav ?? true },
    installer: { url: spec.installer.url, sha256: spec.installer.sha256 },
    networkToken: { mode: spec.networkToken.mode, variable: spec.networkToken.variable },
    vsphere: spec.vsphere,
  };
}
