/**
 * AWS placement rules (platform aws, the `aws:` block). Seed 004 (004_f9c19963f33757ec.txt): HA
 * without IGEL UMS Load Balancers is supported in cloud environments as of UMS 6.10, so an aws
 * network is servers behind an external load balancer; each server must survive the loss of one
 * availability zone, the anti-affinity of this platform. The subnet arithmetic (AWS reserves the
 * first four and the last address of a subnet) has no IGEL source.
 *
 * The platform's entry (./index.ts) carries these rules; the catalog runs them for aws topologies
 * only (core/rules/index.ts), so no check here asks for the platform. UMS-XLB-005 (the Cluster
 * Address port on the Network Load Balancer) is an external load balancer rule of this platform.
 */
import { AWS_RESERVED_LEADING_ADDRESSES, instanceTypeFor, loadBalancerPorts, nodeSubnetIndex, securityGroupRules } from './placement';
import { parseClusterAddress } from '../../core/network/external-lb';
import { contains, fromInt, parseSubnet, toInt } from '../../core/model/ipv4';
import { join } from '../../core/base/pointer';
import { SEEDS } from '../../core/model/seeds';
import type { Report, SynthesisRule, TopologyRule } from '../../core/model/rule';

/** Inbound (and, apart, outbound) rules per security group that AWS allows by default (Amazon VPC quotas). */
export const SECURITY_GROUP_RULES_QUOTA = 60;
const GROUP_NAMES: Record<string, string> = { server: 'servers\'', loadBalancer: 'load balancers\'', nlb: 'Network Load Balancer\'s' };

