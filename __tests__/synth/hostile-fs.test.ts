/**
 * The cdktf app's inputs and output folder against hostile file systems (issue 23, points 2, 3
 * and 7), by real processes of the app (bin/ums-ha-app.js): every input bounded, no refused or
 * mistyped topology costs Terraform state, an output folder that is not this tool's is refused
 * untouched, and the lock holds across network namespaces.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { appEnv, named, projects, writeTopologies } from '../helpers/app-project';
import { repoRoot, tempDir } from '../helpers/cli';

const APP = path.join(repoRoot, 'bin', 'ums-ha-app.js');
const project = projects('ums-ha-hostile-fs-');
/** Other folders of these tests (output folders, files that are no folder). */
const dir = tempDir('ums-ha-hostile-fs-other-');
let n = 0;
const env = appEnv;

/** The app in `root`; killed after `timeout` ms (an unbounded read of /dev/zero must not run on). */
function app(root: string, extra: Record<string, string | undefined> = {}, timeout = 60_000) {
  return spawnSync(process.execPath, [APP], { cwd: root, env: env(extra), encoding: 'utf8', timeout });
}
const lines = (text: string) => text.trim().split('\n').filter((l) => l !== '');
const stacksOf = (root: string, outdir = 'cdktf.out') => (fs.existsSync(path.join(root, outdir, 'stacks')) ? fs.readdirSync(path.join(root, outdir, 'stacks')).sort() : []);
/** Every entry below a folder, relative path -> content ('<dir>' for folders). */
function tree(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(folder)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[path.relative(folder, p)] = '<dir>';
        walk(p);
      } else out[path.relative(folder, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(folder);
  return out;
}
const noTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |ENOENT|EEXIST|Error:/);

describe('every input of the app is bounded (issue 23.7)', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', /^ums-ha: UMS_HA_BACKEND_FILE: \/dev\/zero is a device, not a regular file: give a backend file$/],
    [
      'a FIFO without a writer',
      () => {
        const fifo = path.join(dir, `backend-${n++}.fifo`);
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      /^ums-ha: UMS_HA_BACKEND_FILE: .*\.fifo is a FIFO \(named pipe\), not a regular file: give a backend file$/,
    ],
    [
      'a folder',
      () => dir,
      /^ums-ha: UMS_HA_BACKEND_FILE: .* is a directory: give one backend file$/,
    ],
    [
      'a file over 64 KiB',
      () => {
        const big = path.join(dir, `backend-${n++}.json`);
        fs.writeFileSync(big, '');
        fs.truncateSync(big, 5_000_000_000); // sparse
        return big;
      },
      /^ums-ha: UMS_HA_BACKEND_FILE .*\.json: the file is 5,000,000,000 bytes; a backend file may be at most 65,536 bytes$/,
    ],
  ])('UMS_HA_BACKEND_FILE as %s is refused in one line, exit 2, at once, nothing written', (_name, file, message) => {
    const root = project({ 'a.yaml': named('alpha') });
    const started = Date.now();
    const r = app(root, { UMS_HA_BACKEND_FILE: file() }, 15_000);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(message)]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fs.existsSync(path.join(root, 'cdktf.out'))).toBe(false);
  });

  it.each([
    ['a FIFO', (f: string) => execFileSync('mkfifo', [f]), 'a FIFO (named pipe)'],
    ['a device', (f: string) => fs.symlinkSync('/dev/null', f), 'a device'],
    ['a plain file', (f: string) => fs.writeFileSync(f, stringify(named('alpha'))), 'a file'],
  ])('UMS_TOPOLOGY_DIR set to %s exits 2 in one line, nothing written', (_name, make, what) => {
    const root = project({ 'a.yaml': named('alpha') });
    make(path.join(root, 'given'));
    const r = app(root, { UMS_TOPOLOGY_DIR: 'given' });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`ums-ha: UMS_TOPOLOGY_DIR given is ${what}, not a folder: name the folder of topology files`]);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(root, 'cdktf.out'))).toBe(false);
  });

  it('a setting that fails its check is not echoed', () => {
    const root = project({ 'a.yaml': named('alpha') });
    for (const [k, v] of [
      ['UMS_HA_DEPLOY_PHASE', 'hunter2-secret'],
      ['UMS_HA_LOCK_WAIT', 'hunter2-secret'],
    ]) {
      const r = app(root, { [k as string]: v });
      expect(r.status).toBe(2);
      expect(lines(r.stderr)).toEqual([expect.stringContaining(k as string)]);
      expect(r.stderr).not.toContain('hunter2');
    }
  });
});

