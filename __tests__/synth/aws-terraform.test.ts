/**
 * terraform itself checks the aws stacks, offline: `terraform validate` on every shipped aws
 * example and generated case, and `terraform test` with `mock_provider "aws"` planning each one
 * and asserting the number of instances and target groups and the security group ports, all
 * expected values computed here from the topology (never from the synthesized JSON). A planted
 * defect (a misspelt attribute) and a wrong expectation make them fail, as controls.
 *
 * Needs terraform (1.11) on the PATH and the AWS provider 5.100.0 as a filesystem mirror
 * (.ci/run checks both); no network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadBalancerPorts, securityGroupRules } from '../../platforms/aws/placement';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { validateValue } from '../../core/reader/validate';
import type { DeployPhase } from '../../platforms/vsphere/constructs/ums-ha-topology';
import { awsBlock, awsTopology } from '../helpers/topology';
import { synthAwsStack } from '../helpers/aws-synth';
import { requireTools } from '../helpers/system';
import { initFromMirror, providerMirror, runLimited, terraformAsync, type Run } from '../helpers/terraform';

jest.setTimeout(600_000);
requireTools('terraform');
providerMirror();

const root = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), `ums-ha-tf-${process.pid}-`));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const shipped = fs
  .readdirSync(path.join(root, 'topologies'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => [f, parse(fs.readFileSync(path.join(root, 'topologies', f), 'utf8')) as UmsHaTopologyDocument] as const)
  .filter(([, doc]) => doc.spec.platform === 'aws');

const cases: Array<[string, UmsHaTopologyDocument, DeployPhase]> = [
  ...shipped.map(([f, doc]) => [`topologies/${f}`, doc, 'all'] as [string, UmsHaTopologyDocument, DeployPhase]),
  ...shipped.map(([f, doc]) => [`topologies/${f}, first-server phase`, doc, 'first-server'] as [string, UmsHaTopologyDocument, DeployPhase]),
  ['generated: 4 servers over 3 zones, OS 12 only, database group', awsTopology({ devices: 190000, deviceOs: ['os12'], aws: { ...awsBlock(), databaseSecurityGroupId: 'sg-0123456789abcdef0', subnets: [...awsBlock().subnets, { availabilityZone: 'eu-central-1c', cidr: '10.20.3.0/24' }] } }), 'all'],
];

const hclString = (s: string) => JSON.stringify(s);

/** The checks of one case, expected values from the resolved topology and the firewall matrix. */
function testFile(doc: UmsHaTopologyDocument, phase: DeployPhase, json: { resource: Record<string, Record<string, unknown>> }, wrong = false): string {
  const t = validateValue(doc, undefined as never, { synthesis: true }).topology!;
  const instances = phase === 'first-server' ? 1 : t.nodes.length;
  const ports = loadBalancerPorts(t);
  const rules = securityGroupRules(t);
  const expectPorts = (group: string, direction: 'ingress' | 'egress') => [...new Set(rules.filter((r) => r.group === group && r.direction === direction).map((r) => r.port))].sort((a, b) => a - b);
  const names = (type: string, prefix: string) => Object.keys(json.resource[type] ?? {}).filter((n) => n.startsWith(prefix)).map((n) => `${type}.${n}`);
  // Compared as one string: a list and a tuple are never equal in Terraform.
  const portsOf = (addresses: string[], attribute = 'from_port') => `join(",", sort(distinct([for r in [${addresses.join(', ')}] : format("%05d", r.${attribute})])))`;
  const padded = (xs: number[]) => hclString(xs.map((p) => String(p).padStart(5, '0')).join(','));
  const asserts: Array<[string, string]> = [
    [`length(output.instance_ids) == ${wrong ? instances + 1 : instances}`, `expected ${instances} EC2 instances`],
    [`length(output.target_group_arns) == ${ports.length}`, `expected ${ports.length} target groups`],
    [`${portsOf(names('aws_lb_listener', 'tcp_'), 'port')} == ${padded(ports)}`, `listener ports ${ports.join(', ')}`],
    [`${portsOf(names('aws_vpc_security_group_ingress_rule', 'servers_in_'))} == ${padded(expectPorts('server', 'ingress'))}`, `server ingress ports ${expectPorts('server', 'ingress').join(', ')}`],
    [`${portsOf(names('aws_vpc_security_group_egress_rule', 'servers_out_'))} == ${padded(expectPorts('server', 'egress'))}`, `server egress ports ${expectPorts('server', 'egress').join(', ')}`],
    [`${portsOf(names('aws_vpc_security_group_ingress_rule', 'nlb_in_'))} == ${padded(ports)}`, `load balancer ingress ports ${ports.join(', ')}`],
    [`alltrue([for i in [${names('aws_instance', '').join(', ')}] : i.metadata_options[0].http_tokens == "required" && i.root_block_device[0].encrypted && alltrue([for d in i.ebs_block_device : d.encrypted])])`, 'IMDSv2 and encrypted volumes on every instance'],
  ];
  return [
    'mock_provider "aws" {}',
    '',
    'run "plan" {',
    '  command = plan',
    ...asserts.flatMap(([condition, message]) => ['  assert {', `    condition     = ${condition}`, `    error_message = ${hclString(message)}`, '  }']),
    '}',
    '',
  ].join('\n');
}

