/**
 * The AWS placement of a resolved topology, free of cdktf: which subnet (availability zone) each
 * node is in, which EC2 instance type a role gets, and the SSM parameters the hosts read. The
 * stack (platforms/aws/stack.ts), the rules (rules/aws.ts) and the docs read these.
 *
 * IGEL source: seed 004 (004_f9c19963f33757ec.txt), installation requirements: HA without IGEL
 * UMS Load Balancers is supported in cloud environments as of UMS 6.10; the server minimums
 * (4 GB RAM) are checked by UMS-RES-001 on resources before a type is chosen here.
 */
import { firewallMatrix, type FirewallRow, type Party } from '../../core/network/matrix';
import { contains, parseSubnet, toInt } from '../../core/model/ipv4';
import type { ResolvedNode, ResolvedTopology, ResolvedVmSize, Role } from '../../core/model/model';
import type { AwsSpec, AwsSubnet } from '../../core/document/generated/topology-types';

export { AWS_RESERVED_LEADING_ADDRESSES } from './addresses';

/** One EC2 instance type: vCPUs and memory (GiB), from the AWS instance type pages. */
export interface InstanceType {
  readonly name: string;
  readonly cpus: number;
  readonly memoryGb: number;
}

const SIZES: ReadonlyArray<[string, number]> = [
  ['large', 2],
  ['xlarge', 4],
  ['2xlarge', 8],
  ['4xlarge', 16],
  ['8xlarge', 32],
  ['12xlarge', 48],
  ['16xlarge', 64],
  ['24xlarge', 96],
  ['32xlarge', 128],
];
/** Families by memory per vCPU: compute (2 GiB), general purpose (4 GiB), memory (8 GiB). */
const FAMILIES: ReadonlyArray<[string, number]> = [
  ['c6i', 2],
  ['m6i', 4],
  ['r6i', 8],
];

/** The types the mapping chooses from, smallest first (by vCPUs, then memory). */
export const INSTANCE_TYPES: readonly InstanceType[] = SIZES.flatMap(([size, cpus]) =>
  FAMILIES.map(([family, perCpu]) => ({ name: `${family}.${size}`, cpus, memoryGb: cpus * perCpu })),
);

/**
 * The documented mapping (docs/topology.md, Instance types): the smallest type of c6i, m6i and r6i
 * with at least `size.cpus` vCPUs and `size.memoryGb` GiB, by vCPUs first, then memory; undefined
 * when none is that large.
 */
export function instanceTypeFor(size: Pick<ResolvedVmSize, 'cpus' | 'memoryGb'>): InstanceType | undefined {
  return INSTANCE_TYPES.find((t) => t.cpus >= size.cpus && t.memoryGb >= size.memoryGb);
}

/** The instance type of a node: aws.instanceTypes.server when given, else the mapping. */
export function nodeInstanceType(t: ResolvedTopology, node: ResolvedNode): string | undefined {
  const explicit = node.roles.includes('server') ? t.aws?.instanceTypes?.server : undefined;
  return explicit ?? instanceTypeFor(node.size)?.name;
}

/** Index in aws.subnets of the subnet holding the node's address; undefined when none does. */
export function nodeSubnetIndex(aws: AwsSpec, node: ResolvedNode): number | undefined {
  const address = node.ip === null ? undefined : toInt(node.ip);
  if (address === undefined) return undefined;
  const i = aws.subnets.findIndex((s: AwsSubnet) => {
    const subnet = parseSubnet(s.cidr);
    return subnet !== undefined && contains(subnet, address);
  });
  return i < 0 ? undefined : i;
}

/** SSM parameter names the hosts read, by what they hold. */
export function secretParameters(aws: AwsSpec): { readonly databasePassword: string; readonly networkToken: string } {
  return { databasePassword: aws.secrets.databasePasswordParameter, networkToken: aws.secrets.networkTokenParameter };
}

/** The security groups of an aws stack: one per HA role present, and the load balancer's. */
export type SecurityGroupName = Role | 'nlb';

/** The other side of a security group rule. */
export type SecurityGroupPeer =
  | { readonly group: SecurityGroupName }
  | { readonly cidr: string }
  /** A security group outside the stack (aws.databaseSecurityGroupId). */
  | { readonly securityGroupId: string };

/** One security group rule, before it is a Terraform resource. */
export interface SecurityGroupRule {
  /** The group the rule belongs to. */
  readonly group: SecurityGroupName;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  readonly peer: SecurityGroupPeer;
  /** The firewall matrix rows (`matrix`) or bootstrap needs (`bootstrap`) the rule serves. */
  readonly source: 'matrix' | 'bootstrap';
  readonly reasons: readonly string[];
}

/** Where any address is. */
export const ANYWHERE = '0.0.0.0/0';

/**
 * Whether the Network Load Balancer forwards a row: TCP from the devices to the servers, the
 * ports devices reach through the Cluster Address (seed 004: 8443 for OS 12, 30001 for OS 11).
 */
export function forwardedByLoadBalancer(row: FirewallRow): boolean {
  return !row.broadcast && row.direction === 'inbound' && row.protocol === 'tcp' && row.from.includes('devices') && row.to.includes('server');
}

/** The ports the load balancer listens on, from the matrix (sorted, unique). */
export function loadBalancerPorts(t: ResolvedTopology): number[] {
  return [...new Set(firewallMatrix(t).filter(forwardedByLoadBalancer).map((r) => r.port))].sort((a, b) => a - b);
}

