/**
 * The output folder written whole or not at all, by real processes of the cdktf app
 * (bin/ums-ha-app.js): output folder problems, the lock, SIGKILL mid-run, stale stacks, formats,
 * Terraform's working files, a state path that works from another checkout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { lockOutdir } from '../../app/outdir';
import { appEnv, named, projects, writeTopologies } from '../helpers/app-project';
import { repoRoot, tempDir } from '../helpers/cli';

const APP = path.join(repoRoot, 'bin', 'ums-ha-app.js');
const project = projects('ums-ha-outdir-');
/** Other folders of these tests. */
const dir = tempDir('ums-ha-outdir-other-');
let n = 0;
const env = appEnv;

function app(root: string, extra: Record<string, string | undefined> = {}) {
  return spawnSync(process.execPath, [APP], { cwd: root, env: env(extra), encoding: 'utf8', timeout: 120000 });
}
function start(root: string, extra: Record<string, string | undefined> = {}): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [APP], { cwd: root, env: env(extra), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done, stderr: () => stderr };
}
/** Every file of a folder (recursively), relative path -> content. */
function tree(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(folder)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(folder, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(folder);
  return out;
}
const stacksOf = (root: string, outdir = 'cdktf.out') => (fs.existsSync(path.join(root, outdir, 'stacks')) ? fs.readdirSync(path.join(root, outdir, 'stacks')).sort() : []);
const lines = (text: string) => text.trim().split('\n').filter((l) => l !== '');
/** What an output folder holds at its top after a run: the manifest, the stacks, the record of ums-ha and the lock file. */
const OUTPUT_ENTRIES = ['.ums-ha-lock', '.ums-ha-output.json', 'manifest.json', 'stacks'];

describe('CDKTF_OUTDIR problems are one line and exit 2', () => {
  const root = project({ 'a.yaml': named('alpha') });
  fs.writeFileSync(path.join(root, 'a-file'), 'x');
  it.each([
    ['a file', 'a-file', /CDKTF_OUTDIR a-file is a file, not a folder/],
    ['a path under a file', 'a-file/out', /CDKTF_OUTDIR a-file\/out: a part of the path is a file/],
    ['a path with a missing parent', 'missing/parent/out', /CDKTF_OUTDIR missing\/parent\/out: its parent folder .*missing\/parent does not exist/],
    ['empty', '', /CDKTF_OUTDIR is empty/],
  ])('%s', (_name, outdir, message) => {
    const r = app(root, { CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(message)]);
    expect(r.stderr).not.toMatch(/\n\s+at |ENOTDIR|ENOENT/);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(root, 'cdktf.out'))).toBe(false);
  });
});

