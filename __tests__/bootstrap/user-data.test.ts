/**
 * What the shipped examples boot with, decoded from the synthesized cdk.tf.json exactly as vSphere
 * hands it to the guest: every user-data passes `cloud-init schema`, every script shellcheck, the
 * settings file reads back in bash, and every firewall loads in nft.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { decodeGuestinfo } from '../../bootstrap/cloud-init';
import { nodeSettings } from '../../bootstrap/node-env';
import { synthesize } from '../../main';
import { validateText } from '../../core/reader/validate';
import { repoRoot, tempDir } from '../helpers/cli';
import { isRoot, requireTools } from '../helpers/system';

requireTools('cloud-init', 'shellcheck', 'nft', 'bash', 'ip');

const dir = tempDir('ums-ha-userdata-');
const outdir = path.join(dir, 'cdktf.out');
const result = synthesize({ topologyDir: path.join(repoRoot, 'topologies'), outdir, log: () => {} });

interface Booted {
  stack: string;
  node: string;
  userData: string;
  /** The vSphere guestinfo metadata; null on AWS (the EC2 datasource gives identity and DHCP). */
  metadata: string | null;
  file: string;
}

const booted: Booted[] = result.stacks.flatMap((stack): Booted[] => {
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  if (json.resource.aws_instance) {
    // EC2 hands the user data over as given (base64 of gzip; cloud-init detects the gzip).
    return Object.entries(json.resource.aws_instance as Record<string, { user_data_base64: string }>).map(([node, vm]) => {
      const userData = gunzipSync(Buffer.from(vm.user_data_base64, 'base64')).toString('utf8');
      const file = path.join(dir, `${stack}-${node}.user-data`);
      fs.writeFileSync(file, userData);
      return { stack, node, userData, metadata: null, file };
    });
  }
  return Object.entries(json.resource.vsphere_virtual_machine as Record<string, { extra_config: Record<string, string> }>).map(([node, vm]) => {
    const userData = decodeGuestinfo(vm.extra_config['guestinfo.userdata'] as string, vm.extra_config['guestinfo.userdata.encoding'] as string);
    const file = path.join(dir, `${stack}-${node}.user-data`);
    fs.writeFileSync(file, userData);
    return { stack, node, userData, metadata: decodeGuestinfo(vm.extra_config['guestinfo.metadata'] as string, vm.extra_config['guestinfo.metadata.encoding'] as string), file };
  });
});

type WriteFile = { path: string; content: string; permissions: string };
const files = (b: Booted) => parse(b.userData).write_files as WriteFile[];

