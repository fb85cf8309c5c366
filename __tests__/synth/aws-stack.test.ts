/**
 * The aws stack: what it builds from a topology, read back from the synthesized Terraform JSON.
 * terraform itself checks the same output in aws-terraform.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { UmsHaValidationError } from '../../constructs/errors';
import { renderUserData } from '../../bootstrap/cloud-init';
import { INSTANCE_TYPES, instanceTypeFor, loadBalancerPorts } from '../../platforms/aws/placement';
import { firewallMatrix, type Party } from '../../core/network/matrix';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { requiredServerDiskGb } from '../../core/model/resolve';
import { validateValue } from '../../core/reader/validate';
import { awsBlock, awsTopology, topology } from '../helpers/topology';
import { flowsFromSecurityGroups, instanceUserData, synthAwsStack } from '../helpers/aws-synth';
import { resources } from '../helpers/synth';

const root = path.resolve(__dirname, '..', '..');
const example = parse(fs.readFileSync(path.join(root, 'topologies', 'hamburg-aws.yaml'), 'utf8')) as UmsHaTopologyDocument;

function resolved(doc: UmsHaTopologyDocument) {
  const r = validateValue(doc, undefined as never, { synthesis: true });
  if (!r.topology) throw new Error('invalid');
  return r.topology;
}

const designs: Array<[string, UmsHaTopologyDocument]> = [
  ['the shipped example', example],
  ['2 servers, derived', awsTopology()],
  ['5 servers over 3 zones, OS 12 only', awsTopology({ devices: 240000, deviceOs: ['os12'], aws: { ...awsBlock(), subnets: [...awsBlock().subnets, { availabilityZone: 'eu-central-1c', cidr: '10.20.3.0/24' }] } })],
  ['the database group given', awsTopology({ aws: { ...awsBlock(), databaseSecurityGroupId: 'sg-0123456789abcdef0' } })],
];

describe('UmsHaAwsStack: hosts', () => {
  it.each(designs)('%s: one encrypted EC2 instance per server, IMDSv2, spread over the zones', (_n, doc) => {
    const t = resolved(doc);
    const { json } = synthAwsStack({ topology: doc });
    const instances = json.resource.aws_instance as Record<string, Record<string, any>>;
    expect(Object.keys(instances)).toEqual(t.nodes.map((n) => n.name));
    const zoneOf = (ref: string) => {
      const id = /data\.aws_subnet\.([a-z0-9_]+)\.id/.exec(ref)![1]!;
      return json.data.aws_subnet![id]!.availability_zone;
    };
    for (const node of t.nodes) {
      const vm = instances[node.name]!;
      expect(vm.private_ip).toBe(node.ip);
      expect(vm.metadata_options).toMatchObject({ http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 });
      expect(vm.root_block_device.encrypted).toBe(true);
      expect(vm.ebs_block_device).toHaveLength(1);
      expect(vm.ebs_block_device[0]).toMatchObject({ encrypted: true, volume_size: t.resources.server.diskGb });
      expect(vm.ebs_block_device[0].volume_size).toBeGreaterThanOrEqual(requiredServerDiskGb(t.firmware.retainedUpdates));
      expect(vm.instance_type).toBe(instanceTypeFor(node.size)!.name);
      expect(vm.associate_public_ip_address).toBe(false);
      // The subnet holds the address (the look-up is by the same CIDR).
      const subnetRef = vm.subnet_id as string;
      const subnetId = /data\.aws_subnet\.([a-z0-9_]+)\.id/.exec(subnetRef)![1]!;
      const cidr = json.data.aws_subnet![subnetId]!.cidr_block as string;
      expect(node.ip!.startsWith(cidr.split('.').slice(0, 3).join('.'))).toBe(true);
      expect(instanceUserData(vm)).toBe(renderUserData(t, node));
    }
    const zones = new Set(Object.values(instances).map((vm) => zoneOf(vm.subnet_id)));
    expect(zones.size).toBe(Math.min(t.nodes.length, doc.spec.aws!.subnets.length));
  });

  it('takes an explicit instance type, and the documented mapping otherwise', () => {
    const { json } = synthAwsStack({ topology: awsTopology({ aws: { ...awsBlock(), instanceTypes: { server: 'm6i.2xlarge' } } }) });
    for (const vm of resources(json, 'aws_instance')) expect(vm.instance_type).toBe('m6i.2xlarge');
    expect(instanceTypeFor({ cpus: 4, memoryGb: 8 })!.name).toBe('c6i.xlarge');
    expect(instanceTypeFor({ cpus: 4, memoryGb: 9 })!.name).toBe('m6i.xlarge');
    expect(instanceTypeFor({ cpus: 2, memoryGb: 64 })!.name).toBe('r6i.2xlarge');
    expect(instanceTypeFor({ cpus: 128, memoryGb: 2048 })).toBeUndefined();
    // The mapping is the smallest fitting type: none smaller in the list fits.
    for (const want of [{ cpus: 3, memoryGb: 20 }, { cpus: 17, memoryGb: 40 }]) {
      const chosen = instanceTypeFor(want)!;
      const before = INSTANCE_TYPES.slice(0, INSTANCE_TYPES.indexOf(chosen));
      expect(before.some((x) => x.cpus >= want.cpus && x.memoryGb >= want.memoryGb)).toBe(false);
    }
  });

  it('deploys in phases: first-server builds the shared resources and the first server only', () => {
    const t = resolved(example);
    const first = synthAwsStack({ topology: example, deployPhase: 'first-server' }).json;
    expect(Object.keys(first.resource.aws_instance!)).toEqual([t.nodes[0]!.name]);
    expect(resources(first, 'aws_lb')).toHaveLength(1);
    expect(resources(first, 'aws_lb_target_group_attachment')).toHaveLength(loadBalancerPorts(t).length);
    expect(first.output.deploy_phase!.value).toBe('first-server');
    const all = synthAwsStack({ topology: example }).json;
    expect(resources(all, 'aws_lb_target_group_attachment')).toHaveLength(loadBalancerPorts(t).length * t.servers);
  });
});

describe('UmsHaAwsStack: security groups from the firewall matrix', () => {
  it.each(designs)('%s: the flows the rules allow are exactly the matrix rows, both ways', (_n, doc) => {
    const t = resolved(doc);
    const { json } = synthAwsStack({ topology: doc });
    const got = flowsFromSecurityGroups(json, t.network);
    const present = new Set(t.nodes.flatMap((n) => n.roles));
    const ha = (p: Party) => (p === 'server' || p === 'loadBalancer') && present.has(p);
    const dbGroup = doc.spec.aws!.databaseSecurityGroupId;
    const peer = (p: Party) => (ha(p) || p === 'devices' || p === 'admins' ? p : p === 'database' && dbGroup ? `sg:${dbGroup}` : 'cidr:0.0.0.0/0');
    const ingress = new Set<string>();
    const egress = new Set<string>();
    for (const row of firewallMatrix(t)) {
      if (row.broadcast) continue; // AWS drops broadcast: nothing to open
      const flow = (from: string, to: string) => `${from}>${to} ${row.protocol}/${row.port}`;
      if (row.direction === 'inbound') for (const to of row.to.filter(ha)) for (const from of row.from.filter((p) => ha(p) || !['server', 'loadBalancer'].includes(p))) ingress.add(flow(from, to));
      for (const from of row.from.filter(ha)) for (const to of row.to.filter((p) => ha(p) || !['server', 'loadBalancer'].includes(p))) egress.add(flow(from, peer(to)));
    }
    expect([...got.ingress].sort()).toEqual([...ingress].sort());
    // Egress: the matrix rows, plus what the hosts reach while they boot (marked bootstrap, never a UMS port).
    const matrixEgress = got.egressByPeer.filter((r) => / matrix /.test(r.description)).map((r) => `${r.from}>${r.to} ${r.protocol}/${r.port}`);
    expect([...new Set(matrixEgress)].sort()).toEqual([...egress].sort());
    const bootstrap = got.egressByPeer.filter((r) => / bootstrap /.test(r.description));
    for (const r of bootstrap) expect([`tcp/443>cidr:0.0.0.0/0`, `tcp/80>cidr:0.0.0.0/0`, ...t.network.dns.flatMap((d) => [`udp/53>cidr:${d}/32`, `tcp/53>cidr:${d}/32`]), ...t.network.ntpServers.map((n) => `udp/123>cidr:${n}/32`)]).toContain(`${r.protocol}/${r.port}>${r.to}`);
    // Broadcast rows are in the matrix but open nothing.
    for (const row of firewallMatrix(t).filter((r) => r.broadcast)) {
      expect([...got.ingress].some((f) => f.endsWith(` ${row.protocol}/${row.port}`) && row.protocol === 'udp')).toBe(false);
    }
  });

  it('the comparison notices a rule too many and a rule missing (control)', () => {
    const doc = awsTopology();
    const t = resolved(doc);
    const { json } = synthAwsStack({ topology: doc });
    const before = flowsFromSecurityGroups(json, t.network).ingress;
    const ingress = json.resource.aws_vpc_security_group_ingress_rule!;
    const [firstKey] = Object.keys(ingress).filter((k) => k.startsWith('servers_in_'));
    const removed = { ...json, resource: { ...json.resource, aws_vpc_security_group_ingress_rule: Object.fromEntries(Object.entries(ingress).filter(([k]) => k !== firstKey)) } };
    expect(flowsFromSecurityGroups(removed, t.network).ingress.size).toBeLessThan(before.size);
    const extra = { ...json, resource: { ...json.resource, aws_vpc_security_group_ingress_rule: { ...ingress, x: { ...ingress[firstKey!], from_port: 5900, to_port: 5900 } } } };
    expect([...flowsFromSecurityGroups(extra, t.network).ingress]).toContainEqual(expect.stringMatching(/\/5900$/));
  });

  it('the load balancer listens on the device ports of the matrix, one target group and health check per port', () => {
    for (const [, doc] of designs) {
      const t = resolved(doc);
      const { json } = synthAwsStack({ topology: doc });
      const ports = loadBalancerPorts(t);
      expect(resources(json, 'aws_lb_listener').map((l) => l.port as number).sort((a, b) => a - b)).toEqual(ports);
      for (const g of resources(json, 'aws_lb_target_group')) expect(g).toMatchObject({ protocol: 'TCP', target_type: 'instance', health_check: { protocol: 'TCP', port: 'traffic-port', enabled: true } });
      expect(resources(json, 'aws_lb')[0]).toMatchObject({ load_balancer_type: 'network', internal: true });
      // OS 12 devices use 8443; OS 11 devices are refused behind an external load balancer (UMS-XLB-001), so no 30001.
      expect(ports).toEqual([8443]);
    }
  });
});

describe('UmsHaAwsStack: secrets, outputs, database', () => {
  it('the instance profile may read exactly the topology\'s two parameters; no secret value anywhere', () => {
    const { json, text } = synthAwsStack({ topology: example });
    const policy = resources(json, 'aws_iam_role_policy')[0]!.policy as string;
    const names = [example.spec.aws!.secrets.databasePasswordParameter, example.spec.aws!.secrets.networkTokenParameter];
    const arns = [...policy.matchAll(/parameter(\/[^"]+)"/g)].map((m) => m[1]);
    expect(arns).toEqual(names);
    expect(policy).toContain('ssm:GetParameter');
    expect(policy).not.toMatch(/"\*"|ssm:\*|GetParameters\b|GetParametersByPath/);
    expect(json.variable ?? {}).toEqual({});
    expect(text).not.toMatch(/aws_ssm_parameter|secretsmanager/);
  });

  it('UMS 6.10 on aws is refused before any resource: OS 11 devices have no path there (UMS-XLB-001), OS 12 devices need UMS 12 (UMS-VER-001)', () => {
    expect(() => synthAwsStack({ topology: awsTopology({ umsVersion: '6.10.150', deviceOs: ['os11'] }) })).toThrow(/UMS-XLB-001/);
    expect(() => synthAwsStack({ topology: awsTopology({ umsVersion: '6.10.150', deviceOs: ['os12'] }) })).toThrow(/UMS-VER-001/);
  });

  it('outputs the Cluster Address, the step that sets it, and the database rule', () => {
    const { json } = synthAwsStack({ topology: example });
    expect(json.output.cluster_address!.value).toBe(example.spec.clusterAddress);
    expect(json.output.cluster_address_step!.value).toContain('Cluster Address');
    expect(json.output.load_balancer_dns_name!.value).toBe('${aws_lb.cluster.dns_name}');
    expect(json.output.database_ingress!.value).toMatchObject({ protocol: 'tcp', port: 5432 });
    expect(resources(json, 'aws_vpc_security_group_ingress_rule').some((r) => r.security_group_id === 'sg-0123456789abcdef0')).toBe(false);
    const withGroup = synthAwsStack({ topology: designs[3]![1] }).json;
    expect(withGroup.resource.aws_vpc_security_group_ingress_rule!.database_from_servers).toMatchObject({ security_group_id: 'sg-0123456789abcdef0', from_port: 5432, referenced_security_group_id: '${aws_security_group.servers.id}' });
  });

  it('is byte-identical when synthesized twice', () => {
    expect(synthAwsStack({ topology: example }).text).toBe(synthAwsStack({ topology: example }).text);
  });

  it('writes every topology string as a literal (no template reaches Terraform)', () => {
    const doc = awsTopology({ clusterAddress: 'ums.example.internal:8443' });
    const { json } = synthAwsStack({ topology: doc });
    expect(json.output.cluster_address!.value).toBe('ums.example.internal:8443');
  });
});

describe('UmsHaAwsStack: refusals', () => {
  it.each([
    ['IGEL load balancers on aws', awsTopology({ loadBalancing: 'igel', clusterAddress: undefined }), 'UMS-CLOUD-001'],
    ['an aws topology without the aws block', awsTopology({ aws: undefined, vsphere: undefined }, { firstAddress: '10.20.1.10' }), 'UMS-AWS-001'],
    ['UMS below 6.10', awsTopology({ umsVersion: '6.09.120' }), 'UMS-CLOUD-002'],
    ['all servers in one zone', awsTopology({ nodes: [{ name: 'ums1', roles: ['server'], ip: '10.20.1.10' }, { name: 'ums2', roles: ['server'], ip: '10.20.1.11' }] }), 'UMS-AWS-004'],
  ])('refuses %s with its rule id', (_n, doc, ruleId) => {
    let error: unknown;
    try {
      synthAwsStack({ topology: doc, sourceFile: 'site.yaml' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UmsHaValidationError);
    expect((error as UmsHaValidationError).findings.map((f) => f.ruleId)).toContain(ruleId);
  });

  it('azure and gcp are refused with UMS-PLAT-001 naming aws and vsphere', () => {
    for (const platform of ['azure', 'gcp']) {
      const r = validateValue(topology({ platform, loadBalancing: 'external', clusterAddress: 'u.example:443' }), undefined as never, { synthesis: true });
      const f = r.findings.find((x) => x.ruleId === 'UMS-PLAT-001')!;
      expect(f.message).toContain('platforms aws and vsphere');
      expect(validateValue(topology({ platform, loadBalancing: 'external', clusterAddress: 'u.example:443' }), undefined as never).findings.map((x) => x.ruleId)).not.toContain('UMS-PLAT-001');
    }
  });
});

describe('UmsHaAwsStack over time (v1 deployed, v2 changed)', () => {
  it('a new device network adds its security group rules and leaves every deployed resource of v1 as it was; running hosts keep their v1 host firewall', () => {
    const v1 = synthAwsStack({ topology: example }).json;
    const changed = JSON.parse(JSON.stringify(example)) as UmsHaTopologyDocument;
    changed.spec.network.deviceCidrs = [...changed.spec.network.deviceCidrs, '192.168.50.0/24'];
    const v2 = synthAwsStack({ topology: changed }).json;
    for (const type of Object.keys(v1.resource)) {
      for (const [name, body] of Object.entries(v1.resource[type]!)) {
        // Every v1 resource keeps its address and its attributes: nothing is replaced on the running
        // hosts. Their user data differs (the host firewall lists the new network) but is ignored
        // after creation: a running v1 host keeps its v1 nftables rules until it is replaced.
        if (type === 'aws_instance') {
          const { user_data_base64: u2, ...rest2 } = v2.resource[type]![name] as Record<string, unknown>;
          const { user_data_base64: u1, ...rest1 } = body as Record<string, unknown>;
          expect(rest2).toEqual(rest1);
          expect(instanceUserData({ user_data_base64: u1 })).not.toContain('192.168.50.0/24');
          expect(instanceUserData({ user_data_base64: u2 })).toContain('192.168.50.0/24');
          expect((rest2.lifecycle as { ignore_changes: string[] }).ignore_changes).toContain('user_data_base64');
        } else expect(v2.resource[type]![name]).toEqual(body);
      }
    }
    const added = Object.keys(v2.resource.aws_vpc_security_group_ingress_rule!).filter((k) => !(k in v1.resource.aws_vpc_security_group_ingress_rule!));
    expect(added.length).toBeGreaterThan(0);
    for (const k of added) expect(v2.resource.aws_vpc_security_group_ingress_rule![k]!.cidr_ipv4).toBe('192.168.50.0/24');
  });

  it('a changed bootstrap or image does not touch running hosts (ignored after creation), a new server only adds', () => {
    const v1 = synthAwsStack({ topology: example }).json;
    const changed = JSON.parse(JSON.stringify(example)) as UmsHaTopologyDocument;
    changed.spec.network.ntpServers = ['10.60.0.123'];
    changed.spec.aws = { ...changed.spec.aws!, ami: 'ami-0ffffffffffffffff' };
    changed.spec.servers = 3;
    const v2 = synthAwsStack({ topology: changed }).json;
    const i1 = v1.resource.aws_instance as Record<string, Record<string, any>>;
    const i2 = v2.resource.aws_instance as Record<string, Record<string, any>>;
    expect(Object.keys(i2)).toEqual([...Object.keys(i1), 'ums3']);
    for (const name of Object.keys(i1)) {
      expect(i2[name]!.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['ami', 'user_data_base64']));
      expect(i2[name]!.user_data_replace_on_change).toBe(false);
      const { ami: _a, user_data_base64: _u, ...rest2 } = i2[name]!;
      const { ami: _b, user_data_base64: _v, ...rest1 } = i1[name]!;
      expect(rest2).toEqual(rest1);
    }
    expect(Object.keys(v2.resource.aws_lb_target_group_attachment!)).toEqual(expect.arrayContaining(Object.keys(v1.resource.aws_lb_target_group_attachment!)));
  });
});
