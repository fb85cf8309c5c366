import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

/**
 * cdktf.json's app command as `cdktf synth` runs it (a shell, CDKTF_OUTDIR set), in a copy of the
 * built checkout: an unchanged copy runs the bundle as built, an edited main.ts, core file or node
 * script is rebuilt before the run (scripts/app-build.js), a broken source stops with one line.
 */
const dir = tempDir('ums-ha-app-build-');
const APP_COMMAND: string = JSON.parse(fs.readFileSync(path.join(repoRoot, 'cdktf.json'), 'utf8')).app;
/** The checkout as built: everything but the installed packages, the history, outputs and the tests. */
const SKIP = new Set(['node_modules', '.git', 'cdktf.out', '__tests__', 'coverage', '.terraform']);
const SOURCES = fs.readdirSync(repoRoot).filter((entry) => !SKIP.has(entry) && !entry.startsWith('terraform.'));

let n = 0;
function checkout(): string {
  const root = path.join(dir, `c${n++}`);
  for (const entry of SOURCES) fs.cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

function synth(root: string) {
  const outdir = path.join(root, `out${n++}`);
  const { UMS_HA_DEBUG: _debug, ...env } = process.env;
  const r = spawnSync('sh', ['-c', APP_COMMAND], { cwd: root, env: { ...env, CDKTF_OUTDIR: outdir }, encoding: 'utf8', timeout: 60000 });
  const read = (file: string) => (fs.existsSync(path.join(outdir, file)) ? fs.readFileSync(path.join(outdir, file), 'utf8') : undefined);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, read };
}

const edit = (root: string, file: string, from: string, to: string) => {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(path.join(root, file), text.replace(from, to));
};
const bundleOf = (root: string) => fs.readFileSync(path.join(root, 'dist', 'ums-ha-app.js'), 'utf8');

describe("cdktf.json's app command (bin/ums-ha-app.js with scripts/app-build.js)", () => {
  it('is the app entry itself, with no build in front of it', () => {
    expect(APP_COMMAND).toBe('node bin/ums-ha-app.js');
  });

  it('sets CHECKPOINT_DISABLE for its own process, keeping a value the user set', () => {
    const probe = path.join(dir, 'probe.js');
    fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write(`CHECKPOINT_DISABLE=${process.env.CHECKPOINT_DISABLE}\\n`));\n");
    const run = (extra: Record<string, string>) => {
      const { CHECKPOINT_DISABLE: _c, UMS_HA_DEBUG: _d, ...env } = process.env;
      return spawnSync(process.execPath, ['-r', probe, path.join(repoRoot, 'bin', 'ums-ha-app.js')], { cwd: repoRoot, env: { ...env, ...extra, CDKTF_OUTDIR: path.join(dir, `cp${n++}`) }, encoding: 'utf8' });
    };
    const unset = run({});
    expect(unset.status).toBe(0);
    expect(unset.stderr).toBe('CHECKPOINT_DISABLE=1\n');
    expect(run({ CHECKPOINT_DISABLE: 'true' }).stderr).toBe('CHECKPOINT_DISABLE=true\n');
  });

  it('runs an unchanged checkout without rebuilding anything', () => {
    const root = checkout();
    const before = fs.statSync(path.join(root, 'dist', 'ums-ha-app.js')).mtimeMs;
    const r = synth(root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ums-ha: synthesized berlin-small, frankfurt-large(, [a-z0-9-]+)* into out\d+\n$/);
    expect(fs.statSync(path.join(root, 'dist', 'ums-ha-app.js')).mtimeMs).toBe(before);
  });

  it('picks up an edited main.ts on the next synth, and then runs the new bundle as built', () => {
    const root = checkout();
    edit(root, 'main.ts', 'ums-ha: synthesized ${', 'ums-ha: synthesized (edited) ${');
    const first = synth(root);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^ums-ha: sources changed since the last build: rebuilt dist\/ums-ha-app\.js \(bundle\) in \d+\.\d s; type-check with npm run typecheck\n$/);
    expect(first.stdout).toContain('ums-ha: synthesized (edited) berlin-small');
    const second = synth(root);
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('ums-ha: synthesized (edited) berlin-small');
  });

  it('picks up an edited core file and an edited node script', () => {
    const root = checkout();
    const reference = synth(root);
    edit(root, path.join('core', 'reports', 'report.ts'), '`# Sizing review: ${', '`# Sizing review (edited): ${');
    const core = synth(root);
    expect(core.status).toBe(0);
    expect(core.stderr).toContain('rebuilt dist/ums-ha-app.js (bundle)');
    expect(core.read('stacks/berlin-small/sizing-report.md')).toMatch(/^# Sizing review \(edited\): berlin-small\n/);
    expect(core.read('stacks/berlin-small/cdk.tf.json')).toBe(reference.read('stacks/berlin-small/cdk.tf.json'));

    const script = fs.readdirSync(path.join(root, 'bootstrap', 'scripts')).filter((f) => f.endsWith('.sh'))[0];
    // A command line (comment-only lines do not ship, scripts/embed-bootstrap.js).
    fs.appendFileSync(path.join(root, 'bootstrap', 'scripts', script), ': edited\n');
    const node = synth(root);
    expect(node.status).toBe(0);
    expect(node.stderr).toContain('rebuilt dist/ums-ha-app.js (bootstrap, bundle)');
    expect(fs.readFileSync(path.join(root, 'bootstrap', 'generated', 'scripts.ts'), 'utf8')).toContain(': edited\\n');
    // The user-data of every node carries the scripts: the stack changed.
    expect(node.read('stacks/berlin-small/cdk.tf.json')).not.toBe(reference.read('stacks/berlin-small/cdk.tf.json'));
  });

  it('stops with one line on a source esbuild cannot read, and keeps the bundle it had', () => {
    const root = checkout();
    const bundle = bundleOf(root);
    fs.appendFileSync(path.join(root, 'main.ts'), '\nexport const broken = ;\n');
    const r = synth(root);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toBe('ums-ha: fix the sources, or run `npm run build` to see every error');
    expect(r.stderr).toMatch(/ums-ha: the cdktf app could not be rebuilt from the sources: /);
    expect(bundleOf(root)).toBe(bundle);
    expect(r.read('manifest.json')).toBeUndefined();
  });
});