describe('user-data of the shipped examples', () => {
  it('covers every node of every example', () => {
    expect(result.code).toBe(0);
    expect(booted.length).toBeGreaterThanOrEqual(7);
    expect(booted.some((b) => b.metadata === null)).toBe(true);
  });

  it.each(booted.map((b) => [`${b.stack}/${b.node}`, b] as const))('%s: the data disk is the link bootcmd makes, and that script passes shellcheck', (_n, b) => {
    const config = parse(b.userData) as { bootcmd: string[][]; disk_setup: Record<string, unknown>; fs_setup: Array<{ device: string }> };
    expect(config.bootcmd).toHaveLength(1);
    const [shell, flag, script] = config.bootcmd[0]!;
    expect([shell, flag]).toEqual(['sh', '-c']);
    const file = path.join(dir, `${b.stack}-${b.node}-bootcmd.sh`);
    fs.writeFileSync(file, script!);
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    expect(Object.keys(config.disk_setup)).toEqual(['/dev/ums-data']);
    expect(config.fs_setup.map((f) => f.device)).toEqual(['/dev/ums-data']);
  });

  it.each(booted.filter((b) => b.metadata === null).map((b) => [`${b.stack}/${b.node}`, b] as const))('%s (aws): SSM secrets, no VMware tools', (_n, b) => {
    const config = parse(b.userData) as { packages: string[] };
    expect(config.packages).not.toContain('open-vm-tools');
    const env = files(b).find((f) => f.path === '/etc/ums-ha/node.env')!.content;
    expect(env).toContain("UMS_HA_SECRET_SOURCE='aws-ssm'");
    expect(env).toMatch(/UMS_HA_TOKEN_PARAMETER='\/ums-ha\/[^']+'/);
  });

  it.each(booted.map((b) => [`${b.stack}/${b.node}`, b] as const))('%s passes cloud-init schema', (_n, b) => {
    const r = spawnSync('cloud-init', ['schema', '--config-file', b.file], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('Valid cloud-config');
    expect(r.status).toBe(0);
  });

  it.each(booted.map((b) => [`${b.stack}/${b.node}`, b] as const))('%s: its scripts pass shellcheck', (_n, b) => {
    const scripts = files(b).filter((f) => f.content.startsWith('#!/usr/bin/env bash'));
    expect(scripts.map((f) => f.path).sort()).toEqual(['/usr/local/lib/ums-ha/ums-ha-datasource', '/usr/local/lib/ums-ha/ums-ha-preflight', '/usr/local/sbin/ums-ha-install']);
    for (const s of scripts) {
      const file = path.join(dir, `${b.stack}-${b.node}-${path.basename(s.path)}.sh`);
      fs.writeFileSync(file, s.content);
      const r = spawnSync('shellcheck', ['--severity=style', file], { encoding: 'utf8' });
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
    }
    const env = files(b).find((f) => f.path === '/etc/ums-ha/node.env')!;
    const envFile = path.join(dir, `${b.stack}-${b.node}.env`);
    fs.writeFileSync(envFile, env.content);
    expect(spawnSync('shellcheck', ['--shell=bash', '--severity=style', '--exclude=SC2034', envFile], { encoding: 'utf8' }).stdout).toBe('');
  });

  it.each(booted.map((b) => [`${b.stack}/${b.node}`, b] as const))('%s: node.env reads back in bash as the topology says', (_n, b) => {
    const env = files(b).find((f) => f.path === '/etc/ums-ha/node.env')!;
    const envFile = path.join(dir, `${b.stack}-${b.node}.readback.env`);
    fs.writeFileSync(envFile, env.content);
    const r = spawnSync('env', ['-i', 'bash', '-c', 'set -a; . "$1"; env -0', '_', envFile], { encoding: 'utf8' });
    const read = Object.fromEntries(r.stdout.split('\0').filter((l) => l.startsWith('UMS_HA_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const t = validateText(fs.readFileSync(path.join(repoRoot, 'topologies', `${b.stack}.yaml`), 'utf8')).topology!;
    const node = t.nodes.find((n) => n.name === b.node)!;
    expect(read).toEqual(nodeSettings(t, node));
  });

  it.each(booted.map((b) => [`${b.stack}/${b.node}`, b] as const))('%s: the firewall loads in nft (checked in a namespace)', (_n, b) => {
    const nft = files(b).find((f) => f.path === '/etc/ums-ha/firewall.nft')!;
    const file = path.join(dir, `${b.stack}-${b.node}.nft`);
    fs.writeFileSync(file, nft.content);
    const r = isRoot()
      ? spawnSync('unshare', ['--net', 'nft', '-c', '-f', file], { encoding: 'utf8' })
      : spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('metadata is JSON with a static address in the cidr and the VM name', () => {
    for (const b of booted) {
      if (b.metadata === null) continue;
      const m = JSON.parse(b.metadata);
      expect(m['local-hostname']).toBe(`${b.stack}-${b.node}`);
      const t = validateText(fs.readFileSync(path.join(repoRoot, 'topologies', `${b.stack}.yaml`), 'utf8')).topology!;
      expect(m.network.ethernets.ha0.addresses[0]).toBe(`${t.nodes.find((n) => n.name === b.node)!.ip}/${t.network.prefixLength}`);
    }
  });

  it('the installer runs only after the firewall is up', () => {
    for (const b of booted) {
      const runcmd = parse(b.userData).runcmd as string[][];
      expect(runcmd[0]).toEqual(['systemctl', 'enable', '--now', 'nftables.service']);
      expect(runcmd[runcmd.length - 1]).toEqual(['/usr/local/sbin/ums-ha-install']);
    }
  });
});

/**
 * cloud-init's own locale module (cc_locale.handle of the installed cloud-init), run on each
 * example's user-data with a template that cannot set a locale (its distro's apply_locale fails as
 * update-locale does without the locales package): the module must skip, not fail.
 */
describe('the locale module on a template without locales', () => {
  it('cloud-init skips it for every node, so cloud-init’s status stays clean', () => {
    const bin = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).stdout.trim();
    const python = fs.readFileSync(bin, 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').split(/\s+/)[0]!;
    const script = [
      'import inspect, logging, sys, yaml',
      'from cloudinit.config import cc_locale',
      'class Distro:',
      '    def apply_locale(self, locale, out_fn=None):',
      '        raise RuntimeError("update-locale: Error: invalid locale settings: LANG=" + locale)',
      'class Cloud:',
      '    distro = Distro()',
      '    def get_locale(self):',
      '        return "en_US.UTF-8"',
      'log = logging.getLogger("test")',
      'for f in sys.argv[1:]:',
      '    cfg = yaml.safe_load(open(f))',
      '    args = ("locale", cfg, Cloud(), log, []) if "log" in inspect.signature(cc_locale.handle).parameters else ("locale", cfg, Cloud(), [])',
      '    try:',
      '        cc_locale.handle(*args)',
      '        print("skipped")',
      '    except RuntimeError as e:',
      '        print("failed: %s" % e)',
    ].join('\n');
    const r = spawnSync(python, ['-c', script, ...booted.map((b) => b.file)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(booted.map(() => 'skipped'));
  });
});