/**
 * What the hosts reach while they boot, outside the firewall matrix (which covers UMS traffic
 * only): HTTPS for the installer, the package mirrors and SSM; HTTP for the package mirrors; the
 * topology's DNS and NTP servers. AWS's own DNS, time and metadata addresses are not filtered by
 * security groups, so nothing is opened for them.
 */
function bootstrapEgress(t: ResolvedTopology): Array<{ protocol: 'tcp' | 'udp'; port: number; cidr: string; reason: string }> {
  const out: Array<{ protocol: 'tcp' | 'udp'; port: number; cidr: string; reason: string }> = [
    { protocol: 'tcp', port: 443, cidr: ANYWHERE, reason: 'installer-packages-ssm' },
    { protocol: 'tcp', port: 80, cidr: ANYWHERE, reason: 'packages' },
  ];
  for (const dns of t.network.dns) {
    out.push({ protocol: 'udp', port: 53, cidr: `${dns}/32`, reason: 'dns' }, { protocol: 'tcp', port: 53, cidr: `${dns}/32`, reason: 'dns' });
  }
  for (const ntp of t.network.ntpServers) out.push({ protocol: 'udp', port: 123, cidr: toInt(ntp) !== undefined ? `${ntp}/32` : ANYWHERE, reason: 'ntp' });
  return out;
}

/**
 * The security group rules of an aws topology, generated from its firewall matrix
 * (core/network/matrix.ts, the source of every host firewall too), generically by row:
 *
 * - an inbound row opens ingress on the group of each destination role, from each source (the
 *   group of an HA role, or the device / admin CIDRs);
 * - any row whose source is an HA role opens egress on that role's group to each destination (the
 *   group of an HA role, the device / admin CIDRs, the database's group when given, else anywhere);
 * - a row the load balancer forwards also opens ingress on the load balancer's group from the
 *   row's sources, egress from it to the servers, and ingress on the servers from it (health checks);
 * - broadcast rows open nothing: AWS drops broadcast (seed 004), so they cannot be expressed.
 *
 * Rules that would repeat (same group, direction, protocol, port and peer) are merged, their
 * reasons joined. The order is fixed, so synthesis stays byte-identical.
 */
export function securityGroupRules(t: ResolvedTopology): SecurityGroupRule[] {
  const present = new Set<Role>(t.nodes.flatMap((n) => n.roles));
  const merged = new Map<string, { rule: Omit<SecurityGroupRule, 'reasons'>; reasons: string[] }>();
  const add = (rule: Omit<SecurityGroupRule, 'reasons'>, reason: string) => {
    const key = `${rule.group}|${rule.direction}|${rule.protocol}|${rule.port}|${peerKey(rule.peer)}`;
    const found = merged.get(key);
    if (found) {
      if (!found.reasons.includes(reason)) found.reasons.push(reason);
    } else merged.set(key, { rule, reasons: [reason] });
  };
  const peersOf = (party: Party, dbGroup?: string): SecurityGroupPeer[] => {
    if (party === 'server' || party === 'loadBalancer') return present.has(party) ? [{ group: party }] : [];
    if (party === 'devices') return t.network.deviceCidrs.map((cidr) => ({ cidr }));
    if (party === 'admins') return t.network.adminCidrs.map((cidr) => ({ cidr }));
    if (party === 'nlb') return [{ group: 'nlb' }];
    if (party === 'database') return dbGroup !== undefined ? [{ securityGroupId: dbGroup }] : [{ cidr: ANYWHERE }];
    return [{ cidr: ANYWHERE }];
  };
  const dbGroup = t.aws?.databaseSecurityGroupId;
  for (const row of firewallMatrix(t)) {
    if (row.broadcast) continue;
    const base = { protocol: row.protocol, port: row.port, source: 'matrix' as const };
    if (row.direction === 'inbound') {
      for (const to of row.to) {
        if ((to !== 'server' && to !== 'loadBalancer') || !present.has(to)) continue;
        for (const from of row.from) for (const peer of peersOf(from)) add({ ...base, group: to, direction: 'ingress', peer }, row.id);
      }
    }
    for (const from of row.from) {
      if ((from !== 'server' && from !== 'loadBalancer') || !present.has(from)) continue;
      for (const to of row.to) for (const peer of peersOf(to, dbGroup)) add({ ...base, group: from, direction: 'egress', peer }, row.id);
    }
    if (forwardedByLoadBalancer(row) && present.has('server')) {
      for (const from of row.from) for (const peer of peersOf(from)) add({ ...base, group: 'nlb', direction: 'ingress', peer }, row.id);
      add({ ...base, group: 'nlb', direction: 'egress', peer: { group: 'server' } }, row.id);
      add({ ...base, group: 'server', direction: 'ingress', peer: { group: 'nlb' } }, row.id);
    }
  }
  for (const role of [...present].sort()) {
    for (const b of bootstrapEgress(t)) add({ group: role, direction: 'egress', protocol: b.protocol, port: b.port, peer: { cidr: b.cidr }, source: 'bootstrap' }, b.reason);
  }
  return [...merged.values()].map(({ rule, reasons }) => ({ ...rule, reasons }));
}

export function peerKey(peer: SecurityGroupPeer): string {
  return 'group' in peer ? `group:${peer.group}` : 'cidr' in peer ? `cidr:${peer.cidr}` : `sg:${peer.securityGroupId}`;
}
