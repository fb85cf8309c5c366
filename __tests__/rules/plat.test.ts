/**
 * The platform rules that `validate` applies so that what validates synthesizes: user data within
 * the platform's limit (UMS-PLAT-002), no cdktf token marker in any string (UMS-PLAT-003), names
 * Terraform accepts (UMS-PLAT-004). Each case is shown to synthesize when the rule is silent, and
 * the limit is checked against the encoders synthesis uses.
 */
import * as crypto from 'node:crypto';
import { encodeEc2UserData, encodeGuestinfo, renderUserData } from '../../bootstrap/cloud-init';
import { awsTopology, check, expectFinding, expectNoFinding, topology } from '../helpers/topology';

/** An RSA public key line of `bytes` random (incompressible) key bytes: 535 is about an RSA-4096 key. */
const rsaKey = (i: number, bytes = 535) => `ssh-rsa ${deterministic(i, bytes)} ops${i}@example.internal`;
function deterministic(seed: number, bytes: number): string {
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < bytes; i++) out.push(crypto.createHash('sha256').update(`${seed}-${i}`).digest());
  return Buffer.concat(out).subarray(0, bytes).toString('base64');
}

describe('UMS-PLAT-002 (user data within the platform limit)', () => {
  it('refuses nine RSA-4096 keys on aws, with the size synthesis would write; eight pass', () => {
    const nine = check(awsTopology({}, { adminSshKeys: Array.from({ length: 9 }, (_, i) => rsaKey(i)) }));
    const f = expectFinding(nine, 'UMS-PLAT-002', '/spec/network/adminSshKeys');
    expect(f.message).toMatch(/is \d+ bytes gzipped; EC2 allows at most 16384/);
    const size = Number(/is (\d+) bytes/.exec(f.message)![1]);
    const t = nine.topology!;
    expect(() => encodeEc2UserData('x', renderUserData(t, t.nodes[0]!))).toThrow(`${size} bytes gzipped`);
    const eight = check(awsTopology({}, { adminSshKeys: Array.from({ length: 8 }, (_, i) => rsaKey(i)) }));
    expectNoFinding(eight, 'UMS-PLAT-002');
    expect(() => encodeEc2UserData('x', renderUserData(eight.topology!, eight.topology!.nodes[0]!))).not.toThrow();
  });

  it('refuses a guestinfo.userdata over 65536 bytes on vsphere (long keys), as the encoder does', () => {
    const long = check(topology({}, { adminSshKeys: Array.from({ length: 6 }, (_, i) => rsaKey(i, 8000)) }));
    expect(expectFinding(long, 'UMS-PLAT-002', '/spec/network/adminSshKeys').message).toMatch(/guestinfo\.userdata of test-site-ums1 is \d+ bytes after gzip and base64; vSphere allows at most 65536/);
    const t = long.topology!;
    expect(() => encodeGuestinfo('x', renderUserData(t, t.nodes[0]!), { gzip: true })).toThrow(/vSphere allows at most 65536/);
    const fits = check(topology({}, { adminSshKeys: Array.from({ length: 4 }, (_, i) => rsaKey(i, 8000)) }));
    expectNoFinding(fits, 'UMS-PLAT-002');
    expect(() => encodeGuestinfo('x', renderUserData(fits.topology!, fits.topology!.nodes[0]!), { gzip: true })).not.toThrow();
  });
});

describe('UMS-PLAT-003 (no cdktf token marker in any string)', () => {
  it.each([
    ['a list token in a vSphere name', { vsphere: { datacenter: '#{TfToken[TOKEN.1]}', cluster: 'Cluster1', datastore: 'vsanDatastore', template: 'ubuntu-22.04-ums-template' } }, '/spec/vsphere/datacenter'],
    ['a map token in the template', { vsphere: { datacenter: 'DC1', cluster: 'Cluster1', datastore: 'vsanDatastore', template: 'x&{TfToken[TOKEN.12]}' } }, '/spec/vsphere/template'],
    ['a string token in the single-host reason', { database: { engine: 'postgresql', host: 'db.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'single', singleHostReason: 'accepted: ${TfToken[TOKEN.3]} reviewed' } }, '/spec/database/singleHostReason'],
  ])('%s', (_name, spec, path) => {
    const r = check(topology(spec));
    expect(expectFinding(r, 'UMS-PLAT-003', path).message).not.toContain('TOKEN.');
  });

  it('leaves text that only resembles a marker alone', () => {
    expectNoFinding(check(topology({ vsphere: { datacenter: 'DC {TfToken} [1]', cluster: 'Cluster1', datastore: 'vsanDatastore', template: 'ubuntu-22.04-ums-template' } })), 'UMS-PLAT-003');
  });
});

describe('UMS-PLAT-004 (names Terraform accepts)', () => {
  const twoNodes = (first: string) => ({ nodes: [{ name: first, roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] });
  it('refuses a node name that starts with a digit; a letter first passes', () => {
    expectFinding(check(topology(twoNodes('1ums'))), 'UMS-PLAT-004', '/spec/nodes/0/name');
    expectNoFinding(check(topology(twoNodes('ums1a'))), 'UMS-PLAT-004');
  });

  it.each(['count', 'for_each', 'source', 'version', 'providers', 'depends_on', 'lifecycle', 'locals'])('refuses the reserved variable name %s', (name) => {
    expectFinding(check(topology({ networkToken: { mode: 'create', variable: name } })), 'UMS-PLAT-004', '/spec/networkToken/variable');
    const db = { engine: 'postgresql', host: 'db.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: name, redundancy: 'cluster' };
    expectFinding(check(awsTopology({ database: db })), 'UMS-PLAT-004', '/spec/database/passwordVariable');
  });

  it('accepts a reserved word in another case or as a part (Terraform compares exactly)', () => {
    expectNoFinding(check(topology({ networkToken: { mode: 'create', variable: 'COUNT' } })), 'UMS-PLAT-004');
    expectNoFinding(check(topology({ networkToken: { mode: 'create', variable: 'count_token' } })), 'UMS-PLAT-004');
  });
});
