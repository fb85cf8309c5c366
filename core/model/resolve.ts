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
import type { UmsHaTopologyDocument, NodeSpec, NetworkSpec } from '../document/generated/topology-types';
import { defaultPlatform, platformEntry, type PlacementSpec } from '../platform/registry';
import { fromInt, isHostAddress, parseSubnet, toInt, type Subnet } from './ipv4';
import {
  CO_LOCATED_MAX_DEVICES,
  DEFAULT_DATABASE_PORTS,
  DEVICES_PER_SERVER,
  MIN_LOAD_BALANCERS,
  MIN_SERVERS,
  RECOMMENDED_MAX_LOAD_BALANCERS,
  RECOMMENDED_MAX_SERVERS,
  SERVERS_PER_LOAD_BALANCER,
  type Layout,
  type AddressConflict,
  type PoolProblem,
  type ResolvedNode,
  type ResolvedTopology,
  type ResolvedVmSize,
  type Role,
  type SizingBasis,
} from './model';
import { join } from '../base/pointer';
import { LOAD_BALANCER_STANDALONE, serverHostMemoryGb, sizeClass } from './size-classes';

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
 * With the number of devices, they reach IGEL's size class too (core/model/size-classes.ts, UMS-RES-003):
 * a server host its class figure (Web App included), a load balancer host IGEL's standalone figure.
 */
