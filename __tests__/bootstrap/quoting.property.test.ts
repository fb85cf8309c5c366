/**
 * Hostile values the schema accepts never escape their quoting: generated topologies carry URLs
 * with quotes, $( ), ; and &, database names with $, host names YAML 1.1 would read as dates or
 * numbers, and overlapping CIDRs. For each node, the user-data read by PyYAML (cloud-init's own
 * parser), node.env read by bash, and the firewall read by nft give back exactly the values the
 * renderer meant, and nothing runs that should not.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { renderUserData } from '../../bootstrap/cloud-init';
import { renderFirewall } from '../../core/configs/nftables';
import { nodeSettings, renderNodeEnv } from '../../bootstrap/node-env';
import { validateValue } from '../../core/reader/validate';
import { tempDir } from '../helpers/cli';
import { isRoot, requireTools } from '../helpers/system';
import { topology } from '../helpers/topology';

requireTools('bash', 'nft');
const PYTHON = '/usr/bin/python3';
if (spawnSync(PYTHON, ['-c', 'import yaml'], { stdio: 'ignore' }).status !== 0) {
  throw new Error(`${PYTHON} with PyYAML is required (installed with cloud-init by .ci/run)`);
}

const dir = tempDir('ums-ha-quoting-');
const canary = path.join(dir, 'canary');
const RUNS = Number(process.env.UMS_HA_PROPERTY_RUNS ?? 40);

const urlChars = fc.constantFrom(..."abcXYZ019._~:/?#[]@!$&'()*+,;=%-".split(''), `$(touch ${canary})`, "';touch canary;'", '`');
const url = fc.array(urlChars, { minLength: 1, maxLength: 30 }).map((parts) => `https://h.example/${parts.join('')}`);
const dbText = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,20}$/);
const label = fc.constantFrom('2023', '01-01', '0755', 'no', 'yes', 'on', '1e3', 'null', 'true', '12', 'a', 'ums');
const octet = fc.integer({ min: 0, max: 255 });
const cidr = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
const ntp = fc.oneof(fc.constantFrom('ntp.example.internal', '10.20.0.10', 'no', '2023-01-01', '1.5'), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/));

const hostile = fc.record({
  url,
  dbName: dbText,
  dbUser: dbText,
  name: label,
  node1: label,
  node2: label,
  deviceCidrs: fc.array(cidr, { minLength: 1, maxLength: 4 }),
  adminCidrs: fc.array(cidr, { minLength: 1, maxLength: 3 }),
  ntpServers: fc.array(ntp, { minLength: 1, maxLength: 3 }),
});

type Hostile = typeof hostile extends fc.Arbitrary<infer T> ? T : never;

function build(v: Hostile) {
  const doc = {
    ...topology(
      {
        installer: { url: v.url, sha256: 'a'.repeat(64) },
        database: { engine: 'postgresql', host: 'db.example.internal', name: v.dbName, user: v.dbUser, passwordVariable: 'UMS_DB_PASSWORD' },
        nodes: [
          { name: v.node1, roles: ['server', 'loadBalancer'] },
          { name: v.node2 === v.node1 ? `${v.node2}-b` : v.node2, roles: ['server', 'loadBalancer'] },
        ],
      },
      { deviceCidrs: v.deviceCidrs, adminCidrs: v.adminCidrs, ntpServers: v.ntpServers },
    ),
    metadata: { name: v.name },
  };
  return validateValue(doc);
}

describe('quoting of hostile values (property)', () => {
  it('values round-trip through PyYAML and bash unchanged, and nothing is executed', () => {
    let checked = 0;
    fc.assert(
      fc.property(hostile, (v) => {
        const result = build(v);
        fc.pre(result.topology !== undefined && !result.findings.some((f) => f.ruleId === 'UMS-SCHEMA'));
        const t = result.topology!;
        for (const node of t.nodes) {
          const userData = renderUserData(t, node);
          const file = path.join(dir, 'ud.yaml');
          fs.writeFileSync(file, userData);
          const py = spawnSync(PYTHON, ['-c', 'import json,sys,yaml; d=yaml.safe_load(open(sys.argv[1])); print(json.dumps({"hostname": d["hostname"], "ntp": d["ntp"]["servers"], "env": d["write_files"][0]["content"], "nft": d["write_files"][1]["content"]}))', file], { encoding: 'utf8' });
          expect(py.stderr).toBe('');
          const read = JSON.parse(py.stdout);
          expect(read.hostname).toBe(node.vmName);
          expect(read.ntp).toEqual(t.network.ntpServers);
          expect(read.env).toBe(renderNodeEnv(t, node));
          expect(read.nft).toBe(renderFirewall(t, node));
          const envFile = path.join(dir, 'node.env');
          fs.writeFileSync(envFile, read.env);
          const sh = spawnSync('env', ['-i', 'bash', '-c', 'set -a; . "$1"; env -0', '_', envFile], { encoding: 'utf8', cwd: dir });
          const values = Object.fromEntries(sh.stdout.split('\0').filter((l) => l.startsWith('UMS_HA_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
          expect(values).toEqual(nodeSettings(t, node));
          expect(fs.existsSync(canary)).toBe(false);
          expect(fs.existsSync(path.join(dir, 'canary'))).toBe(false);
        }
        checked++;
      }),
      {
        numRuns: RUNS,
        examples: [
          [{ url: "https://h.example/';touch canary;'$x&y=(1)", dbName: 'db$name', dbUser: 'u$er.x', name: '2023', node1: '01-01', node2: 'no', deviceCidrs: ['0.0.0.0/0', '10.0.0.0/8'], adminCidrs: ['10.40.0.5/24'], ntpServers: ['no', '1.5'] }],
        ],
      },
    );
    expect(checked).toBeGreaterThan(RUNS / 2);
  });

  it('any CIDRs the schema accepts (overlapping, /0, host bits) give a firewall nft loads', () => {
    fc.assert(
      fc.property(fc.array(cidr, { minLength: 1, maxLength: 6 }), fc.array(cidr, { minLength: 1, maxLength: 4 }), (devices, admins) => {
        const result = validateValue(topology({}, { deviceCidrs: devices, adminCidrs: admins }));
        fc.pre(result.topology !== undefined);
        const t = result.topology!;
        const file = path.join(dir, 'fw.nft');
        fs.writeFileSync(file, renderFirewall(t, t.nodes[0]!));
        const r = isRoot() ? spawnSync('unshare', ['--net', 'nft', '-c', '-f', file], { encoding: 'utf8' }) : spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  });
});