describe('one synthesis at a time per output folder', () => {
  it('two synths started at once on a missing output folder both finish, and the folder holds the stacks of one of them', async () => {
    const a = project({ 'a1.yaml': named('a-one'), 'a2.yaml': named('a-two') });
    const b = path.join(a, 'other');
    fs.mkdirSync(path.join(b, 'topologies'), { recursive: true });
    fs.writeFileSync(path.join(b, 'topologies', 'b.yaml'), stringify(named('b-one')));
    const outdir = path.join(a, 'shared.out');
    for (let round = 0; round < 3; round++) {
      fs.rmSync(outdir, { recursive: true, force: true });
      const runs = [start(a, { CDKTF_OUTDIR: outdir }), start(b, { CDKTF_OUTDIR: outdir })];
      const results = await Promise.all(runs.map((r) => r.done));
      for (const r of results) {
        expect(r.stderr).not.toMatch(/EEXIST|\n\s+at /);
        expect(r.code).toBe(0);
      }
      const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
      expect([['a-one', 'a-two'], ['b-one']]).toContainEqual(stacks);
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
      expect(fs.readdirSync(outdir).sort()).toEqual(OUTPUT_ENTRIES);
    }
  }, 120000);

  it('waits for the run that holds the folder, saying so in one line, or gives up after UMS_HA_LOCK_WAIT seconds in one line', async () => {
    const root = project({ 'a.yaml': named('alpha') });
    const outdir = path.join(root, 'cdktf.out');
    fs.mkdirSync(outdir);
    const lock = await lockOutdir(outdir, 0, () => {});
    if (typeof lock === 'string') throw new Error(lock);
    try {
      const refused = start(root, { UMS_HA_LOCK_WAIT: '0' });
      const r = await refused.done;
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual([
        `ums-ha: waiting for another synthesis that writes cdktf.out`,
        `ums-ha: cdktf.out is still being written by another ums-ha synthesis after 0 s: run again when it has finished`,
      ]);
      expect(stacksOf(root)).toEqual([]);

      const waiting = start(root, { UMS_HA_LOCK_WAIT: '60' });
      // Until it says it waits (however long the machine takes to start it), nothing is written.
      for (let i = 0; i < 600 && !waiting.stderr().includes('waiting'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stacksOf(root)).toEqual([]);
      lock.release();
      const w = await waiting.done;
      expect(w.code).toBe(0);
      expect(lines(w.stderr)).toEqual(['ums-ha: waiting for another synthesis that writes cdktf.out']);
      expect(stacksOf(root)).toEqual(['alpha']);
    } finally {
      lock.release();
    }
  }, 120000);

  it('a lock dies with its process: SIGKILL of a holder leaves the folder free', async () => {
    const root = project({ 'a.yaml': named('alpha') });
    const outdir = path.join(root, 'cdktf.out');
    fs.mkdirSync(outdir);
    const holder = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(repoRoot, 'dist', 'app', 'outdir.js'))}).lockOutdir(${JSON.stringify(outdir)}, 0, () => {}).then(() => { process.stdout.write('held\\n'); setInterval(() => {}, 1000); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('close', resolve));
    const r = app(root, { UMS_HA_LOCK_WAIT: '0' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  }, 60000);
});

describe('SIGKILL mid-run leaves only whole stacks', () => {
  it('each stack folder is byte for byte from the run before or from the killed run, at any moment of the kill', async () => {
    const count = 16;
    const version = (retainedUpdates: number, description: string) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`t${String(i).padStart(2, '0')}.yaml`, { ...named(`site-${i}`, { firmware: { retainedUpdates } }), metadata: { name: `site-${i}`, description } }]),
      );
    const v1 = version(3, 'first version');
    const v2 = version(7, 'second version');
    // The reference outputs of each version.
    const ref1 = project(v1);
    const ref2 = project(v2);
    expect(app(ref1).status).toBe(0);
    expect(app(ref2).status).toBe(0);
    const reference = (root: string, name: string) => tree(path.join(root, 'cdktf.out', 'stacks', name));

    const root = project(v1);
    const stacks = path.join(root, 'cdktf.out', 'stacks');
    let killedDuringPublish = 0;
    let mixed = 0;
    const seen = new Set<number>();
    let timed = 0;
    for (let attempt = 0; attempt < 7; attempt++) {
      // Kill as soon as the first stack of the new run is renamed into place, until one kill lands
      // during the renames (a loaded machine may finish them first), then twice at some moment.
      const watch = killedDuringPublish === 0 && attempt < 5;
      if (!watch && timed >= 2) break;
      writeTopologies(root, v1);
      expect(app(root).status).toBe(0);
      writeTopologies(root, v2);
      const run = start(root);
      if (watch) {
        const watcher = fs.watch(stacks, () => {
          watcher.close();
          run.child.kill('SIGKILL');
        });
        const r = await run.done;
        watcher.close();
        if (r.signal === 'SIGKILL') killedDuringPublish++;
      } else {
        timed++;
        await new Promise((resolve) => setTimeout(resolve, 300 + timed * 300));
        run.child.kill('SIGKILL');
        await run.done;
      }
      for (let i = 0; i < count; i++) {
        const name = `site-${i}`;
        const got = tree(path.join(stacks, name));
        if (Object.keys(got).length === 0) continue; // the instant between the two renames of one stack
        const from1 = JSON.stringify(got) === JSON.stringify(reference(ref1, name));
        const from2 = JSON.stringify(got) === JSON.stringify(reference(ref2, name));
        expect({ name, whole: from1 || from2 }).toEqual({ name, whole: true });
        seen.add(from1 ? 1 : 2);
      }
      if (seen.size === 2) mixed++;
      seen.clear();
      // The next run cleans up what the killed one left and writes every stack of v2.
      expect(app(root).status).toBe(0);
      for (let i = 0; i < count; i++) expect(tree(path.join(stacks, `site-${i}`))).toEqual(reference(ref2, `site-${i}`));
      expect(fs.readdirSync(path.join(root, 'cdktf.out')).sort()).toEqual(OUTPUT_ENTRIES);
    }
    expect(killedDuringPublish).toBeGreaterThan(0);
    process.stderr.write(`SIGKILL test: ${killedDuringPublish} kills after the first rename, ${mixed} left stacks of both runs\n`);
  }, 300000);
});