let n = 0;
function prepare(doc: UmsHaTopologyDocument, phase: DeployPhase, edit?: (text: string) => string, wrong = false): string {
  const dir = path.join(work, `case${n++}`);
  fs.mkdirSync(dir);
  const { text, json } = synthAwsStack({ topology: doc, deployPhase: phase });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), edit ? edit(text) : text);
  fs.mkdirSync(path.join(dir, 'tests'));
  fs.writeFileSync(path.join(dir, 'tests', 'stack.tftest.hcl'), testFile(doc, phase, json as never, wrong));
  initFromMirror(dir);
  return dir;
}

/** validate and test of each case, and the controls, run two at a time (terraform is mostly one busy core). */
interface Outcome {
  validate?: Run;
  test: Run;
}
const outcomes = new Map<string, Outcome>();
beforeAll(async () => {
  const jobs: Array<{ key: string; dir: string; validate: boolean }> = [
    ...cases.map(([name, doc, phase]) => ({ key: name, dir: prepare(doc, phase), validate: true })),
    { key: 'planted defect', dir: prepare(shipped[0]![1], 'all', (text) => text.replace('"instance_type":', '"instance_typo":')), validate: true },
    { key: 'wrong expectation', dir: prepare(shipped[0]![1], 'all', undefined, true), validate: false },
  ];
  const done = await runLimited(
    jobs.map((j) => async () => ({ key: j.key, validate: j.validate ? await terraformAsync(j.dir, ['validate', '-no-color']) : undefined, test: await terraformAsync(j.dir, ['test', '-no-color']) })),
    2,
  );
  for (const d of done) outcomes.set(d.key, { validate: d.validate, test: d.test });
});

describe('terraform checks the aws stacks (offline)', () => {
  it('ships at least one aws example', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(1);
  });

  it.each(cases)('%s: terraform validate and terraform test pass', (name) => {
    const { validate, test } = outcomes.get(name)!;
    expect(validate!.out).toContain('The configuration is valid');
    expect(validate!.code).toBe(0);
    expect(test.out).toMatch(/1 passed, 0 failed/);
    expect(test.code).toBe(0);
  });

  it('a planted defect (a misspelt attribute) fails validate and test (control)', () => {
    const { validate, test } = outcomes.get('planted defect')!;
    expect(validate!.code).not.toBe(0);
    expect(validate!.out).toMatch(/instance_typo/);
    expect(test.code).not.toBe(0);
    expect(test.out).toMatch(/instance_typo/);
  });

  it('a wrong expectation fails terraform test: the assertions are evaluated (control)', () => {
    const { test } = outcomes.get('wrong expectation')!;
    expect(test.code).not.toBe(0);
    expect(test.out).toMatch(/expected \d+ EC2 instances/);
  });
});
