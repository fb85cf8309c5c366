/**
 * examples/typescript-app as a user runs it: ums-ha installed from its `npm pack` tarball (only
 * what package.json `files` ships, loaded through `exports`), the example's own tsconfig and
 * cdktf.json, and `cdktf synth` of the cdktf CLI, in a temporary folder. The tarball's
 * dependencies (cdktf, constructs, the provider, ajv...) are linked from this checkout's
 * node_modules, so nothing is downloaded.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

const EXAMPLE = path.join(repoRoot, 'examples', 'typescript-app');
const LINKED = ['cdktf', 'constructs', '@cdktf', 'ajv', 'yaml', 'js-yaml', 'commander', 'ipaddr.js', 'typescript', 'cdktf-cli'];
const CDKTF = path.join(repoRoot, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const dir = tempDir(`ums-ha-example-${process.pid}-`);
const app = path.join(dir, 'app');

function run(command: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: app, encoding: 'utf8', timeout: 150_000, env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', ...env } });
}

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(pack.status).toBe(0);
  const tarball = path.join(dir, pack.stdout.trim().split('\n').pop()!);
  const pkg = path.join(app, 'node_modules', 'ums-ha');
  fs.mkdirSync(pkg, { recursive: true });
  expect(spawnSync('tar', ['xzf', tarball, '-C', pkg, '--strip-components=1']).status).toBe(0);
  for (const f of fs.readdirSync(EXAMPLE)) if (fs.statSync(path.join(EXAMPLE, f)).isFile()) fs.copyFileSync(path.join(EXAMPLE, f), path.join(app, f));
  for (const name of LINKED) fs.symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(app, 'node_modules', name));
  fs.mkdirSync(path.join(app, 'node_modules', '@types'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules', '@types', 'node'), path.join(app, 'node_modules', '@types', 'node'));
  fs.mkdirSync(path.join(app, 'node_modules', '.bin'));
  fs.symlinkSync('../typescript/bin/tsc', path.join(app, 'node_modules', '.bin', 'tsc'));
}, 90_000);

describe('examples/typescript-app', () => {
  it('ships the compiled package: no TypeScript sources, no tests, the generated validator beside its caller', () => {
    const pkg = path.join(app, 'node_modules', 'ums-ha');
    expect(fs.existsSync(path.join(pkg, 'dist', 'core', 'document', 'generated', 'schema-validator.js'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'dist', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'constructs'))).toBe(false);
    expect(fs.existsSync(path.join(pkg, '__tests__'))).toBe(false);
    // Everything the shipped code loads is Node.js itself or a dependency (never a devDependency).
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const shipped = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? shipped(path.join(d, e.name)) : e.name.endsWith('.js') ? [path.join(d, e.name)] : []));
    const loaded = new Set<string>();
    for (const file of [...shipped(path.join(pkg, 'dist')), ...shipped(path.join(pkg, 'bin'))]) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/require\(["']([^"'.][^"']*)["']\)/g)) {
        const name = m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!;
        if (!builtinModules.includes(name.replace(/^node:/, ''))) loaded.add(name);
      }
    }
    expect([...loaded].sort()).toEqual(expect.arrayContaining(['ajv', 'cdktf', 'constructs']));
    for (const name of loaded) expect(Object.keys(dependencies)).toContain(name);
    // The core alone, through its own export, loads without cdktf.
    const core = spawnSync(process.execPath, ['-e', "const c = require('ums-ha/core'); process.stdout.write(String(typeof c.validateValue) + ' ' + Object.keys(require.cache).some((f) => f.includes('/cdktf/')))"], { cwd: app, encoding: 'utf8' });
    expect(core.stdout).toBe('function false');
  });

  it('type-checks with plain tsc and synthesizes both stacks under cdktf synth, each with its sizing review', () => {
    const synth = run(process.execPath, [CDKTF, 'synth']);
    expect(`${synth.stdout}${synth.stderr}`).toContain('Generated Terraform code for the stacks: hamburg, munich');
    expect(synth.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['hamburg', 'munich']);
    for (const [name, vms, servers] of [['hamburg', 2, 2], ['munich', 5, 3]] as const) {
      const stackDir = path.join(app, 'cdktf.out', 'stacks', name);
      const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
      expect(Object.keys(json.resource.vsphere_virtual_machine)).toHaveLength(vms);
      expect(fs.readFileSync(path.join(stackDir, 'sizing-report.md'), 'utf8')).toMatch(new RegExp(`^# Sizing review: ${name}\n`));
      expect(JSON.parse(fs.readFileSync(path.join(stackDir, 'sizing-report.json'), 'utf8'))).toMatchObject({ topology: name, servers: { count: servers } });
    }
  }, 150_000);

  it('refuses a topology with an error by JSON pointer and leaves no stack of it', () => {
    // The compiled app of the test above, with one value broken.
    const main = path.join(app, 'out', 'main.js');
    const text = fs.readFileSync(main, 'utf8');
    expect(text).toContain("site('munich', 120000");
    fs.writeFileSync(path.join(app, 'broken.js'), text.replace("site('munich', 120000", "site('munich', -5"));
    const outdir = path.join(dir, 'broken.out');
    const r = run(process.execPath, ['broken.js'], { CDKTF_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^munich\/topology#\/spec\/devices error UMS-SCHEMA /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks)).toEqual(['hamburg']);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['hamburg']);
  });
});
