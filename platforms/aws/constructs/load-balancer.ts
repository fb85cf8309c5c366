import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { Construct } from 'constructs';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaAwsLoadBalancer}. */
export interface UmsHaAwsLoadBalancerProps {
  readonly topologyName: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly scheme: 'internal' | 'internet-facing';
  /** TCP ports to balance (from the firewall matrix: loadBalancerPorts). */
  readonly ports: readonly number[];
  /** The server instances behind every port, by node name. */
  readonly targets: ReadonlyArray<{ readonly name: string; readonly instanceId: string }>;
}

/**
 * The external load balancer of the HA network (seed 004, "If You Use an External Load Balancer /
 * Reverse Proxy"): a Network Load Balancer across the subnets, one TCP listener and target group per
 * device port, each server a target with its own TCP health check on the port it serves. A Network
 * Load Balancer, not an Application Load Balancer: it passes TLS through to the servers (the UMS
 * Server certificate stays the one devices check), carries OS 11's 30001 (not HTTP) as well as 8443,
 * and keeps the devices' addresses for the servers' firewalls. See docs/topology.md, Platform aws.
 */
export class UmsHaAwsLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroups: readonly LbTargetGroup[];
  /** The DNS name the Cluster Address must resolve to. */
  readonly dnsName: string;

  constructor(scope: Construct, id: string, props: UmsHaAwsLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new Lb(this, 'Resource', {
      loadBalancerType: 'network',
      internal: props.scheme === 'internal',
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      enableCrossZoneLoadBalancing: true,
      tags: { Name: terraformLiteral(`${props.topologyName}-ums`) },
    });
    this.loadBalancer.overrideLogicalId('cluster');
    this.dnsName = this.loadBalancer.dnsName;
    const lbArn = this.loadBalancer.arn;
    this.targetGroups = props.ports.map((port) => {
      const group = new LbTargetGroup(this, `Tcp${port}`, {
        port,
        protocol: 'TCP',
        targetType: 'instance',
        vpcId: props.vpcId,
        preserveClientIp: 'true',
        deregistrationDelay: '30',
        healthCheck: { enabled: true, protocol: 'TCP', port: 'traffic-port', interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
        tags: { Name: terraformLiteral(`${props.topologyName}-ums-${port}`) },
      });
      group.overrideLogicalId(`tcp_${port}`);
      const groupArn = group.arn;
      new LbListener(this, `Listener${port}`, {
        loadBalancerArn: lbArn,
        port,
        protocol: 'TCP',
        defaultAction: [{ type: 'forward', targetGroupArn: groupArn }],
      }).overrideLogicalId(`tcp_${port}`);
      for (const target of props.targets) {
        new LbTargetGroupAttachment(this, `Tcp${port}${target.name}`, { targetGroupArn: groupArn, targetId: target.instanceId, port }).overrideLogicalId(`tcp_${port}_${target.name}`);
      }
      return group;
    });
  }
}
