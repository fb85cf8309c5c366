/**
 * docs/typescript.md as a doc-test: its code blocks, extracted literally, in an empty folder with
 * the `npm pack` tarball of this checkout. A block ```` ```<lang> file=<name> ```` is written to
 * that file; a ```` ```sh doc-test ```` block runs in bash (-e: every command must succeed). npm
 * runs with today's defaults, offline: a fake registry on loopback
 * (__tests__/fixtures/fake-npm-registry.js) serves the packages of package-lock.json from the npm
 * cache that `npm ci` filled, into a cache folder of the test's own.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

const DOC = path.join(repoRoot, 'docs', 'typescript.md');
const dir = tempDir(`ums-ha-doc-${process.pid}-`);
const app = path.join(dir, 'my-ums-ha-app');

interface Block {
  readonly lang: string;
  readonly attrs: string;
  readonly body: string;
}

/** The fenced code blocks at the start of a line (not the indented ones inside list items). */
function blocks(text: string): Block[] {
  return [...text.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, attrs: m[2]!.trim(), body: m[3]! }));
}

let registry: ChildProcess | undefined;
let env: Record<string, string | undefined> = {};

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');
  fs.mkdirSync(app);
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', app], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(pack.status).toBe(0);
  const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  registry = spawn(process.execPath, [path.join(repoRoot, '__tests__', 'fixtures', 'fake-npm-registry.js'), path.join(repoRoot, 'package-lock.json'), npmCache], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    registry!.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    registry!.on('exit', (code) => reject(new Error(`the fake registry exited (${code})`)));
  });
  env = { ...process.env, npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_cache: path.join(dir, 'npm-cache'), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', CI: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('npm_config_') && !['npm_config_registry', 'npm_config_cache', 'npm_config_audit', 'npm_config_fund', 'npm_config_update_notifier'].includes(key)) delete env[key];
}, 90_000);

afterAll(() => {
  if (registry && registry.exitCode === null) registry.kill('SIGTERM');
});

describe('docs/typescript.md, run as written', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const all = blocks(doc);
  const files = all.filter((b) => /^file=/.test(b.attrs));
  const commands = all.filter((b) => b.lang === 'sh' && b.attrs === 'doc-test');

  it('has the project files and the commands to run', () => {
    expect(files.map((b) => b.attrs.slice('file='.length)).sort()).toEqual(['cdktf.json', 'main.ts', 'package.json', 'tsconfig.json']);
    expect(commands.length).toBeGreaterThan(0);
    // The doc's package.json pins TypeScript and @types/node, has the build it calls, and names the tarball npm pack writes.
    const pkg = JSON.parse(files.find((b) => b.attrs === 'file=package.json')!.body);
    expect(pkg.devDependencies.typescript).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies['@types/node']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts.build).toBe('tsc');
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.dependencies['ums-ha']).toBe(`file:ums-ha-${version}.tgz`);
    expect(fs.readdirSync(app)).toEqual([`ums-ha-${version}.tgz`]);
    expect(JSON.parse(files.find((b) => b.attrs === 'file=tsconfig.json')!.body).compilerOptions.types).toEqual(['node']);
    // Every other shell block only deploys (it needs a data center).
    for (const b of all.filter((x) => x.lang === 'sh' && x.attrs === '')) expect(b.body.trim()).toMatch(/^npx cdktf deploy \w+$/);
  });

  it('installs, builds and synthesizes both platforms from an empty folder with the packed tarball', () => {
    for (const b of files) fs.writeFileSync(path.join(app, b.attrs.slice('file='.length)), b.body);
    for (const b of commands) {
      const r = spawnSync('bash', ['-e', '-c', b.body], { cwd: app, encoding: 'utf8', env, timeout: 420_000 });
      if (r.status !== 0) throw new Error(`the doc's commands failed (${r.status ?? r.signal}):\n${b.body}\n${r.stdout}\n${r.stderr}`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['frankfurt', 'hamburg']);
    const stack = (name: string) => JSON.parse(fs.readFileSync(path.join(app, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack('hamburg').resource.vsphere_virtual_machine)).toHaveLength(2);
    expect(Object.keys(stack('frankfurt').resource.aws_instance)).toHaveLength(2);
    for (const name of ['hamburg', 'frankfurt']) {
      expect(fs.readFileSync(path.join(app, 'cdktf.out', 'stacks', name, 'sizing-report.md'), 'utf8')).toMatch(new RegExp(`^# Sizing review: ${name}\n`));
    }
    // What npm installed: the pinned TypeScript, one copy of cdktf.
    expect(JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version).toBe('5.9.3');
    expect(fs.existsSync(path.join(app, 'node_modules', 'ums-ha', 'node_modules', 'cdktf'))).toBe(false);
  }, 600_000);
});
