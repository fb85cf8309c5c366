import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { securityGroupRules, type SecurityGroupName, type SecurityGroupRule } from '../placement';
import type { ResolvedTopology } from '../../../core/model/model';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Props of {@link UmsHaAwsSecurityGroups}. */
export interface UmsHaAwsSecurityGroupsProps {
  readonly topology: ResolvedTopology;
  readonly vpcId: string;
}

const GROUP_IDS: Record<SecurityGroupName, string> = { server: 'servers', loadBalancer: 'load_balancers', nlb: 'nlb' };
const GROUP_PURPOSE: Record<SecurityGroupName, string> = {
  server: 'UMS Servers',
  loadBalancer: 'UMS Load Balancers',
  nlb: 'the Network Load Balancer in front of the UMS Servers',
};

/** The resource name of a rule: readable and unique (group, direction, protocol, port, peer). */
export function ruleLogicalId(rule: SecurityGroupRule): string {
  const peer = 'group' in rule.peer ? GROUP_IDS[rule.peer.group] : 'cidr' in rule.peer ? rule.peer.cidr.replace(/[./]/g, '_') : 'database';
  return `${GROUP_IDS[rule.group]}_${rule.direction === 'ingress' ? 'in' : 'out'}_${rule.protocol}${rule.port}_${peer}`;
}

/**
 * The security groups of an aws stack, with every rule generated from the topology's firewall
 * matrix by securityGroupRules (platforms/aws/placement.ts): no rule is written here by hand. Each rule is
 * its own resource (aws_vpc_security_group_ingress_rule / _egress_rule) with the matrix rows it
 * serves in its description; the groups have no other rules (Terraform removes AWS's default
 * allow-all egress).
 */
export class UmsHaAwsSecurityGroups extends Construct {
  readonly groups: Partial<Record<SecurityGroupName, SecurityGroup>>;
  /** Group ids, read once. */
  readonly ids: Partial<Record<SecurityGroupName, string>>;
  readonly rules: ReadonlyArray<VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule>;

  constructor(scope: Construct, id: string, props: UmsHaAwsSecurityGroupsProps) {
    super(scope, id);
    const t = props.topology;
    const rules = securityGroupRules(t);
    const names = [...new Set(rules.flatMap((r) => [r.group, ...('group' in r.peer ? [r.peer.group] : [])]))].sort();
    this.groups = {};
    this.ids = {};
    for (const name of names) {
      const group = new SecurityGroup(this, GROUP_IDS[name], {
        name: terraformLiteral(`${t.name}-ums-ha-${GROUP_IDS[name].replace(/_/g, '-')}`),
        description: terraformLiteral(`${GROUP_PURPOSE[name]} of the IGEL UMS HA network ${t.name} (managed by ums-ha)`),
        vpcId: props.vpcId,
        tags: { Name: terraformLiteral(`${t.name}-${GROUP_IDS[name].replace(/_/g, '-')}`) },
      });
      group.overrideLogicalId(GROUP_IDS[name]);
      this.groups[name] = group;
      this.ids[name] = group.id;
    }
    // Addresses from the rule itself (never a position), so a new row does not rename the others.
    this.rules = rules.map((rule) => {
      const logicalId = ruleLogicalId(rule);
      const peer =
        'group' in rule.peer
          ? { referencedSecurityGroupId: this.ids[rule.peer.group] as string }
          : 'cidr' in rule.peer
            ? { cidrIpv4: terraformLiteral(rule.peer.cidr) }
            : { referencedSecurityGroupId: terraformLiteral(rule.peer.securityGroupId) };
      const config = {
        securityGroupId: this.ids[rule.group] as string,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.port,
        description: terraformLiteral(`ums-ha ${rule.source} ${rule.reasons.join(',')}`),
        ...peer,
      };
      const resource = rule.direction === 'ingress' ? new VpcSecurityGroupIngressRule(this, logicalId, config) : new VpcSecurityGroupEgressRule(this, logicalId, config);
      resource.overrideLogicalId(logicalId);
      return resource;
    });
  }
}
