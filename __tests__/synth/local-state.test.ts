/**
 * Local Terraform state never lands in git. In a temporary git repository laid out as the project
 * (its .gitignore, cdktf.json, topologies/), the app synthesizes an AWS stack with the local
 * backend; in the stack's folder terraform runs `init` with the local backend (providers from the
 * filesystem mirror), `test` (mock_provider "aws", a plan) and twice a targeted `apply -refresh-only`
 * in a network namespace of its own with mock credentials, which makes the local backend write
 * `terraform.<stack>.tfstate` into the project folder, through the stack's relative path. Then
 * `git status --porcelain` offers nothing state-like. Every other state name the stacks and
 * Terraform can write, and every output folder the docs name, is checked with `git check-ignore`.
 *
 * Needs terraform (1.11), the AWS provider 5.100.0 mirror, git and unshare (root); no network.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';
import { providerMirror, terraform } from '../helpers/terraform';

jest.setTimeout(300_000);
requireTools('terraform', 'git', 'unshare');
const mirror = providerMirror();

const dir = tempDir('ums-ha-local-state-');
const project = path.join(dir, 'project');
const STACK = 'hamburg-aws';

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], project);

/** Paths `git status --porcelain` offers (untracked files one by one), after a first commit of the layout. */
function offered(): string[] {
  const r = git('status', '--porcelain', '--untracked-files=all');
  expect(r.code).toBe(0);
  return r.out.split('\n').filter(Boolean).map((l) => l.slice(3));
}

beforeAll(() => {
  fs.mkdirSync(path.join(project, 'topologies'), { recursive: true });
  for (const f of ['.gitignore', 'cdktf.json']) fs.copyFileSync(path.join(repoRoot, f), path.join(project, f));
  fs.copyFileSync(path.join(repoRoot, 'topologies', `${STACK}.yaml`), path.join(project, 'topologies', `${STACK}.yaml`));
  expect(git('init', '-q', '.').code).toBe(0);
  expect(git('add', '-A').code).toBe(0);
  expect(git('commit', '-q', '-m', 'layout').code).toBe(0);
});

describe('local Terraform state and git (.gitignore)', () => {
  it('keeps the state terraform writes through the local backend of a synthesized stack out of git status', () => {
    // The app as `npm run synth` runs it: the default output folder and local state.
    const { CDKTF_OUTDIR: _o, UMS_HA_BACKEND_FILE: _b, ...env } = process.env;
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ums-ha-app.js')], { cwd: project, encoding: 'utf8', env: { ...env, UMS_TOPOLOGY_DIR: 'topologies' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stackDir = path.join(project, 'cdktf.out', 'stacks', STACK);
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.${STACK}.tfstate` } });

    const init = terraform(stackDir, ['init', '-input=false', '-no-color', `-plugin-dir=${mirror}`]);
    expect(init.out).toContain('Successfully configured the backend "local"');
    expect(init.code).toBe(0);
    fs.mkdirSync(path.join(stackDir, 'tests'));
    fs.writeFileSync(path.join(stackDir, 'tests', 'plan.tftest.hcl'), 'mock_provider "aws" {}\n\nrun "plan" {\n  command = plan\n}\n');
    const test = terraform(stackDir, ['test', '-no-color']);
    expect(test.out).toMatch(/1 passed, 0 failed/);
    // The local backend writes the state: mock credentials that make the provider configure without
    // a request, a refresh of one resource that reads no data source, in a namespace without network.
    fs.writeFileSync(
      path.join(stackDir, 'offline_override.tf.json'),
      JSON.stringify({ provider: { aws: { access_key: 'mock', secret_key: 'mock', skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true } } }),
    );
    const empty = path.join(stackDir, '..', 'empty.tfrc');
    const tfEnv = { TF_CLI_CONFIG_FILE: empty, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', AWS_EC2_METADATA_DISABLED: 'true' };
    for (const tag of ['first', 'second']) {
      const apply = run('unshare', ['--net', 'terraform', 'apply', '-refresh-only', '-auto-approve', '-input=false', '-no-color', '-target=aws_iam_role.hosts'], stackDir, tfEnv);
      expect([tag, apply.out]).toEqual([tag, expect.stringContaining('Apply complete!')]);
    }
    const state = path.join(project, `terraform.${STACK}.tfstate`);
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).version).toBe(4);

    expect(offered().filter((p) => /tfstate|\.terraform|tfplan|cdktf\.out|\/plan$/.test(p))).toEqual([]);
    expect(offered()).toEqual([]);
  });

  it('ignores every state, backup, lock and plan name the stacks and Terraform write, and every output folder the docs name', () => {
    const names = [
      `terraform.${STACK}.tfstate`,
      `terraform.${STACK}.tfstate.backup`,
      `terraform.${STACK}.tfstate.1764750000.backup`,
      `.terraform.${STACK}.tfstate.lock.info`,
      'terraform.tfstate',
      'terraform.tfstate.backup',
      '.terraform.tfstate.lock.info',
      'errored.tfstate',
      'terraform.tfstate.d/blue/terraform.tfstate',
      'sub/folder/terraform.other.tfstate',
      'deploy.tfplan',
      'crash.log',
      '.terraform/terraform.tfstate',
      'cdktf.out/stacks/x/plan',
      `cdktf.out/stacks/x/terraform.x.tfstate`,
    ];
    const docs = ['README.md', ...fs.readdirSync(path.join(repoRoot, 'docs')).map((f) => path.join('docs', f))].map((f) => fs.readFileSync(path.join(repoRoot, f), 'utf8')).join('\n');
    const outputs = [...docs.matchAll(/(?:--output[ =]|CDKTF_OUTDIR=)([A-Za-z0-9._/-]+)/g)].map((m) => m[1]!).filter((o) => !o.startsWith('/') && !o.startsWith('$'));
    for (const out of new Set(['cdktf.out', ...outputs])) names.push(`${out}/stacks/x/cdk.tf.json`, `${out}/manifest.json`);
    const ignored = git('check-ignore', '--no-index', ...names);
    expect(ignored.out.split('\n').filter(Boolean).sort()).toEqual([...names].sort());
  });
});
