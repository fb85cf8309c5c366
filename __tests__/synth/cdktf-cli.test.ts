/**
 * The app under the real cdktf CLI (node_modules/cdktf-cli), in a copy of the built checkout. The
 * CLI prints what the app writes to stdout as it is and logs whatever it writes to stderr as an
 * error (`[ERROR] default - ...`), and it prints each stack's warning annotations itself
 * (app/cdktf-cli.ts). So: information (a rebuilt bundle, a folder left alone, the synthesized
 * stacks) shows as information, a topology's warning once, as the CLI's WARN line, and only errors
 * as errors. `cdktf deploy` with local state warns once that the state holds the secrets, and
 * where; Terraform then stops at `init` (an empty provider mirror: nothing leaves the machine).
 *
 * Needs terraform on the PATH (the CLI runs it); no network.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';

jest.setTimeout(300_000);
requireTools('terraform');

const dir = tempDir('ums-ha-cdktf-cli-');
const CLI = path.join(repoRoot, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const SKIP = new Set(['node_modules', '.git', 'cdktf.out', '__tests__', 'coverage', '.terraform']);

let n = 0;
/** A copy of the built checkout with the topologies given (name → YAML text) as its only ones. */
function checkout(topologies: Record<string, string>): string {
  const root = path.join(dir, `c${n++}`);
  for (const entry of fs.readdirSync(repoRoot)) {
    if (SKIP.has(entry) || entry.startsWith('terraform.')) continue;
    fs.cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  fs.rmSync(path.join(root, 'topologies'), { recursive: true });
  fs.mkdirSync(path.join(root, 'topologies'));
  for (const [name, text] of Object.entries(topologies)) fs.writeFileSync(path.join(root, 'topologies', name), text);
  return root;
}

/** Offline Terraform: providers only from an empty mirror, so `terraform init` stops at once. */
function offlineTerraformConfig(): string {
  const mirror = path.join(dir, 'empty-mirror');
  fs.mkdirSync(mirror, { recursive: true });
  const file = path.join(dir, 'offline.tfrc');
  fs.writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
  return file;
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const count = (text: string, part: string) => text.split(part).length - 1;

function cdktf(root: string, args: string[], extra: Record<string, string> = {}) {
  const { UMS_HA_DEBUG: _d, CDKTF_OUTDIR: _o, UMS_HA_BACKEND_FILE: _b, CDKTF_LOG_LEVEL: _l, ...env } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', TF_CLI_CONFIG_FILE: offlineTerraformConfig(), ...extra },
  });
  return { status: r.status, out: plain(`${r.stdout ?? ''}${r.stderr ?? ''}`) };
}

const berlin = fs.readFileSync(path.join(repoRoot, 'topologies', 'berlin-small.yaml'), 'utf8');
/** berlin-small without its exception: UMS-LAYOUT-004 is a warning again. */
const berlinWarning = berlin.replace(/\n {2}exceptions:\n(?: {4}.*\n)+/, '\n');
const WARNING = 'topologies/berlin-small.yaml:11:13 warning UMS-LAYOUT-004 ';

describe('the app under the cdktf CLI (cdktf-cli 0.21)', () => {
  it('shows information as information and a warning once, as the CLI\'s warning; nothing as an error', () => {
    expect(berlinWarning).not.toBe(berlin);
    const root = checkout({ 'berlin-small.yaml': berlinWarning });
    expect(cdktf(root, ['synth']).status).toBe(0);
    // An edited source (the bundle is rebuilt first) and a folder in stacks/ that is no stack (in an
    // output of ums-ha: a folder that holds anything else is refused whole, issue 23.2).
    const main = path.join(root, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('const DEPLOY_PHASES', '// edited\nconst DEPLOY_PHASES'));
    fs.mkdirSync(path.join(root, 'cdktf.out', 'stacks', 'notes'), { recursive: true });
    fs.writeFileSync(path.join(root, 'cdktf.out', 'stacks', 'notes', 'todo.txt'), 'mine');
    const r = cdktf(root, ['synth']);
    expect(r.status).toBe(0);
    expect(r.out).not.toContain('[ERROR]');
    expect(count(r.out, 'ums-ha: sources changed since the last build: rebuilt dist/ums-ha-app.js (bundle)')).toBe(1);
    expect(count(r.out, 'ums-ha: moved cdktf.out/stacks/notes to cdktf.out/retired/notes, not deleted: no topology of this run synthesizes it, and it is no stack folder')).toBe(1);
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'retired', 'notes', 'todo.txt'), 'utf8')).toBe('mine');
    expect(count(r.out, 'ums-ha: synthesized berlin-small into cdktf.out')).toBe(1);
    expect(count(r.out, WARNING)).toBe(1);
    expect(r.out).toContain(`WARN [berlin-small/topology]: ${WARNING}`);
    // Synthesis alone writes no state: no word of it.
    expect(r.out).not.toContain('Terraform state');
  });

  it('shows an error as an error: a refused topology exits non-zero with its finding as the CLI\'s error', () => {
    const root = checkout({ 'berlin-small.yaml': berlin.replace('vlanId: 120', 'vlanId: 5000') });
    const r = cdktf(root, ['synth']);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/\[ERROR\] default - topologies\/berlin-small\.yaml:24:13 error UMS-SCHEMA \/spec\/network\/vlanId must be at most 4094/);
    expect(r.out).toContain('ums-ha: topologies/berlin-small.yaml: not synthesized (fix the errors above)');
  });

  it('warns once that local state holds the secrets, and where, when it deploys; not with a backend file', () => {
    const root = checkout({ 'berlin-small.yaml': berlin });
    const r = cdktf(root, ['deploy', 'berlin-small', '--auto-approve']);
    // Terraform stops at init (no provider in the empty mirror), after the synthesis.
    expect(r.out).toContain('ums-ha: synthesized berlin-small into cdktf.out');
    expect(r.out).toMatch(/Failed to query available provider packages|provider registry\.terraform\.io\/vmware\/vsphere was not found/);
    const state = path.join(root, 'terraform.berlin-small.tfstate');
    expect(count(r.out, 'ums-ha: warning: the Terraform state of this deployment is local and holds its secrets')).toBe(1);
    expect(r.out).toContain(`in plaintext: ${state}, with a .backup beside it`);
    expect(r.out).not.toMatch(/\[ERROR\][^\n]*Terraform state/);

    // A backend file of type local is local state too, where it says; any other type is not.
    const local = path.join(root, 'local-backend.json');
    fs.writeFileSync(local, JSON.stringify({ type: 'local', config: { path: '../../../state/{stack}.tfstate' } }));
    const withLocal = cdktf(root, ['deploy', 'berlin-small', '--auto-approve'], { UMS_HA_BACKEND_FILE: local });
    expect(count(withLocal.out, 'ums-ha: warning: the Terraform state of this deployment is local')).toBe(1);
    expect(withLocal.out).toContain(`in plaintext: ${path.join(root, 'state', 'berlin-small.tfstate')}, with a .backup beside it`);
    // An http backend on the loopback interface (nothing listens there; Terraform stops at init).
    const remote = path.join(root, 'http-backend.json');
    fs.writeFileSync(remote, JSON.stringify({ type: 'http', config: { address: 'http://127.0.0.1:9/state/{stack}' } }));
    const withRemote = cdktf(root, ['deploy', 'berlin-small', '--auto-approve'], { UMS_HA_BACKEND_FILE: remote });
    expect(withRemote.out).toContain('ums-ha: synthesized berlin-small into cdktf.out');
    expect(withRemote.out).not.toContain('Terraform state of this deployment');
  });
});
