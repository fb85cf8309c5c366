'use strict';
/**
 * Baseline for the aws synthesis benchmark: plain cdktf with no ums-ha domain logic. Declares, per
 * topology, one stack with the AWS provider and the same resources ums-ha builds (VPC and subnet
 * look-ups, partition and account, security groups with as many rules, role, policy and instance
 * profile, instances with encrypted volumes, IMDSv2 and a user data payload of the size ums-ha's
 * has, the Network Load Balancer with its target groups, listeners and attachments), then
 * synthesizes. No validation, sizing, firewall matrix or rendering happens here.
 *   node bench/synth-baseline-aws.js OUTDIR SHAPES_JSON_FILE PAYLOAD_CHARS
 * SHAPES_JSON_FILE: [{"instances": n, "subnets": n, "ingress": n, "egress": n, "ports": n}, ...]
 * Prints {"ms": ..., "maxRssMb": ...} measured in this process.
 */
const started = process.hrtime.bigint();
const fs = require('node:fs');
const { payloadOf } = require('./payload');
const { App, TerraformStack, Fn } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { DataAwsVpc } = require('@cdktf/provider-aws/lib/data-aws-vpc');
const { DataAwsSubnet } = require('@cdktf/provider-aws/lib/data-aws-subnet');
const { DataAwsPartition } = require('@cdktf/provider-aws/lib/data-aws-partition');
const { DataAwsCallerIdentity } = require('@cdktf/provider-aws/lib/data-aws-caller-identity');
const { SecurityGroup } = require('@cdktf/provider-aws/lib/security-group');
const { VpcSecurityGroupIngressRule } = require('@cdktf/provider-aws/lib/vpc-security-group-ingress-rule');
const { VpcSecurityGroupEgressRule } = require('@cdktf/provider-aws/lib/vpc-security-group-egress-rule');
const { IamRole } = require('@cdktf/provider-aws/lib/iam-role');
const { IamRolePolicy } = require('@cdktf/provider-aws/lib/iam-role-policy');
const { IamInstanceProfile } = require('@cdktf/provider-aws/lib/iam-instance-profile');
const { Instance } = require('@cdktf/provider-aws/lib/instance');
const { Lb } = require('@cdktf/provider-aws/lib/lb');
const { LbTargetGroup } = require('@cdktf/provider-aws/lib/lb-target-group');
const { LbListener } = require('@cdktf/provider-aws/lib/lb-listener');
const { LbTargetGroupAttachment } = require('@cdktf/provider-aws/lib/lb-target-group-attachment');

const [outdir, shapesFile, payloadChars = '0'] = process.argv.slice(2);
const shapes = JSON.parse(fs.readFileSync(shapesFile, 'utf8'));
const app = new App({ outdir });
// A random-looking base64 payload per VM as long as ums-ha's encoded user data (bench/payload.js).
const payload = payloadOf(payloadChars);
shapes.forEach((shape, i) => {
  const stack = new TerraformStack(app, `baseline-${i}`);
  new AwsProvider(stack, 'aws', { region: 'eu-central-1', defaultTags: [{ tags: { 'ums-ha-topology': `site-${i}`, 'managed-by': 'ums-ha' } }] });
  const vpc = new DataAwsVpc(stack, 'vpc', { id: 'vpc-0a1b2c3d' });
  const subnets = Array.from({ length: shape.subnets }, (_, s) => new DataAwsSubnet(stack, `subnet${s}`, { vpcId: vpc.id, availabilityZone: `eu-central-1${'abc'[s]}`, cidrBlock: `10.0.${s}.0/24` }).id);
  const partition = new DataAwsPartition(stack, 'partition');
  const account = new DataAwsCallerIdentity(stack, 'account');
  const servers = new SecurityGroup(stack, 'servers', { name: `site-${i}-servers`, description: 'UMS Servers', vpcId: vpc.id, tags: { Name: `site-${i}-servers` } });
  const nlb = new SecurityGroup(stack, 'nlb', { name: `site-${i}-nlb`, description: 'NLB', vpcId: vpc.id, tags: { Name: `site-${i}-nlb` } });
  for (let r = 0; r < shape.ingress; r++) {
    new VpcSecurityGroupIngressRule(stack, `in${r}`, { securityGroupId: r % 4 === 0 ? nlb.id : servers.id, ipProtocol: 'tcp', fromPort: 8443 + r, toPort: 8443 + r, cidrIpv4: '10.30.0.0/16', description: `ums-ha matrix rule-${r}` });
  }
  for (let r = 0; r < shape.egress; r++) {
    new VpcSecurityGroupEgressRule(stack, `out${r}`, { securityGroupId: servers.id, ipProtocol: 'tcp', fromPort: 443 + r, toPort: 443 + r, referencedSecurityGroupId: servers.id, description: `ums-ha matrix rule-${r}` });
  }
  const role = new IamRole(stack, 'role', {
    name: `site-${i}-ums-ha-host`,
    assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
  });
  const arn = (p) => `arn:${partition.partition}:ssm:eu-central-1:${account.accountId}:parameter/ums-ha/site-${i}/${p}`;
  new IamRolePolicy(stack, 'policy', { name: 'read', role: role.id, policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [arn('db-password'), arn('network-token')] }] }) });
  const profile = new IamInstanceProfile(stack, 'profile', { name: `site-${i}-ums-ha-host`, role: role.name });
  const ids = [];
  for (let n = 0; n < shape.instances; n++) {
    const vm = new Instance(stack, `vm${n}`, {
      ami: 'ami-0c1d2e3f4a5b6c7d8',
      instanceType: 'c6i.xlarge',
      subnetId: subnets[n % subnets.length],
      privateIp: `10.0.${n % subnets.length}.${4 + n}`,
      vpcSecurityGroupIds: [servers.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      rootBlockDevice: { encrypted: true, volumeType: 'gp3' },
      ebsBlockDevice: [{ deviceName: '/dev/sdf', volumeSize: 60, volumeType: 'gp3', encrypted: true, deleteOnTermination: true }],
      userDataBase64: payload(n + 1000 * i),
      userDataReplaceOnChange: false,
      tags: { Name: `site-${i}-ums${n}`, 'ums-ha-roles': 'server' },
      lifecycle: { ignoreChanges: ['ami', 'user_data_base64'] },
    });
    ids.push(vm.id);
  }
  const lb = new Lb(stack, 'lb', { loadBalancerType: 'network', internal: true, subnets, securityGroups: [nlb.id], enableCrossZoneLoadBalancing: true, tags: { Name: `site-${i}` } });
  for (let p = 0; p < shape.ports; p++) {
    const port = [8443, 30001, 30005][p];
    const tg = new LbTargetGroup(stack, `tg${p}`, { port, protocol: 'TCP', targetType: 'instance', vpcId: vpc.id, preserveClientIp: 'true', deregistrationDelay: '30', healthCheck: { enabled: true, protocol: 'TCP', port: 'traffic-port', interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 }, tags: { Name: `site-${i}-${port}` } });
    new LbListener(stack, `l${p}`, { loadBalancerArn: lb.arn, port, protocol: 'TCP', defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }] });
    ids.forEach((id, n) => new LbTargetGroupAttachment(stack, `a${p}-${n}`, { targetGroupArn: tg.arn, targetId: id, port }));
  }
});
app.synth();
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
