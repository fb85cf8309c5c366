/**
 * The install script and its installer driver (expect), run for real against a FAKE installer
 * (__tests__/fixtures/fake-igel-installer.sh) that prints the same screens and records the
 * answers: the IGEL installer is proprietary and not here. chronyc, vmware-rpctool, systemctl, ss
 * and socat are stubs (__tests__/fixtures/fake-bin); nothing leaves the loopback interface.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { renderNodeEnv } from '../../bootstrap/node-env';
import { NODE_SCRIPTS } from '../../bootstrap/generated/scripts';
import { resolveTopology } from '../../core/model/resolve';
import { isRoot, requireTools } from '../helpers/system';
import { repoRoot, tempDir } from '../helpers/cli';
import { awsBlock, topology } from '../helpers/topology';

requireTools('bash', 'expect', 'curl', 'sha256sum', 'findmnt', 'unshare', 'mount');

const root = tempDir('ums-ha-install-');
const fixtures = path.join(repoRoot, '__tests__', 'fixtures');
let dbServer: net.Server;
let dbPort = 0;

beforeAll(async () => {
  dbServer = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => dbServer.listen(0, '127.0.0.1', resolve));
  dbPort = (dbServer.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => dbServer.close(() => resolve())));

interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  record: string;
  guestinfo: string;
  state: string;
  rootHome: string;
  log: string;
  /** The FAKE umsadmin-cli's data sources (type;host;port;database;user;active) and its calls. */
  datasources: string;
  admin: string;
  passwords: string;
  installDir: string;
}