describe('cdktf.out/stacks holds exactly the stacks of this run', () => {
  it('removes the stack of a removed file and of a renamed topology, one line each; a run that refuses a topology removes nothing and keeps its stack', () => {
    const root = project({ 'a.yaml': named('alpha'), 'b.yaml': named('beta'), 'c.yaml': named('gamma') });
    expect(app(root).status).toBe(0);
    expect(stacksOf(root)).toEqual(['alpha', 'beta', 'gamma']);
    const gamma = fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'gamma', 'cdk.tf.json'), 'utf8');
    // a.yaml removed, b.yaml renames its topology, c.yaml no longer parses.
    writeTopologies(root, { 'b.yaml': named('beta-two'), 'c.yaml': 'metadata: [\n' });
    const r = app(root);
    expect(r.status).toBe(1);
    // The refused file's stack keeps its last good output (the record names its file); nothing is removed.
    expect(stacksOf(root)).toEqual(['alpha', 'beta', 'beta-two', 'gamma']);
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'gamma', 'cdk.tf.json'), 'utf8')).toBe(gamma);
    expect(lines(r.stderr).filter((l) => / (kept|left) /.test(l))).toEqual([
      'ums-ha: left cdktf.out/stacks/alpha in place: no topology of this run synthesizes it, but this run refused a topology, so no stack folder is removed',
      'ums-ha: left cdktf.out/stacks/beta in place: no topology of this run synthesizes it, but this run refused a topology, so no stack folder is removed',
      'ums-ha: kept cdktf.out/stacks/gamma as the last good output of topologies/c.yaml: its topology is refused in this run',
    ]);
    let manifest = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['alpha', 'beta', 'beta-two', 'gamma']);
    // Fixed: the run without errors leaves exactly its stacks.
    writeTopologies(root, { 'b.yaml': named('beta-two') });
    const clean = app(root);
    expect(clean.status).toBe(0);
    expect(stacksOf(root)).toEqual(['beta-two']);
    expect(lines(clean.stderr)).toEqual(
      ['alpha', 'beta', 'gamma'].map((name) => `ums-ha: removed cdktf.out/stacks/${name}: no topology of this run synthesizes it (its Terraform state, if it was deployed, is not touched)`),
    );
    manifest = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['beta-two']);
  });

  it('--hcl followed by a plain synth leaves one format per stack (and back)', () => {
    const root = project({ 'a.yaml': named('alpha') });
    const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
    expect(app(root, { SYNTH_HCL_OUTPUT: 'true' }).status).toBe(0);
    expect(fs.readdirSync(folder).sort()).toEqual(['cdk.tf', 'metadata.json', 'sizing-report.json', 'sizing-report.md']);
    expect(app(root).status).toBe(0);
    expect(fs.readdirSync(folder).sort()).toEqual(['cdk.tf.json', 'sizing-report.json', 'sizing-report.md']);
    expect(app(root, { SYNTH_HCL_OUTPUT: 'true' }).status).toBe(0);
    expect(fs.readdirSync(folder).sort()).toEqual(['cdk.tf', 'metadata.json', 'sizing-report.json', 'sizing-report.md']);
  });

  it("keeps Terraform's working files of a stack folder (.terraform, the lock file, plans) across synths", () => {
    const root = project({ 'a.yaml': named('alpha') });
    expect(app(root).status).toBe(0);
    const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
    fs.mkdirSync(path.join(folder, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.terraform', 'providers', 'p'), 'provider');
    fs.writeFileSync(path.join(folder, '.terraform.lock.hcl'), 'lock');
    fs.writeFileSync(path.join(folder, 'plan'), 'plan');
    fs.writeFileSync(path.join(folder, 'stale-extra.txt'), 'from an older version');
    writeTopologies(root, { 'a.yaml': named('alpha', { devices: 120000 }) });
    expect(app(root).status).toBe(0);
    expect(fs.readFileSync(path.join(folder, '.terraform', 'providers', 'p'), 'utf8')).toBe('provider');
    expect(fs.readFileSync(path.join(folder, '.terraform.lock.hcl'), 'utf8')).toBe('lock');
    expect(fs.readFileSync(path.join(folder, 'plan'), 'utf8')).toBe('plan');
    expect(fs.existsSync(path.join(folder, 'stale-extra.txt'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'sizing-report.json'), 'utf8')).devices ?? 120000).toBe(120000);
  });

  it('the local state path is relative to the stack folder: the stack works from another checkout (real terraform)', () => {
    const root = project({ 'a.yaml': named('alpha') });
    expect(app(root).status).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'alpha', 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.alpha.tfstate' } });
    expect(JSON.stringify(json)).not.toContain(root);
    // Another checkout: the project moved. Terraform in its stack folder, with the stack's backend
    // block and a provider-free resource, keeps the state in the moved project's root.
    const moved = path.join(dir, `moved${n++}`);
    fs.renameSync(root, moved);
    const folder = path.join(moved, 'cdktf.out', 'stacks', 'alpha');
    const probe = path.join(folder, 'probe');
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'main.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: `../${json.terraform.backend.local.path}` } } }, resource: { terraform_data: { x: { input: 'ok' } } } }));
    const tfEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-auto-approve', '-input=false', '-no-color']]) {
      const r = spawnSync('terraform', args, { cwd: probe, env: tfEnv, encoding: 'utf8', timeout: 120000 });
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: expect.any(String) });
    }
    // probe is one level below the stack folder, hence the extra ../ above.
    expect(JSON.parse(fs.readFileSync(path.join(moved, 'terraform.alpha.tfstate'), 'utf8')).resources[0].type).toBe('terraform_data');
  });

  it('over time: a stack initialized with the absolute state path of earlier versions keeps its state after one init -migrate-state (real terraform)', () => {
    const root = project({ 'a.yaml': named('alpha') });
    expect(app(root).status).toBe(0);
    const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
    const state = path.join(root, 'terraform.alpha.tfstate');
    const tfEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const tf = (cwd: string, ...args: string[]) => spawnSync('terraform', [...args, '-input=false', '-no-color'], { cwd, env: tfEnv, encoding: 'utf8', timeout: 120000 });
    // v1: deployed with the absolute path (cdktf's default before), from a probe beside the stack's files.
    const probe = path.join(folder, 'probe');
    fs.mkdirSync(probe);
    const config = (statePath: string) => JSON.stringify({ terraform: { backend: { local: { path: statePath } } }, resource: { terraform_data: { x: { input: 'v1' } } } });
    fs.writeFileSync(path.join(probe, 'main.tf.json'), config(state));
    expect(tf(probe, 'init').status).toBe(0);
    expect(tf(probe, 'apply', '-auto-approve').status).toBe(0);
    // v2: the synthesized relative path names the same file; Terraform asks for one migration.
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'cdk.tf.json'), 'utf8'));
    fs.writeFileSync(path.join(probe, 'main.tf.json'), config(`../${json.terraform.backend.local.path}`));
    expect(tf(probe, 'plan').stderr).toContain('terraform init');
    expect(tf(probe, 'init', '-migrate-state', '-force-copy').status).toBe(0);
    const plan = tf(probe, 'plan', '-detailed-exitcode');
    expect(plan.status).toBe(0); // no changes: the deployed resource is still in the state
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).resources[0].type).toBe('terraform_data');
  });
});

