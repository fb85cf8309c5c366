/**
 * Operator access from the topology (network.adminSshKeys): the keys reach root through
 * cloud-init, password login is off, SSH is open only from adminCidrs, and a key line that is not
 * a plain public key is refused before anything is synthesized.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { renderUserData } from '../../bootstrap/cloud-init';
import { renderFirewall } from '../../core/configs/nftables';
import { firewallMatrix } from '../../core/network/matrix';
import { validateText, validateValue } from '../../core/reader/validate';
import { repoRoot, tempDir } from '../helpers/cli';
import { decode, synthStack, vms } from '../helpers/synth';
import { requireTools } from '../helpers/system';
import { expectFinding, topology } from '../helpers/topology';

requireTools('cloud-init', 'ssh-keygen', 'python3');

const dir = tempDir(`ums-ha-ssh-${process.pid}-`);
const shipped = validateText(fs.readFileSync(path.join(repoRoot, 'topologies', 'berlin-small.yaml'), 'utf8'), { synthesis: true });
const KEY = shipped.topology!.network.adminSshKeys[0]!;

function resolved(network: Record<string, unknown>) {
  const r = validateValue(topology({}, network), undefined, { synthesis: true });
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return r.topology!;
}

describe('operator access (network.adminSshKeys)', () => {
  it('the shipped example key is a public key ssh-keygen reads', () => {
    fs.writeFileSync(path.join(dir, 'key.pub'), `${KEY}\n`);
    const r = spawnSync('ssh-keygen', ['-l', '-f', path.join(dir, 'key.pub')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^256 SHA256:\S+ ops@berlin\.example\.internal \(ED25519\)$/m);
  });

  it('installs the keys for root with password login off; the user-data passes cloud-init schema and reads back in PyYAML', () => {
    // A comment with characters YAML 1.1 reads specially must come back as written.
    const keys = [KEY, `${KEY.split(' ').slice(0, 2).join(' ')} o'neil: #1 "ops" yes`];
    const t = resolved({ adminSshKeys: keys });
    const userData = renderUserData(t, t.nodes[0]!);
    const config = parseYaml(userData) as Record<string, unknown>;
    expect(config).toMatchObject({ disable_root: false, ssh_pwauth: false, ssh_authorized_keys: keys });
    const file = path.join(dir, 'keys.user-data');
    fs.writeFileSync(file, userData);
    const schema = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
    expect(`${schema.stdout}${schema.stderr}`).toContain('Valid cloud-config');
    const py = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))["ssh_authorized_keys"]))', file], { encoding: 'utf8' });
    expect(JSON.parse(py.stdout)).toEqual(keys);
  });

  it('leaves the template alone without keys', () => {
    const t = resolved({});
    const config = parseYaml(renderUserData(t, t.nodes[0]!)) as Record<string, unknown>;
    for (const key of ['disable_root', 'ssh_pwauth', 'ssh_authorized_keys']) expect(config).not.toHaveProperty(key);
  });

  it('opens TCP 22 only from adminCidrs, on every host (matrix row ssh-admin)', () => {
    const t = resolved({ adminSshKeys: [KEY], adminCidrs: ['10.41.0.0/24', '10.42.0.0/24'] });
    const rows = firewallMatrix(t).filter((r) => r.port === 22);
    expect(rows.map((r) => [r.id, r.from, r.protocol])).toEqual([['ssh-admin', ['admins'], 'tcp']]);
    for (const node of t.nodes) {
      const nft = renderFirewall(t, node);
      expect(nft.split('\n').filter((l) => /dport 22\b/.test(l))).toEqual([`        ip saddr @admin_nets ip daddr ${node.ip} tcp dport 22 accept comment "ssh-admin"`]);
      expect(nft).toMatch(/set admin_nets \{[^}]*elements = \{ 10\.41\.0\.0\/24, 10\.42\.0\.0\/24 \}/);
    }
  });

  it('over time: keys added to a deployed topology change only the ignored extra_config, never a running host', () => {
    const v1 = synthStack({ topology: topology({ devices: 120000 }) }).json;
    const v2 = synthStack({ topology: topology({ devices: 120000 }, { adminSshKeys: [KEY] }) }).json;
    const withoutUserData = (json: typeof v1) =>
      JSON.stringify(json, (k, v) => (k === 'guestinfo.userdata' ? '<user-data>' : v));
    expect(withoutUserData(v2)).toBe(withoutUserData(v1));
    const [before, after] = [vms(v1), vms(v2)];
    for (let i = 0; i < after.length; i++) {
      expect(after[i]!.lifecycle.ignore_changes).toContain('extra_config');
      expect(decode(before[i]!, 'guestinfo.userdata')).not.toContain('ssh_authorized_keys');
      expect(parseYaml(decode(after[i]!, 'guestinfo.userdata')).ssh_authorized_keys).toEqual([KEY]);
    }
  });

  it.each([
    ['a second line', `${KEY}\nssh-ed25519 AAAA attacker`],
    ['authorized_keys options', `command="/bin/sh" ${KEY}`],
    ['a trailing newline', `${KEY}\n`],
    ['a control character in the comment', `${KEY}\u001b[2J`],
    ['an unknown key type', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP'],
  ])('refuses %s with the pointer of the key', (_n, bad) => {
    const r = validateValue(topology({}, { adminSshKeys: [KEY, bad] }), undefined, { synthesis: true });
    expect(r.valid).toBe(false);
    expect(expectFinding(r, 'UMS-SCHEMA', '/spec/network/adminSshKeys/1').message).toMatch(/^\/spec\/network\/adminSshKeys\/1 must be one OpenSSH public key line: .*, not /);
  });

  it('refuses a private key as a credential written in the file (UMS-DB-002), never quoting it', () => {
    const r = validateValue(topology({}, { adminSshKeys: [KEY, '-----BEGIN OPENSSH PRIVATE KEY-----'] }), undefined, { synthesis: true });
    expect(r.valid).toBe(false);
    expect(expectFinding(r, 'UMS-DB-002', '/spec/network/adminSshKeys/1').message).not.toContain('PRIVATE KEY');
  });
});