let n = 0;
/** A node of a topology, set up as on a fresh VM: settings, scripts, guestinfo secrets. */
function sandbox(spec: Record<string, unknown>, nodeName: string, options: { secrets?: Record<string, string>; installer?: string } = {}): Sandbox {
  const dir = path.join(root, `s${n++}`);
  const lib = path.join(dir, 'lib');
  const guestinfo = path.join(dir, 'guestinfo');
  const rootHome = path.join(dir, 'root');
  const data = path.join(dir, 'data');
  for (const d of [lib, guestinfo, rootHome, data]) fs.mkdirSync(d, { recursive: true });
  const installer = path.join(dir, 'setup-igel-ums-linux.bin');
  fs.writeFileSync(installer, options.installer ?? fs.readFileSync(path.join(fixtures, 'fake-igel-installer.sh')), { mode: 0o755 });
  const genuine = fs.readFileSync(path.join(fixtures, 'fake-igel-installer.sh'));
  const t = resolveTopology(topology({ ...spec, database: { engine: 'postgresql', host: '127.0.0.1', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', ...(spec.database as object | undefined), port: dbPort } }));
  const node = t.nodes.find((x) => x.name === nodeName)!;
  const overrides = [
    `UMS_HA_INSTALLER_URL='file://${installer}'`,
    `UMS_HA_INSTALLER_SHA256='${createHash('sha256').update(genuine).digest('hex')}'`,
    `UMS_HA_PEER_CHECKS='127.0.0.1:1'`,
    `UMS_HA_DATA_DIR='${data}'`,
    `UMS_HA_IP='127.0.0.1'`,
  ];
  fs.writeFileSync(path.join(dir, 'node.env'), `${renderNodeEnv(t, node)}${overrides.join('\n')}\n`);
  fs.writeFileSync(path.join(lib, 'ums-ha-preflight'), NODE_SCRIPTS['ums-ha-preflight.sh'], { mode: 0o755 });
  fs.writeFileSync(path.join(lib, 'installer.exp'), NODE_SCRIPTS['installer.exp'], { mode: 0o755 });
  fs.writeFileSync(path.join(lib, 'ums-ha-datasource'), NODE_SCRIPTS['ums-ha-datasource.sh'], { mode: 0o700 });
  fs.writeFileSync(path.join(dir, 'ums-ha-install'), NODE_SCRIPTS['ums-ha-install.sh'], { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'meminfo'), 'MemTotal:       16384000 kB\n');
  for (const [k, v] of Object.entries(options.secrets ?? {})) fs.writeFileSync(path.join(guestinfo, k), v);
  const state = path.join(dir, 'state');
  const record = path.join(dir, 'installer-record');
  const log = path.join(dir, 'install.log');
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.join(fixtures, 'fake-bin')}:${process.env.PATH}`,
    HOME: rootHome,
    UMS_HA_CONF: path.join(dir, 'node.env'),
    UMS_HA_STATE_DIR: state,
    UMS_HA_LOG: log,
    UMS_HA_RUN_DIR: path.join(dir, 'run'),
    UMS_HA_ROOT_HOME: rootHome,
    UMS_HA_LIB_DIR: lib,
    UMS_HA_CONSOLE: '/dev/null',
    UMS_HA_MEMINFO: path.join(dir, 'meminfo'),
    UMS_HA_CONNECT_TIMEOUT: '2',
    UMS_HA_TIME_WAIT_SECONDS: '0',
    UMS_HA_SYNC_INTERVAL: '0.1',
    UMS_HA_SERVICE_WAIT_SECONDS: '0',
    UMS_HA_SCREEN_TIMEOUT: '10',
    FAKE_RECORD: record,
    FAKE_ROOT_HOME: rootHome,
    FAKE_GUESTINFO: guestinfo,
    FAKE_SOCAT_LOG: path.join(dir, 'socat.log'),
    FAKE_ACTIVE_UNITS: 'igel-ums-watchdog igel-ums-broker igel-ums-server',
    FAKE_LISTEN: '8443 30001 30002 61616',
    FAKE_UMSADMIN_STATE: path.join(dir, 'datasources'),
    FAKE_UMSADMIN_RECORD: path.join(dir, 'umsadmin.log'),
    FAKE_UMSADMIN_PASSWORDS: path.join(dir, 'umsadmin.passwords'),
    UMS_HA_INSTALL_DIR: path.join(dir, 'igel'),
  };
  return { dir, env, record, guestinfo, state, rootHome, log, datasources: path.join(dir, 'datasources'), admin: path.join(dir, 'umsadmin.log'), passwords: path.join(dir, 'umsadmin.passwords'), installDir: path.join(dir, 'igel') };
}

function install(s: Sandbox, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('bash', [path.join(s.dir, 'ums-ha-install')], { env: { ...s.env, ...extra }, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/**
 * Runs the install with a tmpfs mounted `noexec` on `mountpoint`, as initramfs-tools mounts /run
 * on Debian and Ubuntu, in a mount namespace of its own (nothing outside the test sees the mount).
 */
function installWithNoexec(s: Sandbox, mountpoint: string, extra: NodeJS.ProcessEnv = {}) {
  fs.mkdirSync(mountpoint, { recursive: true });
  const ns = isRoot() ? ['--mount'] : ['--map-root-user', '--mount'];
  const r = spawnSync('unshare', [...ns, 'bash', '-c', 'mount -t tmpfs -o noexec,nosuid,nodev,mode=0755 tmpfs "$1" && findmnt -n -o OPTIONS --target "$1" >&2 && exec bash "$2"', '_', mountpoint, path.join(s.dir, 'ums-ha-install')], {
    env: { ...s.env, ...extra },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { code: r.status, stderr: r.stderr };
}

/** Every file under `dir` (recursively) whose content holds `secret`, by path relative to it. */
function filesHolding(dir: string, secret: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p, 'utf8').includes(secret)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function recorded(s: Sandbox): Record<string, string> {
  if (!fs.existsSync(s.record)) return {};
  return Object.fromEntries(
    fs
      .readFileSync(s.record, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const PASSWORD = 'db-Pa55-word-for-test';
const TOKEN = 'token-content-from-the-first-server';
const separate = { devices: 120000 };

describe('install driver against a fake installer', () => {
  it('first server of a new network: server components, Web App, creates the token, then defines and activates the data source with umsadmin-cli', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s);
    expect(r.stderr).toContain('installed: server on test-site-ums1');
    expect(r.code).toBe(0);
    const a = recorded(s);
    expect(a).toMatchObject({ eula: 'y', components: '2', webapp: 'y', requirements: 'y', token_create: 'y' });
    // The installer is asked for no database (no seed describes such a screen): the data source comes after it.
    expect(Object.keys(a).filter((k) => k.startsWith('db_'))).toEqual([]);
    expect(fs.readFileSync(s.datasources, 'utf8')).toBe(`PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
    // As `umsadmin-cli fullhelp` gives the command line: list, then create (which activates), then
    // list again to verify; the password only ever in a file.
    const calls = fs.readFileSync(s.admin, 'utf8').split('\n').filter(Boolean);
    expect(new Set(calls.filter((c) => !c.startsWith('db ')))).toEqual(new Set(['--machine-readable --no-header db list']));
    expect(calls.filter((c) => c.startsWith('db '))).toEqual([expect.stringMatching(new RegExp(`^db create -t PostgreSQL -H 127\\.0\\.0\\.1 -p ${dbPort} -n rmdb -u igelums --password:file \\S+/db-password\\.\\w+$`))]);
    expect(calls[0]).toBe('--machine-readable --no-header db list');
    expect(calls[calls.length - 1]).toBe('--machine-readable --no-header db list');
    expect(fs.readFileSync(s.admin, 'utf8')).not.toContain(PASSWORD);
    expect(fs.readFileSync(s.passwords, 'utf8')).toBe(`${PASSWORD}\n`);
    expect(r.stderr).toContain('first server ready (data source active): the second deploy phase may start');
    expect(fs.readFileSync(path.join(s.rootHome, 'IGEL-Network.token'), 'utf8')).toMatch(/^fake-token-/);
    expect((fs.statSync(path.join(s.rootHome, 'IGEL-Network.token')).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readFileSync(path.join(s.guestinfo, 'guestinfo.ums.db_password'), 'utf8')).toBe('');
    expect(fs.readFileSync(s.log, 'utf8')).not.toContain(PASSWORD);
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).toBe('unit.igel-ums-watchdog=active\nunit.igel-ums-server=active\nport.8443=listening\nport.30001=listening\nport.61616=listening\ndatasource=active\n');
    expect(fs.existsSync(path.join(s.state, 'installed'))).toBe(true);
  });

  it('load balancer joining with the token from guestinfo: no database, token selected, token file removed', () => {
    const s = sandbox(separate, 'lb1', { secrets: { 'guestinfo.ums.network_token': TOKEN } });
    const r = install(s);
    expect(r.code).toBe(0);
    const a = recorded(s);
    expect(a).toMatchObject({ components: '3', token_create: 'n', token_content: TOKEN });
    expect(a).not.toHaveProperty('webapp');
    expect(a).not.toHaveProperty('db_password');
    expect(fs.existsSync(path.join(s.dir, 'run', 'IGEL-Network.token'))).toBe(false);
    expect(fs.readFileSync(path.join(s.guestinfo, 'guestinfo.ums.network_token'), 'utf8')).toBe('');
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).toContain('unit.igel-ums-broker=active');
  });

  it('co-located host joining: server and load balancer, selects the token', () => {
    const s = sandbox({ devices: 30000 }, 'ums2', { secrets: { 'guestinfo.ums.db_password': PASSWORD, 'guestinfo.ums.network_token': TOKEN } });
    expect(install(s).code).toBe(0);
    expect(recorded(s)).toMatchObject({ components: '1', webapp: 'y', token_create: 'n', token_content: TOKEN });
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).toContain('port.30002=listening');
  });

  it('downloads a URL with [ ] as the one file it names (curl --globoff), never as a pattern', () => {
    const s = sandbox(separate, 'lb1', { secrets: { 'guestinfo.ums.network_token': TOKEN } });
    // Without --globoff curl would fetch setup1.bin, setup2.bin, setup3.bin (missing) instead.
    const literal = path.join(s.dir, 'setup[1-3].bin');
    fs.copyFileSync(path.join(s.dir, 'setup-igel-ums-linux.bin'), literal);
    fs.rmSync(path.join(s.dir, 'setup-igel-ums-linux.bin'));
    const conf = path.join(s.dir, 'node.env');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace(/^UMS_HA_INSTALLER_URL=.*$/gm, `UMS_HA_INSTALLER_URL='file://${literal}'`));
    const r = install(s);
    expect(r.stderr).not.toContain('cannot download');
    expect(r.code).toBe(0);
    expect(recorded(s)).toMatchObject({ components: '3' });
  });

  it('refuses an installer whose SHA-256 differs, before executing anything', () => {
    const tampered = `${fs.readFileSync(path.join(fixtures, 'fake-igel-installer.sh'), 'utf8')}\n# tampered\n`;
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD }, installer: tampered });
    const r = install(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step download: the installer's SHA-256 is [0-9a-f]{64}, the topology expects [0-9a-f]{64}; refusing to run it/);
    expect(fs.existsSync(s.record)).toBe(false);
    expect(fs.readFileSync(path.join(s.state, 'failed'), 'utf8')).toContain('step=download');
    expect(fs.readFileSync(path.join(s.guestinfo, 'guestinfo.ums.db_password'), 'utf8')).toBe(PASSWORD);
  });

  it('is idempotent: a second run after success changes nothing', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    expect(install(s).code).toBe(0);
    const before = fs.readFileSync(s.record, 'utf8');
    const again = install(s);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already installed');
    expect(fs.readFileSync(s.record, 'utf8')).toBe(before);
  });

  it('a joining node without the token fails with the variable to set, and leaves a marker', () => {
    const s = sandbox(separate, 'ums2', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TF_VAR_UMS_NETWORK_TOKEN');
    expect(fs.readFileSync(path.join(s.state, 'failed'), 'utf8')).toContain('step=secrets');
    expect(fs.existsSync(s.record)).toBe(false);
  });

  it('a failing installer leaves a failed marker at the install step', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s, { FAKE_EXIT: '7' });
    expect(r.code).toBe(1);
    expect(recorded(s)).toMatchObject({ eula: 'y', token_create: 'y' });
    expect(fs.readFileSync(path.join(s.state, 'failed'), 'utf8')).toContain('step=install');
    expect(fs.existsSync(path.join(s.state, 'installed'))).toBe(false);
  });

  it('stops when the clock is more than 30 s off (any two servers within one minute)', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s, { FAKE_OFFSET: '-61.5' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step (preflight|time-sync)/);
    expect(fs.existsSync(s.record)).toBe(false);
  });

  it('waits for chrony to settle before the first clock check: an unsynchronized, then converging clock at first boot installs', () => {
    // As measured at a first boot: no reference at first, then synchronized but 44.3 s off with a
    // large error bound (49.6 s), settled two checks later. The preflight alone would fail on it.
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const clock = { FAKE_CHRONY_CLOCK: path.join(s.dir, 'chrony-checks'), FAKE_UNSYNC_CHECKS: '3', FAKE_CONVERGE_CHECKS: '2', UMS_HA_TIME_WAIT_SECONDS: '5' };
    const early = spawnSync('bash', [path.join(s.dir, 'lib', 'ums-ha-preflight'), '--only=clock'], { env: { ...s.env, ...clock }, encoding: 'utf8' });
    expect(early.stdout).toMatch(/^clock\s+NTP\s+FAIL\s+not synchronized/m);
    const r = install(s, clock);
    expect(r.stderr).toContain('installed: server on test-site-ums1');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(s.dir, 'chrony-checks'), 'utf8').trim()).toBe('6'); // 3 unsynchronized, 2 converging, 1 settled
    // The preflight (its table on stdout) ran after the wait, and its clock check passed.
    expect(r.stdout).toMatch(/^clock\s+NTP\s+ok\s+within 0\.003 s of NTP time/m);
    const log = fs.readFileSync(s.log, 'utf8');
    expect(log).toMatch(/^try: 4, refid: A9FE0101, correction: 44\.3, skew: 250000\.000$/m);
  });

  it('keeps the hard failure when chrony does not settle in time, or settles outside the bound', () => {
    const never = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(never, { FAKE_CHRONY_CLOCK: path.join(never.dir, 'chrony-checks'), FAKE_CONVERGE_CHECKS: '1000', UMS_HA_TIME_WAIT_SECONDS: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step time-sync: chrony did not synchronize \(remaining correction <= 1 s, skew <= 1000 ppm\) within 1 s/);
    expect(fs.readFileSync(path.join(never.dir, 'chrony-checks'), 'utf8').trim()).toBe('10');
    expect(fs.existsSync(never.record)).toBe(false);
    expect(fs.readFileSync(path.join(never.guestinfo, 'guestinfo.ums.db_password'), 'utf8')).toBe(PASSWORD);
    // Settled, but chrony's error bound is 31 s: the preflight's clock check stops the install.
    const off = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r2 = install(off, { FAKE_OFFSET: '0.5', FAKE_ROOT_DISPERSION: '30.6' });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('FAILED at step preflight');
    expect(r2.stdout).toMatch(/^clock\s+NTP\s+FAIL\s+up to 31\.101 s off NTP time/m);
  });

  it('stops when /root is not writable', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s, { UMS_HA_ROOT_HOME: path.join(s.dir, 'no-such-home') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step (preflight|root-writable)/);
  });

  it('fails the post-install check when a unit is not running', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s, { FAKE_ACTIVE_UNITS: 'igel-ums-watchdog' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not running or not listening: unit:igel-ums-server');
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).toContain('unit.igel-ums-server=inactive');
  });
});

