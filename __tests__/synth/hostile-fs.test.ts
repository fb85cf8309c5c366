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
import { repoRoot, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-hostile-fs-');
const APP = path.join(repoRoot, 'bin', 'ums-ha-app.js');
let n = 0;

const named = (name: string, spec: Record<string, unknown> = {}) => ({ ...topology(spec), metadata: { name } });

/** A project folder with these topology files (name -> document or text). */
function project(files: Record<string, unknown>): string {
  const root = path.join(dir, `p${n++}`);
  fs.mkdirSync(path.join(root, 'topologies'), { recursive: true });
  writeTopologies(root, files);
  return root;
}
function writeTopologies(root: string, files: Record<string, unknown>) {
  const t = path.join(root, 'topologies');
  for (const f of fs.readdirSync(t)) fs.rmSync(path.join(t, f));
  for (const [file, doc] of Object.entries(files)) fs.writeFileSync(path.join(t, file), typeof doc === 'string' ? doc : stringify(doc));
}
function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, UMS_TOPOLOGY_DIR: 'topologies' };
  for (const k of ['CDKTF_OUTDIR', 'SYNTH_HCL_OUTPUT', 'UMS_HA_DEBUG', 'UMS_HA_BACKEND_FILE', 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS']) delete e[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}
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
