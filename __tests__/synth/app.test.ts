import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { Lazy } from 'cdktf';
import { synthesize } from '../../main';
import { withoutTokenStackTraces } from '../../stacks/token-stack-traces';
import { repoRoot, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-synth-');
let n = 0;
function workspace(files: Record<string, unknown>) {
  const root = path.join(dir, `w${n++}`);
  const topologies = path.join(root, 'topologies');
  fs.mkdirSync(topologies, { recursive: true });
  for (const [name, doc] of Object.entries(files)) fs.writeFileSync(path.join(topologies, name), typeof doc === 'string' ? doc : stringify(doc));
  return { topologies, outdir: path.join(root, 'cdktf.out') };
}
function run(w: { topologies: string; outdir: string }) {
  const lines: string[] = [];
  const result = synthesize({ topologyDir: w.topologies, outdir: w.outdir, log: (l) => lines.push(l) });
  return { ...result, lines };
}
const named = (name: string, spec: Record<string, unknown> = {}) => ({ ...topology(spec), metadata: { name } });
/** The cdktf app entry (cdktf.json "app"). */
const APP = path.join(repoRoot, 'bin', 'ums-ha-app.js');
/** The compile cache's file for `node bin/ums-ha-app.js` without flags (one per Node.js version, architecture and flags). */
const cacheFile = (entry: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(entry)}).CACHE)`], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout;
const CACHE_NAME = path.basename(cacheFile(APP));

describe('the cdktf app (main.ts)', () => {
  it('synthesizes every shipped example into cdktf.out/stacks/<name>/cdk.tf.json', () => {
    const outdir = path.join(dir, 'examples.out');
    const lines: string[] = [];
    const result = synthesize({ topologyDir: path.join(repoRoot, 'topologies'), outdir, log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect(result.code).toBe(0);
    const names = fs.readdirSync(path.join(repoRoot, 'topologies')).filter((f) => /\.ya?ml$/.test(f)).length;
    expect(result.stacks).toHaveLength(names);
    expect(result.stacks).toContain('hamburg-aws');
    for (const stack of result.stacks) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      // vSphere VMs, or EC2 instances for the aws example.
      expect(Object.keys(json.resource.vsphere_virtual_machine ?? json.resource.aws_instance).length).toBeGreaterThanOrEqual(2);
      // The sizing review beside every stack.
      expect(fs.readFileSync(path.join(outdir, 'stacks', stack, 'sizing-report.md'), 'utf8')).toMatch(new RegExp(`^# Sizing review: ${stack}\n`));
      expect(JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'sizing-report.json'), 'utf8'))).toMatchObject({ topology: stack, valid: true });
    }
  });

  it('refuses a topology with an error: the CLI line, its stack keeps its last good output, the others still synthesized', () => {
    const w = workspace({ 'a-good.yaml': named('good'), 'b-bad.yaml': named('bad') });
    expect(run(w).code).toBe(0);
    const last = fs.readFileSync(path.join(w.outdir, 'stacks', 'bad', 'cdk.tf.json'), 'utf8');
    fs.writeFileSync(path.join(w.topologies, 'b-bad.yaml'), stringify(named('bad', { devices: 120000, servers: 2 })));
    const r = run(w);
    expect(r.code).toBe(1);
    expect(r.stacks).toEqual(['good']);
    expect(r.lines).toContainEqual(expect.stringMatching(/b-bad\.yaml:\d+:\d+ error UMS-SIZE-001 120,000 devices need at least 3 servers/));
    expect(r.lines).toContainEqual(expect.stringMatching(/^ums-ha: kept .*stacks\/bad as the last good output of .*b-bad\.yaml: its topology is refused in this run$/));
    expect(fs.readFileSync(path.join(w.outdir, 'stacks', 'bad', 'cdk.tf.json'), 'utf8')).toBe(last);
    expect(fs.existsSync(path.join(w.outdir, 'stacks', 'good', 'cdk.tf.json'))).toBe(true);
  });

  it('refuses a platform synthesis cannot build with UMS-PLAT-001, which validate accepts', () => {
    for (const platform of ['azure', 'gcp']) {
      const w = workspace({ 'cloud.yaml': named('cloud', { platform, loadBalancing: 'external', clusterAddress: 'u.example:443' }) });
      const r = run(w);
      expect(r.code).toBe(1);
      expect(r.lines).toContainEqual(expect.stringMatching(new RegExp(`cloud\\.yaml:\\d+:\\d+ error UMS-PLAT-001 .*platforms aws and vsphere.*platform ${platform} `)));
    }
  });

  it('refuses unparsable files and two topologies with one name', () => {
    const w = workspace({ 'a.yaml': named('same'), 'b.yaml': named('same'), 'c.yaml': 'spec: [' });
    const r = run(w);
    expect(r.code).toBe(1);
    expect(r.stacks).toEqual(['same']);
    expect(r.lines).toContainEqual(expect.stringMatching(/b\.yaml:\d+:\d+ error UMS-NET-004 metadata.name same is also the name of .*a\.yaml/));
    expect(r.lines).toContainEqual(expect.stringMatching(/c\.yaml:\d+:\d+ error UMS-YAML /));
  });

  it('says so when the folder holds no topology', () => {
    const r = synthesize({ topologyDir: path.join(dir, 'nothing-here'), outdir: path.join(dir, 'x.out'), log: () => {} });
    expect(r.code).toBe(2);
  });

  it('is deterministic: two synths of the same input are byte-identical', () => {
    // A design without warnings: a warning's annotation in manifest.json names the file by its absolute path.
    const w1 = workspace({ 'x.yaml': named('det', { devices: 100000, servers: 3 }) });
    const w2 = workspace({ 'x.yaml': named('det', { devices: 100000, servers: 3 }) });
    run(w1);
    run(w2);
    for (const file of ['manifest.json', 'stacks/det/cdk.tf.json']) {
      const a = fs.readFileSync(path.join(w1.outdir, file));
      const b = fs.readFileSync(path.join(w2.outdir, file));
      expect(a.equals(b)).toBe(true);
    }
  });

  it('runs as `node bin/ums-ha-app.js` (the cdktf.json app) with UMS_TOPOLOGY_DIR, exiting non-zero on a refused topology', () => {
    const w = workspace({ 'ok.yaml': named('ok'), 'no.yaml': named('no', { database: { engine: 'embedded' } }) });
    const r = spawnSync(process.execPath, [APP], {
      cwd: path.dirname(w.topologies),
      env: { ...process.env, UMS_TOPOLOGY_DIR: 'topologies', CDKTF_OUTDIR: w.outdir },
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/topologies\/no\.yaml:\d+:\d+ error UMS-DB-001 /);
    expect(fs.existsSync(path.join(w.outdir, 'stacks', 'ok', 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(w.outdir, 'stacks', 'no'))).toBe(false);
  });

  it('refuses an unknown deploy phase', () => {
    const r = spawnSync(process.execPath, [APP], {
      cwd: repoRoot,
      env: { ...process.env, UMS_HA_DEPLOY_PHASE: 'everything', CDKTF_OUTDIR: path.join(dir, 'phase.out') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('UMS_HA_DEPLOY_PHASE must be first-server or all');
  });
});

describe('the app entry and its compile cache (bin/ums-ha-app.js)', () => {
  /** A copy of the built app (entry, bundle, cache) beside the checkout's node_modules, to tamper with. */
  function appCopy(edit: (bundle: string) => string = (b) => b) {
    const root = path.join(dir, `app${n++}`);
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'));
    fs.copyFileSync(APP, path.join(root, 'bin', 'ums-ha-app.js'));
    fs.writeFileSync(path.join(root, 'dist', 'ums-ha-app.js'), edit(fs.readFileSync(path.join(repoRoot, 'dist', 'ums-ha-app.js'), 'utf8')));
    fs.copyFileSync(path.join(repoRoot, 'dist', CACHE_NAME), path.join(root, 'dist', CACHE_NAME));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
    return path.join(root, 'bin', 'ums-ha-app.js');
  }
  const w = workspace({ 'a.yaml': named('alpha'), 'b.yaml': named('beta', { devices: 120000 }) });
  function synthWith(entry: string, nodeArgs: string[] = [], outdir = path.join(path.dirname(w.topologies), `out${n++}`)) {
    const r = spawnSync(process.execPath, [...nodeArgs, entry], {
      cwd: path.dirname(w.topologies),
      env: { ...process.env, UMS_TOPOLOGY_DIR: 'topologies', CDKTF_OUTDIR: outdir, UMS_HA_DEBUG: '1' },
      encoding: 'utf8',
      timeout: 60000,
    });
    const stacks = ['alpha', 'beta'].map((name) => fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    return { ...r, stacks };
  }
  const cacheOf = (entry: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [...nodeArgs, '-e', `process.stdout.write(require(${JSON.stringify(entry)}).loadApp().cache)`], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout;

  it('compiles the bundle with the cache the build wrote, as node runs it and as cdktf synth runs it', () => {
    expect(CACHE_NAME).toMatch(new RegExp(`^ums-ha-app\\.node-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.cache$`));
    expect(fs.statSync(path.join(repoRoot, 'dist', CACHE_NAME)).size).toBeGreaterThan(10000);
    expect(cacheOf(APP)).toBe('used');
    // cdktf synth sets NODE_OPTIONS=--max-old-space-size=4096, and V8 refuses a cache made without it.
    const cdktfSynth = { NODE_OPTIONS: '--max-old-space-size=4096' };
    expect(cacheFile(APP, cdktfSynth)).not.toBe(cacheFile(APP));
    expect(cacheOf(APP, [], cdktfSynth)).toBe('used');
  });

  it('ignores a cache made from another bundle, for other flags, or one V8 rejects, with the same output, and writes it for the next run', () => {
    const reference = synthWith(APP);
    expect(reference.status).toBe(0);
    expect(reference.stderr).not.toContain('compile cache');

    const edited = appCopy((bundle) => `${bundle}\n// rebuilt\n`);
    expect(cacheOf(edited)).toBe('none');
    const other = synthWith(edited);
    expect(other.status).toBe(0);
    expect(other.stderr).toContain('ums-ha: compile cache missing or made from another build (written after this run)');
    expect(other.stacks).toEqual(reference.stacks);
    expect(cacheOf(edited)).toBe('used');

    // Other V8 flags: a cache file of their own, written after the first run; the plain one stays.
    const flagged = appCopy();
    expect(cacheOf(flagged, ['--stack-size=2000'])).toBe('none');
    const withFlags = synthWith(flagged, ['--stack-size=2000']);
    expect(withFlags.status).toBe(0);
    expect(withFlags.stacks).toEqual(reference.stacks);
    expect(cacheOf(flagged, ['--stack-size=2000'])).toBe('used');
    expect(cacheOf(flagged)).toBe('used');

    // A damaged cache for this very bundle: V8 refuses it, the bundle compiles as usual.
    const damaged = appCopy();
    const file = path.join(path.dirname(damaged), '..', 'dist', CACHE_NAME);
    const bytes = fs.readFileSync(file);
    bytes.fill(7, 32 + 16);
    fs.writeFileSync(file, bytes);
    expect(cacheOf(damaged)).toBe('rejected');
    const rejected = synthWith(damaged);
    expect(rejected.status).toBe(0);
    expect(rejected.stderr).toContain('ums-ha: compile cache rejected by V8 (written again after this run)');
    expect(rejected.stacks).toEqual(reference.stacks);
    expect(cacheOf(damaged)).toBe('used');
  });

  it('says in one line that the app is not built', () => {
    const entry = appCopy();
    fs.rmSync(path.join(path.dirname(entry), '..', 'dist', 'ums-ha-app.js'));
    const { UMS_HA_DEBUG: _debug, ...env } = process.env;
    const r = spawnSync(process.execPath, [entry], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('ums-ha: the cdktf app is not built: run `npm run build` (or `npm ci`) in the ums-ha checkout');
  });
});

describe('state backend (UMS_HA_BACKEND_FILE)', () => {
  it('configures every stack with its own state key', () => {
    const w = workspace({ 'a.yaml': named('alpha'), 'b.yaml': named('beta') });
    const backendFile = path.join(path.dirname(w.topologies), 'backend.json');
    fs.writeFileSync(backendFile, JSON.stringify({ type: 's3', config: { bucket: 'tfstate', key: 'ums-ha/{stack}.tfstate', encrypt: true } }));
    const r = spawnSync(process.execPath, [APP], {
      cwd: path.dirname(w.topologies),
      env: { ...process.env, UMS_TOPOLOGY_DIR: 'topologies', CDKTF_OUTDIR: w.outdir, UMS_HA_BACKEND_FILE: backendFile },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    for (const name of ['alpha', 'beta']) {
      const json = JSON.parse(fs.readFileSync(path.join(w.outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      expect(json.terraform.backend).toEqual({ s3: { bucket: 'tfstate', key: `ums-ha/${name}.tfstate`, encrypt: true } });
    }
  });

  it.each([
    ['not JSON', '{type: s3'],
    ['no type', '{"config": {}}'],
    ['config not an object', '{"type": "s3", "config": [1]}'],
  ])('refuses a backend file that is %s, in one line', (_n, content) => {
    const file = path.join(dir, `backend-${_n.replace(/ /g, '-')}.json`);
    fs.writeFileSync(file, content);
    const r = spawnSync(process.execPath, [APP], {
      cwd: repoRoot,
      env: { ...process.env, UMS_HA_BACKEND_FILE: file, CDKTF_OUTDIR: path.join(dir, 'backend.out') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('UMS_HA_BACKEND_FILE');
  });

  it('says where a JSON syntax error is without quoting the file', () => {
    const file = path.join(dir, 'backend-syntax.json');
    fs.writeFileSync(file, '{"type": "pg",\n "config": {"conn_str": "postgres://u:hunter2x@db/x" oops}}');
    const r = spawnSync(process.execPath, [APP], { cwd: repoRoot, env: { ...process.env, UMS_HA_BACKEND_FILE: file, CDKTF_OUTDIR: path.join(dir, 'syntax.out') }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ums-ha: UMS_HA_BACKEND_FILE ${file}: not JSON (a JSON syntax error at line 2, column 54)\n`);
    expect(r.stderr).not.toContain('hunter2x');
    expect(fs.existsSync(path.join(dir, 'syntax.out'))).toBe(false);
  });

  it.each([
    ['pg', { conn_str: 'postgres://ums:hunter2x@db.example.internal/tfstate' }, 'config.conn_str holds a URL with a password', 'PG_CONN_STR'],
    ['pg', { conn_str: 'host=db user=ums password=hunter2x sslmode=require' }, 'config.conn_str holds a password', 'PGPASSWORD'],
    ['s3', { bucket: 'b', key: 'k', access_key: 'AKIAhunter2x' }, 'config.access_key is a credential setting', 'AWS_SECRET_ACCESS_KEY'],
    ['s3', { bucket: 'b', key: 'k', secret_key: 'hunter2x' }, 'config.secret_key is a credential setting', 'AWS_SECRET_ACCESS_KEY'],
    ['s3', { bucket: 'b', key: 'k', assume_role: { role_arn: 'arn:aws:iam::1:role/x', session_token: 'hunter2x' } }, 'config.assume_role.session_token is a credential setting', 'AWS_SESSION_TOKEN'],
    ['azurerm', { storage_account_name: 's', container_name: 'c', key: 'k', client_secret: 'hunter2x' }, 'config.client_secret is a credential setting', 'ARM_CLIENT_SECRET'],
    ['http', { address: 'https://state.example.internal/x', password: 'hunter2x' }, 'config.password is a credential setting', 'TF_HTTP_PASSWORD'],
    ['remote', { hostname: 'app.terraform.io', organization: 'o', token: 'hunter2x' }, 'config.token is a credential setting', 'TF_TOKEN_'],
    ['gcs', { bucket: 'b', credentials: '{"type": "service_account", "private_key": "hunter2x"}' }, 'config.credentials holds a private key', 'GOOGLE_CREDENTIALS'],
  ])('refuses credentials in a %s backend, naming the setting and the environment variables, never the value', (type, config, says, envVar) => {
    const file = path.join(dir, `backend-cred-${n++}.json`);
    fs.writeFileSync(file, JSON.stringify({ type, config }));
    const outdir = path.join(dir, `cred${n++}.out`);
    const r = spawnSync(process.execPath, [APP], { cwd: repoRoot, env: { ...process.env, UMS_HA_BACKEND_FILE: file, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`UMS_HA_BACKEND_FILE ${file}: ${says}; the file is copied into every cdk.tf.json, so leave credentials out and set them in `);
    expect(r.stderr).toContain(envVar);
    expect(r.stderr).not.toContain('hunter2x');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('writes no secret into cdk.tf.json: sensitive variables with no default but the empty one, their values from TF_VAR_* never copied', () => {
    const w = workspace({ 'a.yaml': named('alpha', { networkToken: { mode: 'existing', variable: 'UMS_NETWORK_TOKEN' } }) });
    const marker = 'hunter2-secret-marker';
    const r = spawnSync(process.execPath, [APP], {
      cwd: path.dirname(w.topologies),
      env: { ...process.env, UMS_TOPOLOGY_DIR: 'topologies', CDKTF_OUTDIR: w.outdir, TF_VAR_UMS_DB_PASSWORD: marker, TF_VAR_UMS_NETWORK_TOKEN: marker, TF_VAR_vsphere_password: marker },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const folder = path.join(w.outdir, 'stacks', 'alpha');
    for (const f of fs.readdirSync(folder)) expect(fs.readFileSync(path.join(folder, f), 'utf8')).not.toContain(marker);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'cdk.tf.json'), 'utf8'));
    for (const name of ['UMS_DB_PASSWORD', 'UMS_NETWORK_TOKEN', 'vsphere_password']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true });
      // The only default is empty: an unset variable stops the plan with one line (constructs/variable.ts).
      expect(json.variable[name].default).toBe('');
    }
  });

  it('accepts settings that only name where credentials are (profiles, files, role ARNs, key ids, switches)', () => {
    const { readBackendFile } = require('../../main');
    const file = path.join(dir, 'backend-fine.json');
    const config = { bucket: 'b', key: 'ums-ha/{stack}.tfstate', kms_key_id: 'arn:aws:kms:x', profile: 'ops', shared_credentials_files: ['/etc/aws'], assume_role: { role_arn: 'arn:aws:iam::1:role/x' }, use_azuread_auth: true, conn_str: 'postgres://db.example.internal/tfstate?sslmode=require' };
    fs.writeFileSync(file, JSON.stringify({ type: 's3', config }));
    expect(readBackendFile(file)).toEqual({ type: 's3', config });
  });
});

describe('token stack traces during synthesis', () => {
  it('are not captured for cdktf tokens, while an Error keeps its stack; the previous hooks are restored', () => {
    const before = { prepare: Error.prepareStackTrace, capture: Error.captureStackTrace };
    const seen = withoutTokenStackTraces(() => {
      const lazy = Lazy.anyValue({ produce: () => 'x' }) as unknown as { creationStack: string[] };
      const error = new Error('real failure');
      const captured = new Error('captured');
      Error.captureStackTrace(captured);
      const plain = { stack: '' };
      Error.captureStackTrace(plain);
      return { creationStack: lazy.creationStack, stack: error.stack ?? '', captured: captured.stack ?? '', plain: plain.stack };
    });
    expect(seen.creationStack).toEqual([]);
    expect(seen.stack).toMatch(/^Error: real failure\n {4}at /);
    // Its first frame is where it was captured, not the wrapper.
    expect(seen.captured).toMatch(/^Error: captured\n {4}at [^\n]*app\.test\.ts/);
    expect(seen.plain).toBe('');
    expect(Error.prepareStackTrace).toBe(before.prepare);
    expect(Error.captureStackTrace).toBe(before.capture);
    // Control: outside, cdktf records the creation stack as usual.
    expect((Lazy.anyValue({ produce: () => 'x' }) as unknown as { creationStack: string[] }).creationStack.length).toBeGreaterThan(0);
    const plain = { stack: '' };
    Error.captureStackTrace(plain);
    expect(plain.stack).toMatch(/\n {4}at /);
  });

  it('restores the previous hooks when synthesis throws', () => {
    const before = { prepare: Error.prepareStackTrace, capture: Error.captureStackTrace };
    expect(() => withoutTokenStackTraces(() => { throw new Error('boom'); })).toThrow('boom');
    expect(Error.prepareStackTrace).toBe(before.prepare);
    expect(Error.captureStackTrace).toBe(before.capture);
  });
});