describe('install: the installer stage and noexec mounts', () => {
  it('installs with /run mounted noexec, as on Debian and Ubuntu: the installer runs from the root-only stage under the state folder', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = installWithNoexec(s, s.env.UMS_HA_RUN_DIR as string);
    expect(r.stderr).toMatch(/^rw,.*noexec/m);
    expect(r.stderr).not.toContain('permission denied');
    expect(r.stderr).toContain('installed: server on test-site-ums1');
    expect(r.code).toBe(0);
    expect(recorded(s)).toMatchObject({ eula: 'y', components: '2' });
    // The stage is cleaned after the install.
    expect(fs.existsSync(path.join(s.state, 'stage'))).toBe(false);
    expect((fs.statSync(s.state).mode & 0o777).toString(8)).toBe('700');
  });

  it('the stage is never under /run: it is the state folder, and a stage on a noexec mount stops with that reason before running anything', () => {
    const script = NODE_SCRIPTS['ums-ha-install.sh'];
    expect(script).toMatch(/^STATE_DIR="\$\{UMS_HA_STATE_DIR:-\/var\/lib\/ums-ha\}"$/m);
    expect(script).toMatch(/^STAGE_DIR="\$STATE_DIR\/stage"$/m);
    expect(script).not.toMatch(/mktemp[^\n]*RUN_DIR/);
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = installWithNoexec(s, s.state);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED at step download: ${path.join(s.state, 'stage')} is on a file system mounted noexec (${s.state}); the installer cannot run from there`);
    expect(fs.existsSync(s.record)).toBe(false);
  });
});

describe('install: a rerun after a failed step needs no secret again, and no secret stays readable', () => {
  it('a server: the install fails, the rerun takes the password from the root-only file, which is gone after success', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const failed = install(s, { FAKE_EXIT: '7' });
    expect(failed.code).toBe(1);
    expect(fs.readFileSync(path.join(s.state, 'failed'), 'utf8')).toContain('step=install');
    // Blanked in guestinfo (as vSphere keeps it across reboots), kept for the rerun in a 0600 file of a 0700 folder.
    expect(fs.readFileSync(path.join(s.guestinfo, 'guestinfo.ums.db_password'), 'utf8')).toBe('');
    const kept = path.join(s.state, 'secrets', 'guestinfo.ums.db_password');
    expect(fs.readFileSync(kept, 'utf8')).toBe(PASSWORD);
    expect((fs.statSync(kept).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(path.dirname(kept)).mode & 0o777).toString(8)).toBe('700');
    fs.rmSync(s.record);
    const dump = path.join(s.dir, 'env-dump');
    const again = install(s, { FAKE_ENV_DUMP: dump });
    expect(again.stderr).toContain('installed: server on test-site-ums1');
    expect(again.code).toBe(0);
    expect(fs.readFileSync(s.passwords, 'utf8')).toBe(`${PASSWORD}\n`);
    expect(fs.existsSync(path.join(s.state, 'secrets'))).toBe(false);
    expect(fs.readFileSync(path.join(s.guestinfo, 'guestinfo.ums.db_password'), 'utf8')).toBe('');
    // Nothing holds the password but the fake umsadmin-cli's record of it (the UMS keeps it in its own configuration).
    expect(filesHolding(s.dir, PASSWORD)).toEqual([path.basename(s.passwords)]);
    // The processes started after the installer (the post-install checks) do not inherit it.
    expect(fs.readFileSync(dump, 'utf8')).toContain('UMS_HA_NODE=test-site-ums1');
    expect(fs.readFileSync(dump, 'utf8')).not.toContain(PASSWORD);
  });

  it('a joining node: the token and the password survive a failed post-install check, and are gone after the rerun succeeds', () => {
    const s = sandbox({ devices: 30000 }, 'ums2', { secrets: { 'guestinfo.ums.db_password': PASSWORD, 'guestinfo.ums.network_token': TOKEN } });
    const failed = install(s, { FAKE_ACTIVE_UNITS: 'igel-ums-watchdog' });
    expect(failed.code).toBe(1);
    expect(fs.readFileSync(path.join(s.state, 'failed'), 'utf8')).toContain('step=post-install');
    for (const key of ['guestinfo.ums.db_password', 'guestinfo.ums.network_token']) expect(fs.readFileSync(path.join(s.guestinfo, key), 'utf8')).toBe('');
    expect(fs.existsSync(path.join(s.dir, 'run', 'IGEL-Network.token'))).toBe(false);
    fs.rmSync(s.record);
    const again = install(s);
    expect(again.code).toBe(0);
    expect(recorded(s)).toMatchObject({ components: '1', token_create: 'n', token_content: TOKEN });
    expect(fs.readFileSync(s.passwords, 'utf8')).toContain(PASSWORD);
    expect(filesHolding(s.dir, TOKEN)).toEqual(['installer-record']);
    expect(filesHolding(s.dir, PASSWORD)).toEqual([path.basename(s.passwords)]);
  });

  it('a value set again in guestinfo wins over the kept one', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': 'old-password' } });
    expect(install(s, { FAKE_EXIT: '7' }).code).toBe(1);
    fs.writeFileSync(path.join(s.guestinfo, 'guestinfo.ums.db_password'), PASSWORD);
    fs.rmSync(s.record);
    expect(install(s).code).toBe(0);
    // The password reaches the data source (umsadmin-cli), not the installer.
    expect(fs.readFileSync(s.passwords, 'utf8')).toBe(`${PASSWORD}\n`);
    expect(filesHolding(s.dir, 'old-password')).toEqual([]);
  });
});

describe('the data source as IGEL sets it up (seeds 004, 002): umsadmin-cli, FAKE', () => {
  const joining = (extra: Record<string, unknown> = {}) => sandbox({ ...separate, ...extra }, 'ums2', { secrets: { 'guestinfo.ums.db_password': PASSWORD, 'guestinfo.ums.network_token': TOKEN } });

  it('a further server keeps the connection transferred from the running server (seed 002): nothing is created', () => {
    const s = joining();
    fs.writeFileSync(s.datasources, `PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
    expect(install(s).code).toBe(0);
    expect(fs.readFileSync(s.admin, 'utf8')).not.toContain('db create');
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).toContain('datasource=active');
  });

  it('a further server without it adds exactly the same parameters and activates them (seed 002)', () => {
    const s = joining();
    expect(install(s).code).toBe(0);
    expect(fs.readFileSync(s.datasources, 'utf8')).toBe(`PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
  });

  it('a further server with the transferred connection not active activates that one by its ID, creating none (seed 002)', () => {
    const s = joining();
    fs.writeFileSync(s.datasources, `PostgreSQL;other.example.internal;5432;otherdb;igelums;true\nPostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;false\n`);
    expect(install(s).code).toBe(0);
    const calls = fs.readFileSync(s.admin, 'utf8');
    expect(calls.split('\n').filter((c) => c.startsWith('db '))).toEqual([expect.stringMatching(/^db activate -i 2 --password:file \S+$/)]);
    expect(fs.readFileSync(s.datasources, 'utf8')).toBe(`PostgreSQL;other.example.internal;5432;otherdb;igelums;false\nPostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
    expect(fs.readFileSync(s.passwords, 'utf8')).toBe(`${PASSWORD}\n`);
  });

  it('the password file is gone after the data source step, whether it succeeded or not', () => {
    for (const fail of [undefined, 'db create']) {
      const s = joining();
      install(s, fail ? { FAKE_UMSADMIN_FAIL: fail } : {});
      expect(filesHolding(s.dir, PASSWORD).filter((f) => !f.endsWith('umsadmin.passwords') && !f.includes(`${path.sep}secrets${path.sep}`))).toEqual([]);
    }
  });

  it('another active data source is replaced by the topology\'s; a failing activation stops at step datasource, before the units are trusted', () => {
    const s = joining();
    fs.writeFileSync(s.datasources, `PostgreSQL;other.example.internal;5432;otherdb;igelums;true\n`);
    expect(install(s).code).toBe(0);
    expect(fs.readFileSync(s.datasources, 'utf8')).toContain(`PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true`);
    const t = joining();
    fs.writeFileSync(t.datasources, `PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;false\n`);
    const r = install(t, { FAKE_UMSADMIN_FAIL: 'db activate' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAILED at step datasource: the data source is not active');
    expect(fs.readFileSync(path.join(t.state, 'failed'), 'utf8')).toContain('step=datasource');
    expect(fs.existsSync(path.join(t.state, 'installed'))).toBe(false);
  });

  it('the first server does not announce the second deploy phase when its data source is not active', () => {
    const s = sandbox(separate, 'ums1', { secrets: { 'guestinfo.ums.db_password': PASSWORD } });
    const r = install(s, { FAKE_UMSADMIN_FAIL: 'db create' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('second deploy phase may start');
    expect(r.stderr).not.toContain('deploy the other nodes');
  });

  it('load balancers have no data source: umsadmin-cli is not called', () => {
    const s = sandbox(separate, 'lb1', { secrets: { 'guestinfo.ums.network_token': TOKEN } });
    expect(install(s).code).toBe(0);
    expect(fs.existsSync(s.admin)).toBe(false);
    expect(fs.readFileSync(path.join(s.state, 'status'), 'utf8')).not.toContain('datasource');
  });

  it('SQL Server with Kerberos: krb5.conf in <installation directory>/rmguiserver/conf before the SQL Server AD Kerberos data source is activated', () => {
    const s = sandbox(separate, 'ums1', {
      secrets: { 'guestinfo.ums.db_password': PASSWORD },
    });
    const conf = path.join(s.dir, 'node.env');
    const t = resolveTopology(topology({ ...separate, database: { engine: 'mssql', host: '127.0.0.1', port: dbPort, name: 'rmdb', user: 'svc-ums', passwordVariable: 'UMS_DB_PASSWORD', authentication: 'kerberos', kerberos: { realm: 'EXAMPLE.INTERNAL', kdcs: ['dc1.example.internal', 'dc2.example.internal'] } } }));
    const env = renderNodeEnv(t, t.nodes[0]!);
    const settings = fs.readFileSync(conf, 'utf8').split('\n').filter((l) => !/^UMS_HA_DB_|^UMS_HA_KRB5_/.test(l)).join('\n');
    fs.writeFileSync(conf, `${settings}\n${env.split('\n').filter((l) => /^UMS_HA_DB_|^UMS_HA_KRB5_/.test(l)).join('\n')}\nUMS_HA_DB_PORT='${dbPort}'\n`);
    expect(install(s).code).toBe(0);
    expect(fs.readFileSync(path.join(s.installDir, 'rmguiserver', 'conf', 'krb5.conf'), 'utf8')).toBe(
      '[libdefaults]\ndefault_realm = EXAMPLE.INTERNAL\nticket_lifetime = 24h\n[realms]\nEXAMPLE.INTERNAL = {\n  kdc = dc1.example.internal\n  kdc = dc2.example.internal\n  default_domain = EXAMPLE.INTERNAL\n}\n[domain_realm]\n.example.internal = EXAMPLE.INTERNAL\nexample.internal = EXAMPLE.INTERNAL\n[appdefaults]\n',
    );
    expect(fs.readFileSync(s.admin, 'utf8').split('\n').filter((c) => c.startsWith('db '))).toEqual([expect.stringMatching(/^db create -t SQL Server AD Kerberos .* -u svc-ums -d EXAMPLE\.INTERNAL --password:file \S+$/)]);
    expect(fs.readFileSync(s.datasources, 'utf8')).toBe(`SQL Server AD Kerberos;127.0.0.1;${dbPort};rmdb;svc-ums;true\n`);
  });
});

describe('ums-ha-preflight', () => {
  function preflight(s: Sandbox, args: string[], extra: NodeJS.ProcessEnv = {}) {
    const r = spawnSync('bash', [path.join(s.dir, 'lib', 'ums-ha-preflight'), ...args], { env: { ...s.env, ...extra }, encoding: 'utf8', timeout: 30000 });
    return { code: r.status, out: r.stdout };
  }

  it('prints a table and passes on a healthy host', () => {
    const s = sandbox(separate, 'ums1');
    const r = preflight(s, []);
    expect(r.out.split('\n')[0]).toMatch(/^CHECK\s+TARGET\s+RESULT\s+DETAIL/);
    for (const check of ['memory', 'disk', 'clock', 'root', 'database', 'peer', 'broadcast']) expect(r.out).toMatch(new RegExp(`^${check}\\s.*\\sok\\s`, 'm'));
    expect(r.out).toContain('reachable, nothing listening yet');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(s.dir, 'socat.log'), 'utf8')).toContain(',broadcast');
  });

  it.each([
    ['memory below the minimum', { UMS_HA_MEMINFO: '/dev/null' }, 'memory'],
    ['clock 61 s off', { FAKE_OFFSET: '61' }, 'clock'],
    ['clock not synchronized', { FAKE_LEAP: 'Not synchronised' }, 'clock'],
  ])('fails on %s', (_n, extra, check) => {
    const s = sandbox(separate, 'ums1');
    if (check === 'memory') fs.writeFileSync(path.join(s.dir, 'meminfo'), 'MemTotal:        2048000 kB\n');
    const r = preflight(s, [], check === 'memory' ? {} : extra);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^${check}\\s.*FAIL`, 'm'));
  });

  it('fails when the database port is closed; a peer port that refuses passes (the firewall let it through)', () => {
    const s = sandbox(separate, 'ums1');
    fs.appendFileSync(path.join(s.dir, 'node.env'), "UMS_HA_DB_PORT='1'\n");
    const db = preflight(s, ['--only=database']);
    expect(db.code).toBe(1);
    expect(db.out).toMatch(/^database\s+127\.0\.0\.1:1\s+FAIL\s+refused/m);
    expect(preflight(s, ['--only=peers']).code).toBe(0);
  });

  it('the clock gate bounds any two servers to one minute: each node at most 30 s off, offset plus chrony\'s error bound', () => {
    const s = sandbox(separate, 'ums1');
    const clock = (extra: NodeJS.ProcessEnv) => preflight(s, ['--only=clock'], extra);
    // Two nodes 31 s either side of NTP time would be 62 s apart: each must fail (60 s per node passed them before).
    expect(clock({ FAKE_OFFSET: '31' }).code).toBe(1);
    expect(clock({ FAKE_OFFSET: '-31' }).code).toBe(1);
    expect(clock({ FAKE_OFFSET: '-31' }).out).toMatch(/two servers could differ by more than one minute/);
    // 29.9 s off passes; the same offset with 0.4 s of root dispersion is up to 30.3 s off: it fails.
    expect(clock({ FAKE_OFFSET: '29.9' }).code).toBe(0);
    expect(clock({ FAKE_OFFSET: '29.9', FAKE_ROOT_DISPERSION: '0.4' }).code).toBe(1);
    // Root delay counts half: 29 s + 1.8 s / 2 = 29.9 s passes; 29 s + 2.4 s / 2 = 30.2 s fails.
    expect(clock({ FAKE_OFFSET: '29', FAKE_ROOT_DELAY: '1.8', FAKE_ROOT_DISPERSION: '0' }).code).toBe(0);
    expect(clock({ FAKE_OFFSET: '29', FAKE_ROOT_DELAY: '2.4', FAKE_ROOT_DISPERSION: '0' }).code).toBe(1);
    // A tracking line the gate cannot read fails instead of passing.
    expect(clock({ FAKE_ROOT_DELAY: 'n/a' }).code).toBe(1);
    expect(fs.readFileSync(path.join(s.dir, 'node.env'), 'utf8')).toContain("UMS_HA_MAX_SKEW_SECONDS='30'");
  });

  it('refuses unknown options', () => {
    const s = sandbox(separate, 'ums1');
    expect(preflight(s, ['--bogus']).code).toBe(2);
  });
});

/**
 * The AWS secret path against a FAKE instance metadata service (IMDSv2: a session token first, the
 * role's credentials only with it) and a FAKE SSM endpoint that checks the SigV4 request shape and
 * answers GetParameter, both on loopback. The real services are not reachable from a test.
 */
describe('install on AWS: secrets from SSM Parameter Store through IMDSv2 (fakes on loopback)', () => {
  const IMDS_TOKEN = 'imds-session-token';
  const CREDS = { AccessKeyId: 'AKIAFAKEFAKEFAKE', SecretAccessKey: 'fake-secret-access-key', Token: 'fake-session-token' };
  const requests: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];
  const parameters: Record<string, string> = {};
  let server: import('node:http').Server;
  let base = '';

  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const send = (code: number, text: string) => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(text);
        };
        if (req.method === 'PUT' && req.url === '/latest/api/token') return send(req.headers['x-aws-ec2-metadata-token-ttl-seconds'] ? 200 : 400, IMDS_TOKEN);
        if (req.url?.startsWith('/latest/meta-data/')) {
          if (req.headers['x-aws-ec2-metadata-token'] !== IMDS_TOKEN) return send(401, ''); // IMDSv2 only
          if (req.url === '/latest/meta-data/iam/security-credentials/') return send(200, 'test-site-ums-ha-host');
          if (req.url === '/latest/meta-data/iam/security-credentials/test-site-ums-ha-host') return send(200, JSON.stringify({ Code: 'Success', ...CREDS }));
          return send(404, '');
        }
        if (req.method === 'POST' && req.url === '/') {
          const auth = String(req.headers.authorization ?? '');
          const signed = /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\/\d{8}\/eu-central-1\/ssm\/aws4_request, SignedHeaders=[^,]*x-amz-security-token[^,]*, Signature=[0-9a-f]{64}$/.test(auth);
          if (!signed || req.headers['x-amz-security-token'] !== CREDS.Token || req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') return send(403, '{"__type":"AccessDenied"}');
          const { Name, WithDecryption } = JSON.parse(body) as { Name: string; WithDecryption: boolean };
          if (!WithDecryption || !(Name in parameters)) return send(400, '{"__type":"ParameterNotFound"}');
          return send(200, JSON.stringify({ Parameter: { Name, Type: 'SecureString', Value: parameters[Name] } }));
        }
        return send(404, '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    for (const k of Object.keys(parameters)) delete parameters[k];
  });

  const aws = {
    platform: 'aws',
    loadBalancing: 'external',
    clusterAddress: 'ums.example.internal:8443',
    devices: 80000,
    vsphere: undefined,
    aws: awsBlock(),
  };

  /** Runs the install script without blocking the loop the fakes answer on. */
  async function installAsync(s: Sandbox) {
    const { spawn } = await import('node:child_process');
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', [path.join(s.dir, 'ums-ha-install')], { env: { ...s.env, UMS_HA_AWS_IMDS: base, UMS_HA_AWS_SSM_ENDPOINT: base } });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('the first server reads the database password from its SSM parameter and creates the token', async () => {
    parameters['/ums-ha/test-site/db-password'] = PASSWORD;
    const s = sandbox(aws, 'ums1');
    const r = await installAsync(s);
    expect(r.stderr).toContain('installed: server on test-site-ums1');
    expect(r.code).toBe(0);
    expect(recorded(s)).toMatchObject({ token_create: 'y' });
    expect(fs.readFileSync(s.passwords, 'utf8')).toBe(`${PASSWORD}\n`);
    expect(r.stderr).toContain('put its content into the SSM parameter /ums-ha/test-site/network-token');
    expect(fs.readFileSync(s.log, 'utf8')).not.toContain(PASSWORD);
    // IMDSv2: a session token first; the credentials never on a command line (curl reads them on stdin).
    expect(requests[0]).toMatchObject({ method: 'PUT', url: '/latest/api/token' });
    expect(requests.filter((q) => q.url === '/').map((q) => JSON.parse(q.body).Name)).toEqual(['/ums-ha/test-site/db-password']);
  });

  it('a joining server reads both parameters; without the token parameter it fails naming it', async () => {
    parameters['/ums-ha/test-site/db-password'] = PASSWORD;
    const missing = await installAsync(sandbox(aws, 'ums2'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no network token from the SSM parameter /ums-ha/test-site/network-token');
    parameters['/ums-ha/test-site/network-token'] = TOKEN;
    const s = sandbox(aws, 'ums2');
    const r = await installAsync(s);
    expect(r.code).toBe(0);
    expect(recorded(s)).toMatchObject({ token_create: 'n', token_content: TOKEN });
    expect(fs.readFileSync(s.datasources, 'utf8')).toBe(`PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
  });
});

describe('ums-ha-datasource verify, run by hand on a server (README, Deploy order)', () => {
  it('reads node.env and says whether the active data source is the topology\'s', () => {
    const s = sandbox({ devices: 120000 }, 'ums1');
    const env = { PATH: s.env.PATH, UMS_HA_CONF: s.env.UMS_HA_CONF, FAKE_UMSADMIN_STATE: s.datasources };
    const run = () => spawnSync('bash', [path.join(s.dir, 'lib', 'ums-ha-datasource'), 'verify'], { env, encoding: 'utf8', timeout: 30000 });
    const none = run();
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('the active data source is not postgresql rmdb on 127.0.0.1');
    fs.writeFileSync(s.datasources, `PostgreSQL;127.0.0.1;${dbPort};rmdb;igelums;true\n`);
    const ok = run();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`active: PostgreSQL rmdb on 127.0.0.1:${dbPort} as igelums`);
  });
});