export function defaultSizes(retained: number, devices?: number): { server: ResolvedVmSize; loadBalancer: ResolvedVmSize } {
  const server = { cpus: 4, memoryGb: 8, diskGb: Math.max(60, requiredServerDiskGb(retained) + 20) };
  const loadBalancer = { cpus: 2, memoryGb: 4, diskGb: 20 };
  if (devices === undefined) return { server, loadBalancer };
  const c = sizeClass(devices);
  return {
    server: { cpus: Math.max(server.cpus, c.serverHost.cpus), memoryGb: Math.max(server.memoryGb, serverHostMemoryGb(c)), diskGb: Math.max(server.diskGb, c.serverHost.diskGb) },
    loadBalancer: { cpus: Math.max(loadBalancer.cpus, LOAD_BALANCER_STANDALONE.cpus), memoryGb: Math.max(loadBalancer.memoryGb, LOAD_BALANCER_STANDALONE.memoryGb), diskGb: Math.max(loadBalancer.diskGb, LOAD_BALANCER_STANDALONE.diskGb) },
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

/**
 * Stable addresses (docs/topology.md, "Stable addresses"). A node without an explicit ip takes the
 * address of its slot, a fixed offset from network.firstAddress that depends on its role and its
 * slot number only, never on the other nodes: so adding or removing nodes moves no one.
 *
 * - Servers (hosts with the server role, co-located hosts too) have slots 1..6 at offsets 0..5;
 *   separate load balancers slots 1..3 at offsets 6..8. 6 and 3 are IGEL's general sizing
 *   recommendation (seed 004, 004_f9c19963f33757ec.txt, "Configuration Options": up to 6 UMS
 *   Servers, up to 3 UMS Load Balancers; UMS-SIZE-005/006), so the block firstAddress..+8 holds
 *   every node a site can grow into within it, and the host firewalls admit exactly that block.
 * - Beyond the recommendation (a reviewed exception), slots continue after the block, interleaved
 *   (server 7 at +9, load balancer 4 at +10, server 8 at +11, ...), so they stay stable too.
 * - The slot number is the number a node's name ends with (ums3, lb2, fra-ums-4: 3, 2, 4), the
 *   derived names always; a name without a number (or with a number another node of its role
 *   already has) takes the lowest free slot of its role, in name order.
 */
export const SERVER_SLOTS = RECOMMENDED_MAX_SERVERS;
export const LOAD_BALANCER_SLOTS = RECOMMENDED_MAX_LOAD_BALANCERS;
/** Addresses from firstAddress reserved for the HA nodes within the recommended maxima. */
export const RESERVED_BLOCK = SERVER_SLOTS + LOAD_BALANCER_SLOTS;

/** Which slot range a node takes: servers (co-located hosts included) or separate load balancers. */
export type SlotKind = 'server' | 'loadBalancer';

export const slotKind = (roles: readonly Role[]): SlotKind => (roles.includes('server') ? 'server' : 'loadBalancer');

/** Offset from network.firstAddress of slot `k` (1-based) of a kind. */
export function slotOffset(kind: SlotKind, k: number): number {
  if (kind === 'server') return k <= SERVER_SLOTS ? k - 1 : RESERVED_BLOCK + 2 * (k - SERVER_SLOTS - 1);
  return k <= LOAD_BALANCER_SLOTS ? SERVER_SLOTS + k - 1 : RESERVED_BLOCK + 1 + 2 * (k - LOAD_BALANCER_SLOTS - 1);
}

/** Where slot addresses are counted from: network.firstAddress in network.cidr, or on aws one pool per subnet. */
export interface AddressPool {
  readonly subnet: Subnet | undefined;
  readonly first: number | undefined;
}

/**
 * The address pools of a topology: one (network.firstAddress in network.cidr), or, when the
 * platform places nodes in subnets of its own (its registry entry's placement.subnets: on aws one
 * per subnet of aws.subnets), one per subnet, from its firstAddress or the first address past the
 * ones the platform reserves (AWS: the first four and the last address of every subnet).
 */
export function addressPools(spec: PlacementSpec): AddressPool[] {
  const placement = platformEntry(spec.platform ?? defaultPlatform())?.placement;
  const subnets = placement?.subnets?.(spec);
  if (subnets) {
    const reserved = placement?.reservedLeadingAddresses ?? 0;
    return subnets.map((s) => {
      const subnet = parseSubnet(s.cidr);
      const first = s.firstAddress !== undefined ? toInt(s.firstAddress) : subnet ? subnet.network + reserved : undefined;
      return { subnet, first };
    });
  }
  const first = spec.network.firstAddress === undefined ? undefined : toInt(spec.network.firstAddress);
  return [{ subnet: parseSubnet(spec.network.cidr), first }];
}

/**
 * The pool and address of slot `k` of a kind. With one pool, the slot's offset from its first
 * address; with several (aws subnets, one per availability zone), slot k goes to pool (k - 1) mod P,
 * at offset floor((k - 1) / P) there: the servers spread over the zones in turn, and still every
 * slot depends on its number only.
 */
export function slotAddress(pools: readonly AddressPool[], kind: SlotKind, k: number): { pool: AddressPool; address: number | undefined } {
  if (pools.length <= 1) {
    const pool = pools[0] ?? { subnet: undefined, first: undefined };
    return { pool, address: pool.first === undefined ? undefined : pool.first + slotOffset(kind, k) };
  }
  const pool = pools[(k - 1) % pools.length] as AddressPool;
  return { pool, address: pool.first === undefined ? undefined : pool.first + Math.floor((k - 1) / pools.length) };
}

/** The slot number of every node (explicit ips included: they keep their number from others). */
export function slotNumbers(nodes: ReadonlyArray<{ name: string; roles: readonly Role[]; ip?: string }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const kind of ['server', 'loadBalancer'] as const) {
    const mine = nodes.filter((n) => slotKind(n.roles) === kind).sort(byName);
    const claimed = new Set<number>();
    const rest: typeof mine = [];
    for (const n of mine) {
      const m = /(\d+)$/.exec(n.name);
      const k = m ? Number(m[1]) : 0;
      if (k >= 1 && k <= 10_000 && !claimed.has(k)) {
        claimed.add(k);
        out.set(n.name, k);
      } else rest.push(n);
    }
    let next = 1;
    for (const n of rest) {
      if (n.ip !== undefined) continue; // an explicit ip needs no slot
      while (claimed.has(next)) next++;
      claimed.add(next);
      out.set(n.name, next);
    }
  }
  return out;
}

/**
 * Addresses on the VLAN that belong to something else, and the key that names them: the gateway,
 * the DNS and NTP servers, the database host (when given as an address) and the listed nodes'
 * explicit ips. No node slot takes one of them, and no host firewall admits one as an HA node.
 */
function fixedOwners(
  net: { readonly gateway: string; readonly dns: readonly string[]; readonly ntpServers?: readonly string[] },
  databaseHost: string | undefined,
  listed: ReadonlyArray<{ name: string; ip?: string | null }>,
): Map<number, string> {
  const owners = new Map<number, string>();
  const own = (a: string | undefined | null, who: string) => {
    const n = a === undefined || a === null ? undefined : toInt(a);
    if (n !== undefined && !owners.has(n)) owners.set(n, who);
  };
  own(net.gateway, 'network.gateway');
  net.dns.forEach((a, i) => own(a, `network.dns[${i}]`));
  (net.ntpServers ?? []).forEach((a, i) => own(a, `network.ntpServers[${i}]`));
  own(databaseHost, 'database.host');
  for (const n of listed) own(n.ip, `node ${n.name}`);
  return owners;
}

function planAddresses(
  listed: ReadonlyArray<{ name: string; roles: Role[]; ip?: string }>,
  net: NetworkSpec,
  databaseHost: string | undefined,
  pools: readonly AddressPool[],
): { ips: Map<string, string>; problem?: PoolProblem } {
  const ips = new Map<string, string>();
  const slots = slotNumbers(listed);
  const owners = fixedOwners(net, databaseHost, listed);
  const unassigned: string[] = [];
  const conflicts: AddressConflict[] = [];
  let failed: AddressPool | undefined;
  for (const n of listed) {
    if (n.ip !== undefined) {
      ips.set(n.name, n.ip);
      continue;
    }
    const k = slots.get(n.name) as number;
    const { pool, address } = slotAddress(pools, slotKind(n.roles), k);
    const { subnet, first } = pool;
    if (!subnet || address === undefined || first === undefined || !isHostAddress(subnet, first) || !isHostAddress(subnet, address)) {
      unassigned.push(n.name);
      failed ??= pool;
      continue;
    }
    const owner = owners.get(address);
    if (owner !== undefined) {
      conflicts.push({ node: n.name, address: fromInt(address), owner });
      continue;
    }
    ips.set(n.name, fromInt(address));
  }
  let problem: PoolProblem | undefined;
  if (failed) {
    const { subnet, first } = failed;
    if (first === undefined) problem = { kind: 'no-first-address', nodes: unassigned };
    else if (!subnet || !isHostAddress(subnet, first)) problem = { kind: 'first-address-outside', nodes: unassigned };
    else problem = { kind: 'exhausted', nodes: unassigned, from: fromInt(first), last: lastHost(subnet) };
  } else if (conflicts.length > 0) {
    problem = { kind: 'taken', nodes: conflicts.map((c) => c.node), conflicts };
  }
  return { ips, problem };
}

const lastHost = (subnet: Subnet) => fromInt(subnet.prefixLength >= 31 ? subnet.broadcast : subnet.broadcast - 1);

/**
 * The addresses the HA hosts admit as nodes of a role: every slot of the role's range within the
 * recommended maxima (the nodes a later deploy can add without touching a running host), minus the
 * addresses something else owns (gateway, DNS, NTP, another node's explicit ip), plus the
 * addresses of the nodes the topology has now (explicit ips and slots beyond the maxima). In the
 * co-located layout every host is a server and a load balancer, so both roles take the server
 * range; with external load balancing there are no load balancers.
 */
export function admittedAddresses(t: ResolvedTopology, role: Role): readonly string[] {
  let byRole = admitted.get(t);
  if (!byRole) {
    byRole = {};
    admitted.set(t, byRole);
  }
  return (byRole[role] ??= Object.freeze(computeAdmitted(t, role)));
}

/** Computed once per topology and role (every node's firewall, the report and the preflight read it). */
const admitted = new WeakMap<ResolvedTopology, Partial<Record<Role, readonly string[]>>>();

function computeAdmitted(t: ResolvedTopology, role: Role): string[] {
  const out: number[] = [];
  const present = t.nodes.filter((n) => n.roles.includes(role) && n.ip !== null).map((n) => toInt(n.ip as string) as number);
  const range: SlotKind | undefined = role === 'server' || t.layout === 'co-located' ? 'server' : t.layout === 'separate' ? 'loadBalancer' : undefined;
  // The resolved topology keeps the document's platform blocks as written: placement reads them as from the document.
  const pools = addressPools(t as unknown as PlacementSpec);
  if (range) {
    const others = fixedOwners(t.network, t.database.host, t.nodes.filter((n) => !n.roles.includes(role)));
    const count = range === 'server' ? SERVER_SLOTS : LOAD_BALANCER_SLOTS;
    for (let k = 1; k <= count; k++) {
      const { pool, address } = slotAddress(pools, range, k);
      if (pool.subnet && pool.first !== undefined && address !== undefined && isHostAddress(pool.subnet, pool.first) && isHostAddress(pool.subnet, address) && !others.has(address)) out.push(address);
    }
  }
  for (const a of present) if (!out.includes(a)) out.push(a);
  return out.sort((x, y) => x - y).map(fromInt);
}

/** The counts of servers and load balancers, and why (sizing, shared/spec rules.md). */
function resolveCounts(doc: UmsHaTopologyDocument): Pick<ResolvedTopology, 'layout' | 'servers' | 'loadBalancers' | 'sizing'> {
  const spec = doc.spec;
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
  const sizing: SizingBasis = {
    serversNeeded,
    serversSource: spec.servers === undefined ? 'derived' : 'given',
    loadBalancersNeeded,
    loadBalancersSource,
    layoutSource,
    nodesSource: spec.nodes ? 'given' : 'derived',
  };
  return { layout, servers, loadBalancers, sizing };
}

type ListedNode = { name: string; roles: Role[]; ip?: string; vlanId?: number; pointer: string | null };

/**
 * The nodes as listed or derived from the sizing, in install order: the first server listed
 * creates the network token (its place is the one thing the order of nodes means); the other
 * servers, then the load balancers, follow by name, so listing them in another order builds the
 * same network.
 */
function listNodes(spec: UmsHaTopologyDocument['spec'], counts: Pick<ResolvedTopology, 'layout' | 'servers' | 'loadBalancers'>): { listed: ListedNode[]; ordered: ListedNode[] } {
  const listed: ListedNode[] = spec.nodes
    ? spec.nodes.map((n: NodeSpec, i) => ({ name: n.name, roles: [...n.roles], ip: n.ip, vlanId: n.vlanId, pointer: join('/spec/nodes', i) }))
    : derivedNodes(counts.layout, counts.servers, counts.loadBalancers).map((n) => ({ ...n, pointer: null }));
  const listedServers = listed.filter((n) => n.roles.includes('server'));
  const ordered = [
    ...listedServers.slice(0, 1),
    ...listedServers.slice(1).sort(byName),
    ...listed.filter((n) => !n.roles.includes('server')).sort(byName),
  ];
  return { listed, ordered };
}

/**
 * The resolved nodes: explicit ips stay, every other node takes the address of its slot
 * (addressPools, slotAddress); a platform that sets static MACs (its placement.nodeMac) gives each
 * addressed node one.
 */
function resolveNodes(doc: UmsHaTopologyDocument, platform: string, counts: Pick<ResolvedTopology, 'layout' | 'servers' | 'loadBalancers'>, resources: ResolvedTopology['resources']): { nodes: ResolvedNode[]; poolProblem?: PoolProblem } {
  const spec = doc.spec;
  const net = spec.network;
  const { listed, ordered } = listNodes(spec, counts);
  const plan = planAddresses(listed, net, spec.database.host, addressPools({ ...spec, platform }));
  const nodeMac = platformEntry(platform)?.placement?.nodeMac;
  const nodes: ResolvedNode[] = ordered.map((n, index) => {
    const ip = plan.ips.get(n.name) ?? null;
    return {
      name: n.name,
      vmName: `${doc.metadata.name}-${n.name}`,
      roles: n.roles,
      ip,
      mac: nodeMac && ip ? nodeMac(ip) : null,
      vlanId: n.vlanId ?? net.vlanId,
      index,
      pointer: n.pointer,
      size: n.roles.includes('server') ? resources.server : resources.loadBalancer,
    };
  });
  return { nodes, poolProblem: plan.problem };
}

/** The network block with its derived addresses and canonical lists. */
function resolveNetwork(net: NetworkSpec): ResolvedTopology['network'] {
  const subnet = parseSubnet(net.cidr);
  return {
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
    // Lists whose order means nothing get one canonical order, so a reordered file builds the same.
    deviceCidrs: canonicalCidrs(net.deviceCidrs),
    adminCidrs: canonicalCidrs(net.adminCidrs),
    adminSshKeys: [...(net.adminSshKeys ?? [])],
  };
}

/** The database with its default port and authentication. */
function resolveDatabase(database: UmsHaTopologyDocument['spec']['database']): ResolvedTopology['database'] {
  const engine = database.engine;
  return {
    ...database,
    port: database.port ?? (engine === 'embedded' ? undefined : DEFAULT_DATABASE_PORTS[engine]),
    authentication: engine === 'mssql' ? (database.authentication ?? 'sql') : database.authentication,
  };
}

/** Resolves a schema-valid topology document. */
export function resolveTopology(doc: UmsHaTopologyDocument): ResolvedTopology {
  const spec = doc.spec;
  const loadBalancing = spec.loadBalancing ?? 'igel';
  const platform = spec.platform ?? defaultPlatform();
  const counts = resolveCounts(doc);
  const retainedUpdates = spec.firmware?.retainedUpdates ?? DEFAULT_RETAINED_UPDATES;
  const defaults = defaultSizes(retainedUpdates, spec.devices);
  const resources = {
    server: { ...defaults.server, ...spec.resources?.server },
    loadBalancer: { ...defaults.loadBalancer, ...spec.resources?.loadBalancer },
  };
  const { nodes, poolProblem } = resolveNodes(doc, platform, counts, resources);
  return {
    name: doc.metadata.name,
    description: doc.metadata.description,
    umsVersion: spec.umsVersion,
    devices: spec.devices,
    // Lists whose order means nothing get one canonical order, so a reordered file builds the same.
    deviceOs: [...(spec.deviceOs ?? ['os11', 'os12'])].sort(),
    platform,
    loadBalancing,
    layout: counts.layout,
    servers: counts.servers,
    loadBalancers: counts.loadBalancers,
    sizing: counts.sizing,
    clusterAddress: spec.clusterAddress,
    ...(loadBalancing === 'external'
      ? { externalLoadBalancer: { tls: spec.externalLoadBalancer?.tls ?? 'passthrough', ...(spec.externalLoadBalancer?.os12MinimumVersion !== undefined ? { os12MinimumVersion: spec.externalLoadBalancer.os12MinimumVersion } : {}) } }
      : {}),
    sharedWorkplace: spec.sharedWorkplace ?? false,
    database: resolveDatabase(spec.database),
    network: resolveNetwork(spec.network),
    nodes,
    poolProblem,
    resources,
    firmware: { retainedUpdates, syncViaWebdav: spec.firmware?.syncViaWebdav ?? true },
    installer: { url: spec.installer.url, sha256: spec.installer.sha256 },
    networkToken: { mode: spec.networkToken.mode, variable: spec.networkToken.variable },
    vsphere: spec.vsphere,
    aws: spec.aws,
  };
}