describe('what stacks/ holds that no synthesis wrote', () => {
  it('is moved to retired/, never deleted, with one line; only folders with cdk.tf.json or cdk.tf are removed; a file is left alone', () => {
    const root = project({ 'a.yaml': named('alpha') });
    expect(app(root).status).toBe(0);
    const foreign = path.join(root, 'cdktf.out', 'stacks', 'important');
    fs.mkdirSync(foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, 'data.txt'), 'keep');
    const stale = path.join(root, 'cdktf.out', 'stacks', 'gone');
    fs.mkdirSync(stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'cdk.tf.json'), '{}');
    fs.writeFileSync(path.join(root, 'cdktf.out', 'stacks', 'notes.txt'), 'mine');
    const r = app(root);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'retired', 'important', 'data.txt'), 'utf8')).toBe('keep');
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.existsSync(stale)).toBe(false);
    expect(stacksOf(root)).toEqual(['alpha', 'notes.txt']);
    expect(lines(r.stderr)).toEqual([
      'ums-ha: removed cdktf.out/stacks/gone: no topology of this run synthesizes it (its Terraform state, if it was deployed, is not touched)',
      'ums-ha: moved cdktf.out/stacks/important to cdktf.out/retired/important, not deleted: no topology of this run synthesizes it, and it is no stack folder (no cdk.tf.json or cdk.tf), so no synthesis wrote it',
      'ums-ha: left cdktf.out/stacks/notes.txt alone: it is no folder, so no synthesis wrote it',
    ]);
  });
});
