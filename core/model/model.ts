/**
 * The resolved topology: the file after defaults and sizing derivation (shared/spec rules.md,
 * seed 004 "Configuration Options"). It is what rules check, what the report shows and what the
 * constructs and the bootstrap build from.
 */
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';

export type { UmsHaTopologyDocument } from '../document/generated/topology-types';
export type * from '../document/generated/topology-types';

/** What a host runs. A host with both is a co-located host. */
export type Role = 'server' | 'loadBalancer';
/** Where the load balancers run; `none` for external load balancing (no IGEL load balancers). */
export type Layout = 'co-located' | 'separate' | 'none';
export type DeviceOs = 'os11' | 'os12';
/**
 * A registered platform's name (core/platform/registry.ts): the built-in vsphere, aws, azure and
 * gcp, or one a program registers (docs/platforms.md).
 */
export type Platform = string;
export type DatabaseEngine = 'postgresql' | 'mssql' | 'oracle' | 'embedded';

/** Devices one UMS Server serves (seed 004, Configuration Options: "1 UMS Server per max. 50,000 devices"). */
export const DEVICES_PER_SERVER = 50_000;
/** Servers one load balancer serves (seed 004: "1 LB per max. 3 UMS Servers"). */
export const SERVERS_PER_LOAD_BALANCER = 3;
/** Above this many devices the load balancers need hosts of their own (seed 004). */
export const CO_LOCATED_MAX_DEVICES = 50_000;
/** General sizing recommendation (seed 004): up to 6 servers, up to 3 load balancers. */
export const RECOMMENDED_MAX_SERVERS = 6;
export const RECOMMENDED_MAX_LOAD_BALANCERS = 3;
/** An HA network needs at least two of each for failover (seed 004: "installed on two servers"). */
export const MIN_SERVERS = 2;
export const MIN_LOAD_BALANCERS = 2;

/** Default TCP port of each database engine. */
export const DEFAULT_DATABASE_PORTS: Readonly<Record<Exclude<DatabaseEngine, 'embedded'>, number>> = {
  postgresql: 5432,
  mssql: 1433,
  oracle: 1521,
};

/** Size of one VM after defaults. */
export interface ResolvedVmSize {
  readonly cpus: number;
  readonly memoryGb: number;
  /** Data disk for the UMS installation and its data directory (firmware updates on servers). */
  readonly diskGb: number;
}

export interface ResolvedNode {
  /** Short name from the file or derived (`ums1`, `lb1`...). */
  readonly name: string;
  /** VM and host name: `<metadata.name>-<name>`. */
  readonly vmName: string;
  readonly roles: readonly Role[];
  /** Static address; null when none could be given (see UMS-NET-002). */
  readonly ip: string | null;
  /**
   * Static MAC of the node's NIC on vSphere, derived from its address (platforms/vsphere/mac.ts; stable as
   * the address is); null on aws (AWS assigns the MAC) or without an address.
   */
  readonly mac: string | null;
  readonly vlanId: number;
  /** Position in install order (0 = the first server, which creates the network token). */
  readonly index: number;
  /** JSON pointer of the node in the file, or null for a derived node. */
  readonly pointer: string | null;
  /** VM size for this node's roles. */
  readonly size: ResolvedVmSize;
}

/** Why the address pool could not give every node an address. */
export type PoolProblem =
  | { readonly kind: 'no-first-address'; readonly nodes: readonly string[] }
  | { readonly kind: 'first-address-outside'; readonly nodes: readonly string[] }
  | { readonly kind: 'exhausted'; readonly nodes: readonly string[]; readonly from: string; readonly last: string }
  /** A node's slot address (docs/topology.md, stable addresses) belongs to something else. */
  | { readonly kind: 'taken'; readonly nodes: readonly string[]; readonly conflicts: readonly AddressConflict[] };

/** A slot address that the gateway, a DNS or NTP server or another node's explicit ip already has. */
export interface AddressConflict {
  readonly node: string;
  readonly address: string;
  /** The key that has it: network.gateway, network.dns[0], node lb1... */
  readonly owner: string;
}

