/**
 * The VM template contract in ums-ha-preflight (`--only=template`, also part of every run): cloud-init
 * recent enough for the VMware datasource, booted from guestinfo, and every program the bootstrap
 * calls, one line per missing part naming its package. Run with a PATH of FAKES only
 * (__tests__/fixtures/fake-bin: a fake cloud-init, a stub per program), so the host's own
 * programs never decide the result.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userDataConfig } from '../../bootstrap/cloud-init';
import { NODE_SCRIPTS } from '../../bootstrap/generated/scripts';
import { resolveTopology } from '../../core/model/resolve';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';
import { topology } from '../helpers/topology';

requireTools('bash');

const FAKES = path.join(repoRoot, '__tests__', 'fixtures', 'fake-bin');
const SCRIPT = NODE_SCRIPTS['ums-ha-preflight.sh'];
const dir = tempDir(`ums-ha-template-${process.pid}-`);
const script = path.join(dir, 'ums-ha-preflight');
fs.writeFileSync(script, SCRIPT, { mode: 0o755 });
const BASH = spawnSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();

/** program -> package, as the preflight lists them. */
const PROGRAMS: Array<[string, string]> = [...SCRIPT.matchAll(/^ {2}"([^:"]+):([^:"]+):[^"]+"$/gm)].map((m) => [m[1]!, m[2]!]);

let n = 0;
/** A PATH holding only bash, the fake cloud-init and a stub for each program except `missing`. */
function fakePath(missing: string[] = [], options: { cloudInit?: boolean; sshd?: boolean } = {}): string {
  const bin = path.join(dir, `bin${n++}`);
  fs.mkdirSync(bin);
  // The fakes are bash scripts (#!/usr/bin/env bash); every template has bash.
  fs.symlinkSync(BASH, path.join(bin, 'bash'));
  if (options.cloudInit !== false) fs.symlinkSync(path.join(FAKES, 'cloud-init'), path.join(bin, 'cloud-init'));
  const stubs = [...PROGRAMS.map(([p]) => p), ...(options.sshd === false ? [] : ['sshd'])];
  for (const p of stubs) if (!missing.includes(p)) fs.symlinkSync(path.join(FAKES, 'template-program'), path.join(bin, p));
  return bin;
}

function preflight(PATH: string, env: Record<string, string> = {}) {
  // No settings file: the template check runs on a VM cloned from the template, before any deploy.
  const r = spawnSync(BASH, [script, '--only=template'], { encoding: 'utf8', env: { PATH, UMS_HA_CONF: path.join(dir, 'absent.env'), ...env }, timeout: 20_000 });
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('template '));
  return { code: r.status, rows, fails: rows.filter((l) => /\sFAIL\s/.test(l)), stderr: r.stderr };
}

describe('ums-ha-preflight --only=template', () => {
  it('lists the programs of the bootstrap, including every package cloud-init installs at first boot', () => {
    expect(PROGRAMS.length).toBeGreaterThanOrEqual(15);
    const t = resolveTopology(topology());
    const packages = userDataConfig(t, t.nodes[0]!).packages as string[];
    for (const p of packages) expect(PROGRAMS.map(([, pkg]) => pkg)).toContain(p);
  });

  it('docs/bootstrap.md names the same programs and packages', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'bootstrap.md'), 'utf8');
    const table = [...doc.matchAll(/^\| `([^`]+)` \| ([^|]+?) \|/gm)].map((m) => [m[1], m[2]!.replace(/`/g, '')]);
    for (const entry of PROGRAMS) expect(table).toContainEqual(entry);
  });

  it('passes a complete template with one line', () => {
    const r = preflight(fakePath());
    expect(r.stderr).toBe('');
    expect(r.rows).toEqual([expect.stringMatching(/^template\s+cloud-init, \d+ programs\s+ok\s+cloud-init 23\.4\.4 on VMware guestinfo, every program present$/)]);
    expect(r.code).toBe(0);
  });

  it('fails with one line per missing program, naming its package', () => {
    const r = preflight(fakePath(['sgdisk', 'socat', 'vmware-rpctool']));
    expect(r.code).toBe(1);
    expect(r.fails).toHaveLength(3);
    expect(r.fails).toContainEqual(expect.stringMatching(/^template\s+sgdisk\s+FAIL\s+not found \(package gdisk: cloud-init disk_setup partitions the data disk \(GPT\)\)$/));
    expect(r.fails).toContainEqual(expect.stringMatching(/^template\s+socat\s+FAIL\s+not found \(package socat: /));
    expect(r.fails).toContainEqual(expect.stringMatching(/^template\s+vmware-rpctool\s+FAIL\s+not found \(package open-vm-tools: the VMware datasource reads guestinfo/));
  });

  it.each([
    ['no cloud-init', { cloudInit: false }, {}, /^template\s+cloud-init\s+FAIL\s+not found \(package cloud-init 21\.3 or later/],
    ['cloud-init older than the VMware datasource', {}, { FAKE_CLOUD_INIT_VERSION: '20.4.1' }, /^template\s+cloud-init\s+FAIL\s+version 20\.4\.1 < 21\.3 /],
    ['another datasource', {}, { FAKE_DS_PLATFORM: 'nocloud', FAKE_DS_SUBPLATFORM: 'seed-dir (/var/lib/cloud/seed/nocloud)' }, /^template\s+datasource\s+FAIL\s+booted with nocloud seed-dir .*, not VMware guestinfo \(put VMware in datasource_list/],
    ['no instance data', {}, { FAKE_DS_PLATFORM: '' }, /^template\s+datasource\s+FAIL\s+cloud-init has no instance data/],
  ])('fails on %s with one line', (_n, pathOptions, env, line) => {
    const r = preflight(fakePath([], pathOptions), env);
    expect(r.code).toBe(1);
    expect(r.fails).toEqual([expect.stringMatching(line)]);
  });

  it('accepts cloud-init 21.3 and later, by number (21.10 is later than 21.9)', () => {
    for (const v of ['21.3', '21.10.1', '22.4.2', '100.1']) expect(preflight(fakePath(), { FAKE_CLOUD_INIT_VERSION: v }).code).toBe(0);
    for (const v of ['21.2.9', '9.9', 'unknown']) expect(preflight(fakePath(), { FAKE_CLOUD_INIT_VERSION: v }).code).toBe(1);
  });

  it('warns without sshd (operators cannot log in) and still passes', () => {
    const r = preflight(fakePath([], { sshd: false }));
    expect(r.code).toBe(0);
    expect(r.rows).toContainEqual(expect.stringMatching(/^template\s+sshd\s+warn\s+not found \(package openssh-server\)/));
  });

  it('every other check still needs the settings file', () => {
    const r = spawnSync(BASH, [script, '--only=memory'], { encoding: 'utf8', env: { PATH: fakePath(), UMS_HA_CONF: path.join(dir, 'absent.env') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ums-ha-preflight: cannot read ${path.join(dir, 'absent.env')}\n`);
  });
});
