/**
 * The platform rules that `validate` applies so that what validates synthesizes: user data within
 * the platform's limit (UMS-PLAT-002), no cdktf token marker in any string (UMS-PLAT-003), names
 * Terraform accepts (UMS-PLAT-004). Each case is shown to synthesize when the rule is silent, and
 * the limit is checked against the encoders synthesis uses.
 */
import * as crypto from 'node:crypto';
import { EC2_USER_DATA_MAX_BYTES, encodeEc2UserData, encodeGuestinfo, GUESTINFO_MAX_BYTES, mayExceedUserDataLimit, renderUserData, textCharacters, USER_DATA_RENDER_FROM } from '../../bootstrap/cloud-init';
import { validateValue } from '../../core/reader/validate';
import { awsBlock, awsTopology, check, expectFinding, expectNoFinding, topology } from '../helpers/topology';

/** An RSA public key line of `bytes` random (incompressible) key bytes: 535 is about an RSA-4096 key. */
const rsaKey = (i: number, bytes = 535) => `ssh-rsa ${deterministic(i, bytes)} ops${i}@example.internal`;
function deterministic(seed: number, bytes: number): string {
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < bytes; i++) out.push(crypto.createHash('sha256').update(`${seed}-${i}`).digest());
  return Buffer.concat(out).subarray(0, bytes).toString('base64');
}