describe('a refused or mistyped topology never costs Terraform state (issue 23.2)', () => {
  /** A deployed-looking stack folder: state, Terraform's folder and a plan beside the stack. */
  function deploy(folder: string) {
    fs.mkdirSync(path.join(folder, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.terraform', 'providers', 'p'), 'provider');
    fs.writeFileSync(path.join(folder, 'terraform.tfstate'), '{"version": 4, "serial": 7}');
    fs.writeFileSync(path.join(folder, 'terraform.tfstate.backup'), '{"version": 4, "serial": 6}');
    fs.writeFileSync(path.join(folder, 'kept.tfplan'), 'plan');
  }

  it('a typo (devcies:) keeps the stack folder whole, its state and its last good output, and says so in one line', () => {
    const root = project({ 'a.yaml': named('alpha'), 'b.yaml': named('beta') });
    expect(app(root).status).toBe(0);
    const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
    deploy(folder);
    const before = tree(folder);
    writeTopologies(root, { 'a.yaml': stringify(named('alpha')).replace('devices:', 'devcies:'), 'b.yaml': named('beta') });
    const r = app(root);
    expect(r.status).toBe(1);
    noTrace(r.stderr);
    expect(tree(folder)).toEqual(before);
    expect(lines(r.stderr).filter((l) => !l.includes('UMS-') && !l.includes('not synthesized'))).toEqual([
      'ums-ha: kept cdktf.out/stacks/alpha as the last good output of topologies/a.yaml: its topology is refused in this run',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['alpha', 'beta']);
  });

  it('a stack folder with state-like files is never deleted when its topology goes: it moves to retired/ whole, named in one line', () => {
    for (const [what, make] of [
      ['terraform.tfstate', (f: string) => fs.writeFileSync(path.join(f, 'terraform.tfstate'), '{}')],
      ['a backup', (f: string) => fs.writeFileSync(path.join(f, 'terraform.tfstate.1700000000.backup'), '{}')],
      ['.terraform/', (f: string) => fs.mkdirSync(path.join(f, '.terraform'))],
      ['a plan', (f: string) => fs.writeFileSync(path.join(f, 'plan'), 'x')],
      ['state in a subfolder', (f: string) => fs.mkdirSync(path.join(f, 'probe', '.terraform'), { recursive: true })],
    ] as const) {
      const root = project({ 'a.yaml': named('alpha'), 'b.yaml': named('beta') });
      expect(app(root).status).toBe(0);
      const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
      make(folder);
      const before = tree(folder);
      writeTopologies(root, { 'b.yaml': named('beta') });
      const r = app(root);
      expect({ what, status: r.status }).toEqual({ what, status: 0 });
      expect(stacksOf(root)).toEqual(['beta']);
      expect(tree(path.join(root, 'cdktf.out', 'retired', 'alpha'))).toEqual(before);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/^ums-ha: moved cdktf\.out\/stacks\/alpha to cdktf\.out\/retired\/alpha, not deleted: no topology of this run synthesizes it, and it holds Terraform state or working files \(.+\)$/)]);
    }
  });

  it('a stack synthesized again keeps the state below its folder: workspaces (terraform.tfstate.d/) and state in a subfolder', () => {
    const root = project({ 'a.yaml': named('alpha') });
    expect(app(root).status).toBe(0);
    const folder = path.join(root, 'cdktf.out', 'stacks', 'alpha');
    fs.mkdirSync(path.join(folder, 'terraform.tfstate.d', 'blue'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'terraform.tfstate.d', 'blue', 'terraform.tfstate'), '{"version": 4, "serial": 3}');
    fs.mkdirSync(path.join(folder, 'sub'));
    fs.writeFileSync(path.join(folder, 'sub', 'terraform.tfstate'), '{"version": 4}');
    fs.mkdirSync(path.join(folder, '.terraform'));
    fs.writeFileSync(path.join(folder, '.terraform', 'environment'), 'blue');
    const r = app(root);
    expect(r.status).toBe(0);
    noTrace(r.stderr);
    expect(fs.readFileSync(path.join(folder, 'terraform.tfstate.d', 'blue', 'terraform.tfstate'), 'utf8')).toBe('{"version": 4, "serial": 3}');
    expect(fs.readFileSync(path.join(folder, 'sub', 'terraform.tfstate'), 'utf8')).toBe('{"version": 4}');
    expect(fs.readFileSync(path.join(folder, '.terraform', 'environment'), 'utf8')).toBe('blue');
    expect(fs.existsSync(path.join(folder, 'cdk.tf.json'))).toBe(true);
  });

  it('a second retirement of one name does not overwrite the first', () => {
    const root = project({ 'a.yaml': named('alpha') });
    for (const serial of [1, 2]) {
      writeTopologies(root, { 'a.yaml': named('alpha') });
      expect(app(root).status).toBe(0);
      fs.writeFileSync(path.join(root, 'cdktf.out', 'stacks', 'alpha', 'terraform.tfstate'), `${serial}`);
      writeTopologies(root, { 'b.yaml': named('beta') });
      expect(app(root).status).toBe(0);
    }
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'retired', 'alpha', 'terraform.tfstate'), 'utf8')).toBe('1');
    expect(fs.readFileSync(path.join(root, 'cdktf.out', 'retired', 'alpha-2', 'terraform.tfstate'), 'utf8')).toBe('2');
  });

  it.each([
    ['/etc', () => '/etc'],
    [
      "someone's cdktf output with their manifest.json and stacks/oldstack with its state",
      () => {
        const other = path.join(dir, `theirs-${n++}`);
        fs.mkdirSync(path.join(other, 'stacks', 'oldstack'), { recursive: true });
        fs.writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { oldstack: { name: 'oldstack', synthesizedStackPath: 'stacks/oldstack/cdk.tf.json' } } }));
        fs.writeFileSync(path.join(other, 'stacks', 'oldstack', 'cdk.tf.json'), '{}');
        fs.writeFileSync(path.join(other, 'stacks', 'oldstack', 'terraform.tfstate'), '{"serial": 9}');
        return other;
      },
    ],
    [
      'a folder with only their manifest.json',
      () => {
        const other = path.join(dir, `theirs-${n++}`);
        fs.mkdirSync(other);
        fs.writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { oldstack: {} } }));
        return other;
      },
    ],
    [
      'a folder of notes',
      () => {
        const other = path.join(dir, `notes-${n++}`);
        fs.mkdirSync(other);
        fs.writeFileSync(path.join(other, 'todo.txt'), 'mine');
        return other;
      },
    ],
  ])('CDKTF_OUTDIR at %s is refused in one line, exit 2, nothing written or removed', (_name, make) => {
    const outdir = make();
    const before = outdir === '/etc' ? fs.readdirSync('/etc').sort() : tree(outdir);
    const root = project({ 'a.yaml': named('alpha') });
    const r = app(root, { CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^ums-ha: CDKTF_OUTDIR ${outdir.replace(/[/.]/g, '\\$&')} holds .+, which no ums-ha synthesis wrote: name a new or empty folder, or an earlier output of ums-ha \\(nothing was written\\)$`)),
    ]);
    if (outdir === '/etc') {
      expect(fs.readdirSync('/etc').sort()).toEqual(before);
      expect(fs.existsSync('/etc/stacks')).toBe(false);
    } else expect(tree(outdir)).toEqual(before);
  });

  it('an empty folder, an earlier output of ums-ha and one of an earlier version (no record) are written', () => {
    const root = project({ 'a.yaml': named('alpha') });
    fs.mkdirSync(path.join(root, 'empty.out'));
    expect(app(root, { CDKTF_OUTDIR: 'empty.out' }).status).toBe(0);
    expect(app(root, { CDKTF_OUTDIR: 'empty.out' }).status).toBe(0);
    // An output of an earlier version: manifest.json and stacks/, a sizing report beside each stack.
    fs.rmSync(path.join(root, 'empty.out', '.ums-ha-output.json'));
    fs.rmSync(path.join(root, 'empty.out', '.ums-ha-lock'));
    const r = app(root, { CDKTF_OUTDIR: 'empty.out' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('the synthesis lock holds across network namespaces (issue 23.3)', () => {
  it('a synthesis under unshare -n racing another into the same folder: exactly the stacks of one run, both exit 0, no stack trace', async () => {
    const count = 10;
    const a = project(Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}.yaml`, named(`a-${i}`)])));
    const b = project(Object.fromEntries(Array.from({ length: count }, (_, i) => [`b${i}.yaml`, named(`b-${i}`)])));
    const outdir = path.join(dir, `shared-${n++}.out`);
    const sets = [Array.from({ length: count }, (_, i) => `a-${i}`).sort(), Array.from({ length: count }, (_, i) => `b-${i}`).sort()];
    let waited = 0;
    for (let round = 0; round < 3; round++) {
      const runs = [
        // One in a network namespace of its own (another container on the same workspace), one here.
        spawn('unshare', ['-n', process.execPath, APP], { cwd: a, env: env({ CDKTF_OUTDIR: outdir }), stdio: ['ignore', 'ignore', 'pipe'] }),
        spawn(process.execPath, [APP], { cwd: b, env: env({ CDKTF_OUTDIR: outdir }), stdio: ['ignore', 'ignore', 'pipe'] }),
      ].map(
        (child) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            let stderr = '';
            child.stderr!.on('data', (d) => (stderr += d));
            child.on('close', (code) => resolve({ code, stderr }));
          }),
      );
      const results = await Promise.all(runs);
      for (const r of results) {
        noTrace(r.stderr);
        expect(r.code).toBe(0);
        if (r.stderr.includes('waiting for another synthesis')) waited++;
      }
      const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
      expect(sets).toContainEqual(stacks);
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    }
    // They saw each other: in at least one round one run waited for the other.
    expect(waited).toBeGreaterThan(0);
  }, 240_000);
});
