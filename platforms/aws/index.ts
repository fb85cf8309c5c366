/**
 * The AWS platform's entry in the registry (core/platform/registry.ts), free of cdktf: EC2
 * instances in existing subnets, one per availability zone, behind a Network Load Balancer;
 * secrets from SSM Parameter Store. The stack (./stack.ts, cdktf and the AWS bindings) loads only
 * when an aws topology is synthesized, so an app of vSphere files never reads the AWS bindings.
 */
import type { PlatformEntry, PlatformStackClass } from '../../core/platform/registry';
import type { ResolvedNode, ResolvedTopology } from '../../core/model/model';
import { EC2_USER_DATA_MAX_BYTES, userDataProblem } from '../../bootstrap/cloud-init';
import { firewallMatrix } from '../../core/network/matrix';
import type { ReportAws } from '../../core/reports/report';
import { AWS_RESERVED_LEADING_ADDRESSES } from './addresses';
import { loadBalancerPorts, nodeInstanceType, nodeSubnetIndex, securityGroupRules } from './placement';
import { awsRules } from './rules';

/** The install script's SSM settings of a node: the region and the parameter names (never a value). */
function secretSettings(t: ResolvedTopology, node: ResolvedNode): Record<string, string> {
  const aws = t.aws;
  if (!aws) return {};
  return {
    UMS_HA_AWS_REGION: aws.region,
    UMS_HA_DB_PASSWORD_PARAMETER: node.roles.includes('server') ? aws.secrets.databasePasswordParameter : '',
    UMS_HA_TOKEN_PARAMETER: aws.secrets.networkTokenParameter,
  };
}

/** The report's AWS placement section: instance type and zone per host, the NLB's ports, the security group rules. */
function placementReport(t: ResolvedTopology): ReportAws | undefined {
  const aws = t.aws;
  if (!aws) return undefined;
  return {
    region: aws.region,
    hosts: t.nodes.map((n) => {
      const i = nodeSubnetIndex(aws, n);
      return { name: n.name, instanceType: nodeInstanceType(t, n) ?? null, zone: i === undefined ? null : (aws.subnets[i]?.availabilityZone ?? null) };
    }),
    loadBalancerPorts: loadBalancerPorts(t),
    securityGroupRules: securityGroupRules(t).length,
    notOpened: firewallMatrix(t).filter((r) => r.broadcast).map((r) => r.id),
  };
}

export const awsPlatform: PlatformEntry = {
  name: 'aws',
  title: 'Amazon Web Services: EC2 instances behind a Network Load Balancer',
  broadcast: false,
  externalLoadBalancer: 'aws-nlb',
  placement: {
    // One address pool per subnet of aws.subnets (one per availability zone), taken in turn.
    subnets: (spec) => (spec.aws ? spec.aws.subnets : undefined),
    reservedLeadingAddresses: AWS_RESERVED_LEADING_ADDRESSES,
  },
  rules: awsRules,
  userDataProblem,
  bootstrap: {
    secretSource: 'aws-ssm',
    secretSettings,
    // python3 reads the SSM answers (ums-ha-install); no VMware tools.
    packages: ['python3'],
    networkConfig: 'platform',
    userData: { maxBytes: EC2_USER_DATA_MAX_BYTES, counted: 'gzip', name: 'the user data of {node}', limit: 'EC2 allows at most {max}' },
  },
  deploy: {
    nodeResource: (node) => `aws_instance.${node.name}`,
    secretsVia: 'boot-store',
    // The AWS stack declares none: its hosts read the secrets from SSM, the provider its credentials from the environment.
    deployVariables: () => [],
    credentials: 'with the AWS credentials in the environment as for the first deploy (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
  },
  placementReport,
  classes: { stack: 'UmsHaAwsStack', construct: 'UmsHaAwsTopology' },
  loadStack: () => (require('./stack') as typeof import('./stack')).UmsHaAwsStack as PlatformStackClass,
};
