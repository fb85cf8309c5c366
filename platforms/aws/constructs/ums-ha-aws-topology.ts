import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { renderUserData } from '../../../bootstrap/cloud-init';
import { loadBalancerPorts, nodeInstanceType, nodeSubnetIndex, secretParameters } from '../placement';
import type { ResolvedNode, ResolvedTopology } from '../../../core/model/model';
import type { SizingReport } from '../../../core/reports/report';
import { hasClusterAddressSetting } from '../../../core/rules/ver';
import { validateForConstruct } from '../../../constructs/validated';
import type { UmsHaTopologyProps } from '../../vsphere/constructs/ums-ha-topology';
import { terraformLiteral } from '../../../constructs/terraform-literal';
import { UmsHaAwsInstanceProfile } from './instance-profile';
import { UmsHaAwsLoadBalancer } from './load-balancer';
import { UmsHaAwsNetwork } from './network';
import { UmsHaAwsNodeInstance } from './node-instance';
import { UmsHaAwsSecurityGroups } from './security-groups';

/** Props of {@link UmsHaAwsTopology}: the same as on vSphere (renderBootstrap is not used: AWS boots from user data only). */
export type UmsHaAwsTopologyProps = Omit<UmsHaTopologyProps, 'renderBootstrap'> & {
  /** Renders a node's #cloud-config. @default - renderUserData from bootstrap/ */
  readonly renderUserData?: (topology: ResolvedTopology, node: ResolvedNode) => string;
};

/**
 * An IGEL UMS HA network on AWS (platform aws, loadBalancing external, UMS 6.10 or later: seed 004,
 * 004_f9c19963f33757ec.txt). Validates exactly as the vSphere topology does (same rules, messages
 * and refusal), then composes: the VPC and subnet look-ups, the security groups generated from the
 * firewall matrix, the hosts' instance profile, one EC2 instance per node of the deploy phase
 * (servers in the subnets of their addresses, so spread over the zones), the Network Load Balancer,
 * and the outputs (Cluster Address, the load balancer's DNS name, the database rule).
 */
export class UmsHaAwsTopology extends Construct {
  readonly topology: ResolvedTopology;
  readonly network: UmsHaAwsNetwork;
  readonly securityGroups: UmsHaAwsSecurityGroups;
  readonly instanceProfile: UmsHaAwsInstanceProfile;
  readonly nodes: readonly UmsHaAwsNodeInstance[];
  readonly loadBalancer: UmsHaAwsLoadBalancer;
  private readonly sizing: () => SizingReport;

  /** The sizing review of this topology, as `ums-ha report` gives it; UmsHaAwsStack writes it beside the stack. Built on first use. */
  get report(): SizingReport {
    return this.sizing();
  }

  constructor(scope: Construct, id: string, props: UmsHaAwsTopologyProps) {
    super(scope, id);
    const validated = validateForConstruct(this, scope, id, props, 'aws');
    this.sizing = validated.report;
    const t = validated.topology;
    this.topology = t;
    const aws = t.aws!; // UMS-AWS-001 refuses an aws topology without it
    const phase = props.deployPhase ?? 'all';

    this.network = new UmsHaAwsNetwork(this, 'Network', { vpcId: aws.vpcId, subnets: aws.subnets });
    this.securityGroups = new UmsHaAwsSecurityGroups(this, 'SecurityGroups', { topology: t, vpcId: this.network.vpcId });
    const secrets = secretParameters(aws);
    this.instanceProfile = new UmsHaAwsInstanceProfile(this, 'InstanceProfile', {
      topologyName: t.name,
      region: aws.region,
      parameters: [secrets.databasePassword, secrets.networkToken],
      kmsKeyArn: aws.secrets.kmsKeyArn,
    });

    // The first server creates the network token; the others join with it (README, Deploy order).
    const built = phase === 'first-server' ? t.nodes.slice(0, 1) : t.nodes;
    this.nodes = this.addNodes(t, built, props.renderUserData ?? renderUserData);
    this.loadBalancer = this.addLoadBalancer(t, built);
    const dbPort = t.database.port;
    const sg = this.securityGroups.ids;
    if (aws.databaseSecurityGroupId !== undefined && dbPort !== undefined && sg.server !== undefined) {
      new VpcDatabaseRule(this, 'DatabaseIngress', aws.databaseSecurityGroupId, sg.server, dbPort);
    }
    this.addOutputs(t, built, phase);
  }