export const awsRules: readonly (TopologyRule | SynthesisRule)[] = [
  {
    id: 'UMS-AWS-001',
    phase: 'synthesis',
    severity: 'error',
    seed: [],
    title: 'An aws stack needs the aws block',
    explanation: 'The region, VPC, subnets, image and SSM parameters come from spec.aws; without it there is nothing to place the hosts in.',
    check({ topology: t }) {
      if (t.aws) return [];
      return [{ path: '/spec', message: 'platform aws needs an aws block (region, vpcId, subnets, ami, secrets) to be synthesized: see docs/topology.md, Platform aws' }];
    },
  },
  {
    id: 'UMS-AWS-002',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'One subnet per availability zone, inside the VPC block',
    explanation: 'Each aws.subnets entry is an existing subnet looked up by zone and CIDR: it must lie inside network.cidr (the VPC block), not overlap another, and be the only one of its zone; its firstAddress must be a usable address of it.',
    check({ topology: t }) {
      if (!t.aws) return [];
      const reports: Report[] = [];
      const vpc = parseSubnet(t.network.cidr);
      const seenZones = new Map<string, number>();
      const parsed = t.aws.subnets.map((s) => parseSubnet(s.cidr));
      t.aws.subnets.forEach((s, i) => {
        const at = join('/spec/aws/subnets', i);
        const subnet = parsed[i];
        if (!subnet) return;
        if (subnet.hostBits) reports.push({ path: join(at, 'cidr'), message: `aws.subnets[${i}].cidr ${s.cidr} has host bits set: write the network address, ${fromInt(subnet.network)}/${subnet.prefixLength}` });
        if (vpc && !(contains(vpc, subnet.network) && contains(vpc, subnet.broadcast))) {
          reports.push({ path: join(at, 'cidr'), message: `aws.subnets[${i}].cidr ${s.cidr} is outside network.cidr ${t.network.cidr}: network.cidr is the VPC's IPv4 block, which contains every subnet` });
        }
        const other = parsed.findIndex((o, j) => j < i && o !== undefined && o.network <= subnet.broadcast && subnet.network <= o.broadcast);
        if (other >= 0) reports.push({ path: join(at, 'cidr'), message: `aws.subnets[${i}].cidr ${s.cidr} overlaps aws.subnets[${other}].cidr ${t.aws!.subnets[other]!.cidr}: name each subnet once` });
        const sameZone = seenZones.get(s.availabilityZone);
        if (sameZone !== undefined) {
          reports.push({ path: join(at, 'availabilityZone'), message: `aws.subnets[${i}] is in ${s.availabilityZone} like aws.subnets[${sameZone}]: give one subnet per availability zone, so the servers spread over the zones` });
        } else seenZones.set(s.availabilityZone, i);
        if (s.firstAddress !== undefined) {
          const a = toInt(s.firstAddress) as number;
          if (!contains(subnet, a) || a < subnet.network + AWS_RESERVED_LEADING_ADDRESSES || a >= subnet.broadcast) {
            reports.push({ path: join(at, 'firstAddress'), message: `aws.subnets[${i}].firstAddress ${s.firstAddress} is not a usable address of ${s.cidr} (AWS reserves the first four and the last): start at ${fromInt(subnet.network + AWS_RESERVED_LEADING_ADDRESSES)} or later` });
          }
        }
      });
      return reports;
    },
  },
  {
    id: 'UMS-AWS-003',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Every node address is a usable address of one of the subnets',
    explanation: 'The instance gets its address in the subnet that contains it; an address in no listed subnet, or one AWS reserves (the first four and the last of a subnet), cannot be assigned.',
    check({ topology: t }) {
      if (!t.aws) return [];
      const aws = t.aws;
      const reports: Report[] = [];
      for (const node of t.nodes) {
        if (node.ip === null) continue;
        const path = node.pointer !== null ? join(node.pointer, 'ip') : '/spec/aws/subnets';
        const i = nodeSubnetIndex(aws, node);
        if (i === undefined) {
          reports.push({ path, message: `node ${node.name}: ip ${node.ip} is in none of aws.subnets (${aws.subnets.map((s) => s.cidr).join(', ')}): give it an address of one of them` });
          continue;
        }
        const subnet = parseSubnet(aws.subnets[i]!.cidr)!;
        const a = toInt(node.ip) as number;
        if (a < subnet.network + AWS_RESERVED_LEADING_ADDRESSES || a === subnet.broadcast) {
          reports.push({ path, message: `node ${node.name}: ip ${node.ip} is reserved by AWS in ${aws.subnets[i]!.cidr} (the first four and the last address): use another address` });
        }
      }
      return reports;
    },
  },
  {
    id: 'UMS-AWS-004',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'The servers spread over at least two availability zones',
    explanation: 'The servers of an HA network must not fail together; on AWS that means different availability zones (the anti-affinity of this platform).',
    check({ topology: t }) {
      if (!t.aws) return [];
      const aws = t.aws;
      const servers = t.nodes.filter((n) => n.roles.includes('server') && n.ip !== null);
      const zones = new Set(servers.map((n) => nodeSubnetIndex(aws, n)).filter((i) => i !== undefined).map((i) => aws.subnets[i as number]!.availabilityZone));
      if (servers.length < 2 || zones.size !== 1) return [];
      return [
        {
          path: servers.find((n) => n.pointer !== null)?.pointer ?? '/spec/aws/subnets',
          message: `every server is in ${[...zones][0]}: give the servers addresses in subnets of at least two availability zones (or leave their ip out: they then take the subnets in turn)`,
        },
      ];
    },
  },
  {
    id: 'UMS-AWS-005',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'The server size maps to an instance type',
    explanation: 'Without aws.instanceTypes.server, the type is the smallest c6i, m6i or r6i type with the resources; a size beyond all of them needs an explicit type.',
    check({ topology: t }) {
      if (!t.aws || t.aws.instanceTypes?.server !== undefined) return [];
      const size = t.resources.server;
      if (instanceTypeFor(size)) return [];
      return [{ path: '/spec/resources/server', message: `no c6i, m6i or r6i instance type has ${size.cpus} vCPUs and ${size.memoryGb} GiB: set aws.instanceTypes.server` }];
    },
  },
  {
    id: 'UMS-AWS-006',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'Every security group stays within the default rule quota',
    explanation: `AWS allows ${SECURITY_GROUP_RULES_QUOTA} inbound and ${SECURITY_GROUP_RULES_QUOTA} outbound rules per security group by default (Amazon VPC quotas, "Inbound or outbound rules per security group"); the stack writes one rule per port and device or admin network, and a group over the quota fails at deploy time, after other resources were created.`,
    check({ topology: t }) {
      if (!t.aws) return [];
      const counts = new Map<string, number>();
      for (const r of securityGroupRules(t)) counts.set(`${r.group} ${r.direction}`, (counts.get(`${r.group} ${r.direction}`) ?? 0) + 1);
      const reports: Report[] = [];
      for (const [key, n] of [...counts].sort()) {
        if (n <= SECURITY_GROUP_RULES_QUOTA) continue;
        const [group, direction] = key.split(' ') as [string, string];
        reports.push({
          path: '/spec/network/deviceCidrs',
          message: `the ${GROUP_NAMES[group] ?? group} security group gets ${n} ${direction === 'ingress' ? 'inbound' : 'outbound'} rules, over AWS's default quota of ${SECURITY_GROUP_RULES_QUOTA} per group (one rule per port and device or admin network): merge the networks into fewer, wider ones; if the quota of the account is raised, accept it in spec.exceptions (id: UMS-AWS-006) with the reason`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-XLB-005',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'On aws the Cluster Address port is a port the Network Load Balancer listens on',
    explanation:
      'The aws stack\'s Network Load Balancer listens on the ports devices reach the servers on in the firewall matrix (8443) and passes them through unchanged; devices connect to the Cluster Address (seed 004), so a Cluster Address on another port reaches no listener.',
    check({ topology: t }) {
      if (t.loadBalancing !== 'external' || t.clusterAddress === undefined) return [];
      const cluster = parseClusterAddress(t.clusterAddress);
      const ports = loadBalancerPorts(t);
      if (!cluster || ports.length === 0 || ports.includes(cluster.port)) return [];
      return [
        {
          path: '/spec/clusterAddress',
          message: `clusterAddress port ${cluster.port} is no port the aws stack's Network Load Balancer listens on (${ports.join(', ')}, from the firewall matrix, passed through to the servers unchanged): use ${cluster.host}:${ports[0]}`,
        },
      ];
    },
  },
];