describe('UMS-PLAT-002 (user data within the platform limit)', () => {
  it('refuses nine RSA-4096 keys on aws, with the size synthesis would write; the most that fit pass', () => {
    const nine = check(awsTopology({}, { adminSshKeys: Array.from({ length: 9 }, (_, i) => rsaKey(i)) }));
    const f = expectFinding(nine, 'UMS-PLAT-002', '/spec/network/adminSshKeys');
    expect(f.message).toMatch(/is \d+ bytes gzipped; EC2 allows at most 16384/);
    const size = Number(/is (\d+) bytes/.exec(f.message)![1]);
    const t = nine.topology!;
    expect(() => encodeEc2UserData('x', renderUserData(t, t.nodes[0]!))).toThrow(`${size} bytes gzipped`);
    // The boundary: the most keys that fit pass, one more is refused, and the encoder agrees both ways.
    const withKeys = (n: number) => check(awsTopology({}, { adminSshKeys: Array.from({ length: n }, (_, i) => rsaKey(i)) }));
    let fits = 0;
    while (fits < 9 && !withKeys(fits + 1).findings.some((x) => x.ruleId === 'UMS-PLAT-002')) fits++;
    expect(fits).toBeGreaterThanOrEqual(4);
    const most = withKeys(fits);
    expectNoFinding(most, 'UMS-PLAT-002');
    expect(() => encodeEc2UserData('x', renderUserData(most.topology!, most.topology!.nodes[0]!))).not.toThrow();
    const over = withKeys(fits + 1);
    expectFinding(over, 'UMS-PLAT-002', '/spec/network/adminSshKeys');
    expect(() => encodeEc2UserData('x', renderUserData(over.topology!, over.topology!.nodes[0]!))).toThrow(/bytes gzipped/);
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

describe('UMS-PLAT-002 renders nothing below its thresholds, soundly', () => {
  const rand = (seed: string, n: number, alphabet: string) => {
    let out = '';
    for (let i = 0; out.length < n; i++) for (const b of crypto.createHash('sha256').update(`${seed}${i}`).digest()) out += alphabet[b % alphabet.length];
    return out.slice(0, n);
  };
  const host = (seed: string) => [rand(`${seed}a`, 63, 'abcdefghijklmnopqrstuvwxyz0123456789'), rand(`${seed}b`, 63, 'abcdefghijklmnopqrstuvwxyz0123456789'), rand(`${seed}c`, 63, 'abcdefghijklmnopqrstuvwxyz0123456789'), rand(`${seed}d`, 61, 'abcdefghijklmnopqrstuvwxyz0123456789')].join('.');
  const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
  /** A host name of `n` characters (labels of at most 63). */
  const longHost = (seed: string, n: number) => {
    const labels: string[] = [];
    let left = n;
    for (let i = 0; left > 0; i++) {
      const len = Math.min(63, left === 64 ? 62 : left);
      labels.push(`a${rand(`${seed}${i}`, len - 1, LOWER)}`);
      left -= len + 1;
    }
    return labels.join('.').slice(0, n).replace(/\.$/, 'a');
  };
  /** The thresholds' nodes and networks, short text elsewhere: the base the budget is spent on. */
  function base(platform: 'aws' | 'vsphere') {
    const { networks, nodes } = USER_DATA_RENDER_FROM;
    const cidr = (i: number) => `${11 + ((i * 37) % 80)}.${(i * 91) % 256}.${(i * 53) % 256}.${(i * 17) % 256}/32`;
    const net = { deviceCidrs: Array.from({ length: networks / 2 }, (_, i) => cidr(i)), adminCidrs: Array.from({ length: networks / 2 }, (_, i) => cidr(i + 1000)), dns: ['10.20.0.2'], ntpServers: ['10.20.0.3'] };
    if (platform === 'aws') return awsTopology({ devices: 500000, servers: nodes, aws: { ...awsBlock(), subnets: Array.from({ length: 6 }, (_, i) => ({ availabilityZone: `eu-central-1${'abcdef'[i]}`, cidr: `10.20.${i + 1}.0/24` })) } }, net) as any;
    return topology({ devices: 450000, layout: 'separate', servers: nodes - 3, loadBalancers: 3, exceptions: undefined }, net) as any;
  }
  /** Where the budget of text up to the threshold goes: each field that reaches the user data, filled with incompressible text. */
  const spend: Record<string, (doc: any, budget: number) => void> = {
    'SSH keys': (doc, budget) => {
      const per = Math.floor(budget / 4);
      doc.spec.network.adminSshKeys = Array.from({ length: 4 }, (_, i) => `ssh-rsa ${rand(`key${i}`, per - 12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')} k${i}`);
    },
    'NTP server names': (doc, budget) => {
      const per = Math.min(253, Math.floor(budget / 8) + 9);
      doc.spec.network.ntpServers = Array.from({ length: 8 }, (_, i) => longHost(`ntp${i}`, per));
    },
    'installer URL': (doc, budget) => {
      doc.spec.installer.url = `https://a.example/${rand('url', Math.min(2048 - 18, budget), LOWER)}`;
    },
    'database host and names': (doc, budget) => {
      Object.assign(doc.spec.database, { host: longHost('db', Math.min(253, budget / 3)), name: `d${rand('dbn', Math.min(127, budget / 3), LOWER)}`, user: `u${rand('dbu', Math.min(127, budget / 3), LOWER)}` });
    },
    'SSM parameter names (aws)': (doc, budget) => {
      if (doc.spec.aws) doc.spec.aws.secrets = { databasePasswordParameter: `/${rand('s1', Math.min(1010, Math.floor(budget / 2) - 1), LOWER)}`, networkTokenParameter: `/${rand('s2', Math.min(1010, Math.floor(budget / 2) - 1), LOWER)}` };
    },
  };

  const rows = (['aws', 'vsphere'] as const).flatMap((p) => Object.keys(spend).filter((f) => p === 'aws' || !f.includes('(aws)')).map((field) => [p, field] as const));
  it.each(rows)('%s, the text budget spent on %s: below the limit with room at the thresholds', (platform, field) => {
    const doc = base(platform);
    const used = textCharacters(validateValue(doc).topology);
    spend[field]!(doc, USER_DATA_RENDER_FROM.textCharacters - used - 40);
    const r = validateValue(doc);
    const t = r.topology!;
    expect(t.nodes).toHaveLength(USER_DATA_RENDER_FROM.nodes);
    // Up to the threshold, or the field's schema maximum.
    expect(textCharacters(t)).toBeLessThanOrEqual(USER_DATA_RENDER_FROM.textCharacters);
    expect(mayExceedUserDataLimit(t)).toBe(false);
    for (const node of t.nodes) {
      const text = renderUserData(t, node);
      if (platform === 'aws') expect(Buffer.from(encodeEc2UserData('x', text), 'base64').length).toBeLessThan(EC2_USER_DATA_MAX_BYTES * 0.9);
      else expect(encodeGuestinfo('x', text, { gzip: true }).value.length).toBeLessThan(GUESTINFO_MAX_BYTES * 0.9);
    }
    // One step past a threshold renders and measures.
    expect(mayExceedUserDataLimit({ ...t, network: { ...t.network, deviceCidrs: [...t.network.deviceCidrs, '10.99.0.0/24'] } })).toBe(true);
    expect(mayExceedUserDataLimit({ ...t, description: 'x'.repeat(USER_DATA_RENDER_FROM.textCharacters) })).toBe(true);
  });
});