  /** One EC2 instance per node of the deploy phase, in the subnet of its address. */
  private addNodes(t: ResolvedTopology, built: readonly ResolvedNode[], render: (topology: ResolvedTopology, node: ResolvedNode) => string): UmsHaAwsNodeInstance[] {
    const aws = t.aws!;
    const sg = this.securityGroups.ids;
    return built.map(
      (node) =>
        new UmsHaAwsNodeInstance(this, node.name, {
          node,
          ami: aws.ami,
          instanceType: nodeInstanceType(t, node)!, // UMS-AWS-005 refuses a size without a type
          subnetId: this.network.subnetIds[nodeSubnetIndex(aws, node)!]!, // UMS-AWS-003 refuses an address in no subnet
          securityGroupIds: node.roles.map((r) => sg[r]).filter((x): x is string => x !== undefined),
          instanceProfileName: this.instanceProfile.profileName,
          userData: render(t, node),
          dataVolumeType: aws.dataVolume?.type ?? 'gp3',
          kmsKeyArn: aws.dataVolume?.kmsKeyArn,
        }),
    );
  }

  /** The Network Load Balancer in front of the servers of the deploy phase, on the matrix's device ports. */
  private addLoadBalancer(t: ResolvedTopology, built: readonly ResolvedNode[]): UmsHaAwsLoadBalancer {
    const instanceIds = this.nodes.map((n) => n.resource.id);
    const servers = built.map((n, i) => ({ node: n, id: instanceIds[i] as string })).filter((x) => x.node.roles.includes('server'));
    return new UmsHaAwsLoadBalancer(this, 'LoadBalancer', {
      topologyName: t.name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds,
      securityGroupId: this.securityGroups.ids.nlb as string,
      scheme: t.aws!.loadBalancer?.scheme ?? 'internal',
      ports: loadBalancerPorts(t),
      targets: servers.map((s) => ({ name: s.node.name, instanceId: s.id })),
    });
  }

  /** The stack's outputs: the hosts, the load balancer, the Cluster Address step and the database rule. */
  private addOutputs(t: ResolvedTopology, built: readonly ResolvedNode[], phase: string): void {
    const aws = t.aws!;
    const dbPort = t.database.port;
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output(
      'nodes',
      built.map((n) => ({ name: n.name, host: terraformLiteral(n.vmName), roles: n.roles.join(','), ip: n.ip, zone: terraformLiteral(aws.subnets[nodeSubnetIndex(aws, n)!]!.availabilityZone) })),
      'The HA hosts of this deploy phase, in install order',
    );
    output('instance_ids', this.nodes.map((n) => n.resource.id), 'EC2 instance ids of the HA hosts of this deploy phase, in install order');
    output('target_group_arns', this.loadBalancer.targetGroups.map((g) => g.arn), 'Target groups of the Network Load Balancer, one per device port');
    output('load_balancer_dns_name', this.loadBalancer.dnsName, 'DNS name of the Network Load Balancer: the Cluster Address host must resolve to it');
    output('cluster_address', terraformLiteral(t.clusterAddress!), 'The UMS Cluster Address devices connect to (spec.clusterAddress)');
    output(
      'cluster_address_step',
      terraformLiteral(
        hasClusterAddressSetting(t.umsVersion)
          ? `Point ${t.clusterAddress!.replace(/:\d+$/, '')} (DNS CNAME or alias) at the load balancer_dns_name output, then set ${t.clusterAddress} in UMS Administration > Global Configuration > Server Network Settings > Cluster Address (seed 004)`
          : `Point ${t.clusterAddress!.replace(/:\d+$/, '')} (DNS CNAME or alias) at the load balancer_dns_name output; UMS ${t.umsVersion} has no Cluster Address setting (UMS-VER-002): point the devices to that name by the igelrmserver DNS name or DHCP option 224`,
      ),
      'The step after the first apply that makes the Cluster Address work',
    );
    output(
      'database_ingress',
      {
        protocol: 'tcp',
        port: dbPort ?? 0,
        from_security_group_id: this.securityGroups.ids.server,
        added_to: aws.databaseSecurityGroupId !== undefined ? terraformLiteral(aws.databaseSecurityGroupId) : 'not added: add this rule to the database security group',
      },
      'The rule the database needs: TCP on the database port from the servers security group (added when aws.databaseSecurityGroupId is set)',
    );
    output('deploy_phase', phase, 'first-server: only the first server exists yet; all: every node');
  }
}

/** The optional rule on the database's own security group: the servers may reach its port. */
class VpcDatabaseRule extends Construct {
  constructor(scope: Construct, id: string, groupId: string, serversGroupId: string, port: number) {
    super(scope, id);
    new VpcSecurityGroupIngressRule(this, 'Resource', {
      securityGroupId: terraformLiteral(groupId),
      referencedSecurityGroupId: serversGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: 'ums-ha matrix database',
    }).overrideLogicalId('database_from_servers');
  }
}