export interface ResolvedNetwork {
  readonly vlanId: number;
  readonly portGroup: string;
  /** Distributed switch to create the port group on; undefined when the port group exists. */
  readonly distributedSwitch?: string;
  readonly cidr: string;
  /** Network address of the cidr (host bits cleared). */
  readonly networkAddress: string;
  readonly broadcastAddress: string;
  readonly prefixLength: number;
  /** Whether cidr was written with host bits set (e.g. 10.20.0.5/24). */
  readonly cidrHasHostBits: boolean;
  readonly gateway: string;
  readonly dns: readonly string[];
  readonly ntpServers: readonly string[];
  readonly firstAddress?: string;
  readonly deviceCidrs: readonly string[];
  readonly adminCidrs: readonly string[];
  /** Operators' public SSH keys, installed for root on every host (none: no SSH login). */
  readonly adminSshKeys: readonly string[];
}

export interface ResolvedDatabase {
  readonly engine: DatabaseEngine;
  readonly host?: string;
  /** Port from the file or the engine default; undefined for embedded. */
  readonly port?: number;
  readonly name?: string;
  readonly user?: string;
  readonly passwordVariable?: string;
  /** mssql: sql (SQL Server authentication), kerberos (AD via Kerberos) or ad-native (refused, UMS-DB-006); undefined for other engines. */
  readonly authentication?: 'sql' | 'kerberos' | 'ad-native';
  /** authentication kerberos: what krb5.conf gets (UMS-DB-007). */
  readonly kerberos?: { readonly realm: string; readonly kdcs: readonly string[]; readonly domain?: string };
  /** How the database survives the loss of its host; undefined when the file does not say (UMS-DB-004). */
  readonly redundancy?: 'cluster' | 'replicated' | 'single';
  readonly singleHostReason?: string;
}

/** External load balancing: TLS passthrough to the servers (default) or SSL offloading at the load balancer. */
export interface ResolvedExternalLoadBalancer {
  readonly tls: 'passthrough' | 'offloading';
  /** The oldest IGEL OS 12 version of the devices behind it, when the file names it. */
  readonly os12MinimumVersion?: string;
}

/** How a count was arrived at, for the sizing report and the messages. */
export interface SizingBasis {
  /** ceil(devices / 50,000): the servers the device count needs. */
  readonly serversNeeded: number;
  readonly serversSource: 'given' | 'derived';
  /** ceil(servers / 3) in the separate layout, servers in co-located, 0 for external. */
  readonly loadBalancersNeeded: number;
  readonly loadBalancersSource: 'given' | 'derived' | 'co-located' | 'external';
  readonly layoutSource: 'given' | 'auto' | 'external';
  readonly nodesSource: 'given' | 'derived';
}

export interface ResolvedTopology {
  readonly name: string;
  readonly description?: string;
  readonly umsVersion: string;
  readonly devices: number;
  readonly deviceOs: readonly DeviceOs[];
  readonly platform: Platform;
  readonly loadBalancing: 'igel' | 'external';
  readonly layout: Layout;
  readonly servers: number;
  readonly loadBalancers: number;
  readonly sizing: SizingBasis;
  readonly clusterAddress?: string;
  /**
   * loadBalancing external: how the external load balancer carries the OS 12 devices' TLS
   * (docs/external-load-balancer.md); undefined with IGEL load balancers.
   */
  readonly externalLoadBalancer?: ResolvedExternalLoadBalancer;
  readonly sharedWorkplace: boolean;
  readonly database: ResolvedDatabase;
  readonly network: ResolvedNetwork;
  /** Install order: servers first (the first creates the network token), then load balancers. */
  readonly nodes: readonly ResolvedNode[];
  readonly poolProblem?: PoolProblem;
  readonly resources: { readonly server: ResolvedVmSize; readonly loadBalancer: ResolvedVmSize };
  readonly firmware: { readonly retainedUpdates: number; readonly syncViaWebdav: boolean };
  readonly installer: { readonly url: string; readonly sha256?: string };
  readonly networkToken: { readonly mode: 'create' | 'existing'; readonly variable: string };
  readonly vsphere?: UmsHaTopologyDocument['spec']['vsphere'];
  /** Placement in AWS (platform aws); see platforms/aws/placement.ts. */
  readonly aws?: UmsHaTopologyDocument['spec']['aws'];
}

/** The part of the resolved topology `validate --format json` prints. */
export interface ResolvedSummary {
  readonly servers: number;
  readonly loadBalancers: number;
  readonly layout: Layout;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly roles: readonly Role[]; readonly ip: string | null }>;
}

export function summarize(t: ResolvedTopology): ResolvedSummary {
  return {
    servers: t.servers,
    loadBalancers: t.loadBalancers,
    layout: t.layout,
    nodes: t.nodes.map((n) => ({ name: n.name, roles: [...n.roles], ip: n.ip })),
  };
}
