/**
 * `ums-ha plan-update` as an operator runs it: the proposed file's own warnings on stderr, a
 * checksum kept across a new installer, the deploy step as one whole command (with the variables
 * the stack declares), the addresses the runbook knows instead of placeholders, the checks and the
 * rollback of a grow and of a shrink, and the folder layout that synthesis accepts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { UmsHaTopologyDocument } from '../../core/document/generated/topology-types';
import type { UpdatePlan } from '../../core/reports/update';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { synthStack } from '../helpers/synth';

const dir = tempDir('ums-ha-runbook-');
const example = path.join(repoRoot, 'topologies', 'frankfurt-large.yaml');
const fourServers = path.join(repoRoot, '__tests__', 'fixtures', 'update', 'grow', 'frankfurt-large.yaml');
const read = (file: string) => parse(fs.readFileSync(file, 'utf8')) as UmsHaTopologyDocument;

/** `doc` written to <dir>/<folder>/<name>, the folder created. */
function write(folder: string, name: string, doc: UmsHaTopologyDocument): string {
  fs.mkdirSync(path.join(dir, folder), { recursive: true });
  const file = path.join(dir, folder, name);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

/** frankfurt-large without its accepted UMS-SIZE-007: 3 servers for 120,000 devices survive no failure. */
function shrunk(): UmsHaTopologyDocument {
  const doc = read(example);
  doc.spec.exceptions = doc.spec.exceptions!.filter((e) => e.id !== 'UMS-SIZE-007');
  return doc;
}

async function plan(from: string, to: string): Promise<{ code: number; stderr: string; plan: UpdatePlan; markdown: string }> {
  const json = await run('plan-update', '--from', from, '--to', to, '--format', 'json');
  const md = await run('plan-update', '--from', from, '--to', to);
  expect(md.stderr).toBe(json.stderr);
  return { code: json.code, stderr: json.stderr, plan: JSON.parse(json.stdout) as UpdatePlan, markdown: md.stdout };
}

const step = (p: UpdatePlan, title: string) => {
  const s = p.steps.find((x) => x.title === title);
  expect(s).toBeDefined();
  return s!;
};

describe('plan-update: the proposed file', () => {
  it("prints the proposed file's own warnings on stderr (a shrink that breaks UMS-SIZE-007), still exit 0", async () => {
    const to = write('shrink', 'frankfurt-large.yaml', shrunk());
    const r = await plan(fourServers, to);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ warning UMS-SIZE-007 with one of 3 servers down`, 'm'));
    expect(r.plan.removed).toEqual(['frankfurt-large-ums4', 'frankfurt-large-lb3']);
  });

  it('warns when the installer file changes and its checksum does not (UMS-UPD-007), and prints no stale checksum', async () => {
    const deployed = read(path.join(repoRoot, '__tests__', 'fixtures', 'update', 'frankfurt-12.06.yaml'));
    const proposed = read(example);
    proposed.spec.installer = { ...proposed.spec.installer, sha256: deployed.spec.installer.sha256 };
    const from = write('sha-from', 'frankfurt-large.yaml', deployed);
    const to = write('sha-to', 'frankfurt-large.yaml', proposed);
    const r = await plan(from, to);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/:\d+:\d+ warning UMS-UPD-007 the installer file changes \(umsVersion 12\.06\.110 -> 12\.07\.100, installer\.url .* -> .*\) but installer\.sha256 stays/);
    const f = r.plan.findings.find((x) => x.ruleId === 'UMS-UPD-007')!;
    expect(f.path).toBe('/spec/installer/sha256');
    expect(f.line).toBeGreaterThan(1);
    const commands = step(r.plan, 'Put the 12.07.100 installer on every system with UMS components').commands.join('\n');
    expect(commands).not.toContain(deployed.spec.installer.sha256!);
    expect(commands).toContain("echo '<sha256 of setup-igel-ums-linux_12.07.100.bin>  setup-igel-ums-linux_12.07.100.bin' | sha256sum -c -");
    // With its own checksum: no warning, and the runbook checks against it.
    const good = await plan(from, example);
    expect(good.stderr).not.toContain('UMS-UPD-007');
    expect(step(good.plan, 'Put the 12.07.100 installer on every system with UMS components').commands.join('\n')).toContain(`echo '${read(example).spec.installer.sha256}  setup-igel-ums-linux_12.07.100.bin'`);
  });
});

describe('plan-update: the deploy step and the token', () => {
  it('gives the whole deploy command: UMS_TOPOLOGY_DIR, every TF_VAR_* the stack declares, the stack', async () => {
    const to = write('grow', 'frankfurt-large.yaml', read(fourServers));
    const r = await plan(example, to);
    const deploy = step(r.plan, 'Deploy the proposed topology');
    expect(deploy.commands[deploy.commands.length - 1]).toBe(`UMS_TOPOLOGY_DIR='${path.dirname(to)}' npx cdktf deploy frankfurt-large`);
    // The variables it checks are the variables the proposed stack declares.
    const { json } = synthStack({ topology: read(to) });
    const checked = [...deploy.commands.join('\n').matchAll(/\$\{TF_VAR_(\w+):\?\}/g)].map((m) => m[1]).sort();
    expect(checked).toEqual(Object.keys(json.variable).sort());
    // The check line runs in a shell: it names the first variable that is not set, and passes when all are.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const name of checked) env[`TF_VAR_${name}`] = 'x';
    const sh = (e: Record<string, string>) => spawnSync('bash', ['-c', deploy.commands[0]!], { env: e, encoding: 'utf8' });
    expect(sh(env).status).toBe(0);
    const missing = { ...env };
    delete missing.TF_VAR_vsphere_password;
    const failed = sh(missing);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('TF_VAR_vsphere_password');
  });

  it('on AWS: the deploy command has no TF_VAR_* check (the stack declares no variable) and names the AWS credentials', async () => {
    const deployed = read(path.join(repoRoot, 'topologies', 'hamburg-aws.yaml'));
    const proposed = read(path.join(repoRoot, 'topologies', 'hamburg-aws.yaml'));
    proposed.spec.servers = 3;
    const to = write('aws', 'hamburg-aws.yaml', proposed);
    const r = await plan(write('aws-deployed', 'hamburg-aws.yaml', deployed), to);
    const deploy = step(r.plan, 'Deploy the proposed topology');
    expect(deploy.commands).toEqual([`UMS_TOPOLOGY_DIR='${path.dirname(to)}' npx cdktf deploy hamburg-aws`]);
    expect(deploy.details.join('\n')).toContain('AWS credentials');
    expect(deploy.details.join('\n')).not.toContain('TF_VAR');
  });

  it('names the running server by its address wherever the token comes from it', async () => {
    const to = write('grow', 'frankfurt-large.yaml', read(fourServers));
    const r = await plan(example, to);
    expect(r.markdown).not.toContain('<a running server>');
    const token = step(r.plan, 'Get the current IGEL network token');
    expect(token.commands[0]).toBe('export TF_VAR_UMS_NETWORK_TOKEN="$(ssh root@10.24.0.20 cat /root/IGEL-Network.token)"');
    expect(token.commands[1]).toContain('ssh root@10.24.0.20 systemctl restart igel-ums-server');
  });

  it('a shrink: asks for the token its deploy needs, checks the removed hosts, not "every new host"', async () => {
    const to = write('shrink', 'frankfurt-large.yaml', shrunk());
    const r = await plan(fourServers, to);
    const titles = r.plan.steps.map((s) => s.title);
    expect(titles.indexOf('Get the current IGEL network token')).toBeGreaterThan(-1);
    expect(titles.indexOf('Get the current IGEL network token')).toBeLessThan(titles.indexOf('Deploy the proposed topology'));
    const deploy = step(r.plan, 'Deploy the proposed topology');
    expect(deploy.check).not.toContain('new host');
    expect(deploy.check).toBe(
      'frankfurt-large-ums4, frankfurt-large-lb3 are destroyed (no longer in the vSphere or EC2 inventory) and UMS Network lists exactly: frankfurt-large-ums1, frankfurt-large-ums2, frankfurt-large-ums3, frankfurt-large-lb1, frankfurt-large-lb2',
    );
  });
});

describe('plan-update: rollback', () => {
  it('after a grow: drains and stops the added hosts and deletes their entries before the deploy destroys them', async () => {
    const to = write('grow', 'frankfurt-large.yaml', read(fourServers));
    const { plan: p } = await plan(example, to);
    const text = p.rollback.join('\n');
    const drain = p.rollback.findIndex((l) => l.startsWith('Drain and stop frankfurt-large-ums4'));
    const deploy = p.rollback.findIndex((l) => l.includes('npx cdktf deploy frankfurt-large'));
    expect(drain).toBeGreaterThan(-1);
    expect(p.rollback[drain]).toContain('sudo systemctl stop igel-ums-server igel-ums-watchdog');
    expect(p.rollback[drain]).toContain('UMS Network');
    expect(text).toContain('Drain and stop frankfurt-large-lb3');
    expect(deploy).toBeGreaterThan(drain);
    expect(p.rollback[deploy]).toContain(`cp '${example}' '${to}' && `);
  });

  it('after a shrink: sets the network token the removed hosts join with, before the deploy', async () => {
    const to = write('shrink', 'frankfurt-large.yaml', shrunk());
    const { plan: p } = await plan(fourServers, to);
    const token = p.rollback.findIndex((l) => l.includes('export TF_VAR_UMS_NETWORK_TOKEN="$(ssh root@10.24.0.20 cat /root/IGEL-Network.token)"'));
    const deploy = p.rollback.findIndex((l) => l.includes('npx cdktf deploy frankfurt-large'));
    expect(token).toBeGreaterThan(-1);
    expect(deploy).toBeGreaterThan(token);
    expect(p.rollback[deploy]).toContain('"${TF_VAR_UMS_NETWORK_TOKEN:?}"');
  });
});

describe('plan-update: where the deployed copy lives', () => {
  it('warns when the deployed and the proposed file share a folder (synthesis would refuse both: UMS-NET-004)', async () => {
    const from = write('same', 'deployed.yaml', read(example));
    const to = write('same', 'proposed.yaml', read(fourServers));
    const r = await plan(from, to);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`ums-ha: warning: ${from} and ${to} are in one folder with one metadata.name: synthesis of that folder refuses both (UMS-NET-004)`);
    // validate of that folder says the same as synthesis would.
    const v = await run('validate', path.dirname(to));
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('UMS-NET-004');
    // The documented layout (the deployed copy outside the topology folder): no warning.
    const apart = await plan(write('deployed-copy', 'frankfurt-large.yaml', read(example)), write('topologies', 'frankfurt-large.yaml', read(fourServers)));
    expect(apart.stderr).not.toContain('UMS-NET-004');
  });
});
