import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { catalog } from '../../topology/rules';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { sarifErrors } from '../helpers/sarif';
import { topology } from '../helpers/topology';

const dir = tempDir();
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};

// OS 11 devices only: no warning to except, so the file has no findings at all.
const valid = write('ok/valid.yaml', stringify(topology({ deviceOs: ['os11'] })));
const tooFewServers = write('bad/too-few.yaml', stringify(topology({ devices: 120000, servers: 2 })));
const warningOnly = write('warn/many-servers.yaml', stringify(topology({ devices: 350001 })));
const schemaError = write('bad/schema.yaml', stringify(topology({ devices: 'many' })));
const examples = path.join(repoRoot, 'topologies');

describe('ums-ha validate: exit codes', () => {
  it.each([
    ['the shipped examples', [examples], 0],
    ['a valid file', [valid], 0],
    ['a file with an error', [tooFewServers], 1],
    ['a file with only warnings', [warningOnly], 0],
    ['a file with only warnings, --strict', [warningOnly, '--strict'], 1],
    ['a valid and an invalid file', [valid, tooFewServers], 1],
    ['a missing file', [path.join(dir, 'missing.yaml')], 2],
    ['a missing file next to an invalid one', [tooFewServers, path.join(dir, 'missing.yaml')], 2],
    ['an unknown format', [valid, '--format', 'xml'], 2],
    ['an unknown option', [valid, '--frobnicate'], 2],
    ['no path', [], 2],
  ])('%s exits %i', async (_n, args, code) => {
    expect((await run('validate', ...args)).code).toBe(code);
  });

  it('exits 0 for --help and --version, 2 without a command', async () => {
    expect((await run('--help')).code).toBe(0);
    expect((await run('validate', '--help')).code).toBe(0);
    expect((await run('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await run()).code).toBe(2);
  });

  it('says in one line why a path cannot be read', async () => {
    const link = path.join(dir, 'dangling.yaml');
    fs.symlinkSync(path.join(dir, 'nowhere'), link);
    const r = await run('validate', link);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ums-ha: cannot read ${link}: no such file or directory\n`);
  });

  it('refuses a directory without topology files', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'x');
    const r = await run('validate', empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no *.yaml or *.yml files in ${empty}`);
  });
});

describe('ums-ha validate: inputs', () => {
  it('expands a directory to its *.yaml and *.yml files, sorted, once each', async () => {
    const d = path.join(dir, 'mixed');
    for (const n of ['b.yml', 'a.yaml', 'c.json', 'd.YAML']) write(`mixed/${n}`, stringify(topology()));
    const r = await run('validate', d, path.join(d, 'a.yaml'), '--format', 'json');
    expect(JSON.parse(r.stdout).files.map((f: { file: string }) => path.basename(f.file))).toEqual(['a.yaml', 'b.yml', 'd.YAML']);
  });

  it.each([
    ['binary', Buffer.from([0, 1, 2, 3, 255])],
    ['empty', ''],
    ['huge', Buffer.alloc(2 * 1024 * 1024, 0x20)],
    ['deeply nested', `a: ${'['.repeat(100000)}${']'.repeat(100000)}`],
    ['wrong types everywhere', 'apiVersion: 1\nkind: []\nmetadata: 3\nspec: "x"\n'],
    ['a list at the root', '- 1\n- 2\n'],
    ['a scalar at the root', 'hello\n'],
    ['invalid UTF-8', Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28])],
  ])('gives a finding for %s content, never a crash', async (name, content) => {
    const file = write(`odd/${name.replace(/ /g, '-')}.yaml`, content);
    const r = await run('validate', file, '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files[0].valid).toBe(false);
    expect(out.files[0].findings.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });
});

describe('ums-ha validate --format text', () => {
  it('prints FILE:LINE:COLUMN severity RULE-ID message, then a summary', async () => {
    const r = await run('validate', tooFewServers, warningOnly);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${tooFewServers.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error UMS-SIZE-001 120,000 devices need at least 3 servers`));
    expect(lines).toContainEqual(expect.stringMatching(/many-servers\.yaml:\d+:\d+ warning UMS-SIZE-005 /));
    // Both files carry the base topology's accepted UMS-LAYOUT-004 (OS 12 behind IGEL load balancing).
    expect(lines[lines.length - 1]).toBe('2 files checked: 1 error, 1 warning, 2 excepted');
  });
});

describe('ums-ha validate --format json', () => {
  it('prints exactly one JSON document with findings and the resolved sizing', async () => {
    const r = await run('validate', tooFewServers, schemaError, '--format', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.files).toHaveLength(2);
    const [sizing, schema] = out.files;
    expect(sizing.valid).toBe(false);
    expect(sizing.findings[0]).toEqual({
      ruleId: 'UMS-SIZE-001',
      severity: 'error',
      message: expect.stringContaining('120,000 devices'),
      path: '/spec/servers',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(sizing.resolved).toEqual({
      servers: 2,
      loadBalancers: 2,
      layout: 'separate',
      nodes: [
        { name: 'ums1', roles: ['server'], ip: '10.20.0.11' },
        { name: 'ums2', roles: ['server'], ip: '10.20.0.12' },
        { name: 'lb1', roles: ['loadBalancer'], ip: '10.20.0.13' },
        { name: 'lb2', roles: ['loadBalancer'], ip: '10.20.0.14' },
      ],
    });
    expect(schema.findings[0].ruleId).toBe('UMS-SCHEMA');
    expect(schema).not.toHaveProperty('resolved');
  });
});

describe('ums-ha validate --format github', () => {
  it('prints workflow commands with escaped properties and data', async () => {
    const odd = write('odd,name:x.yaml', stringify(topology({ devices: 120000, servers: 2 })));
    const r = await run('validate', odd, warningOnly, '--format', 'github');
    const lines = r.stdout.trim().split('\n');
    const escaped = odd.replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(lines[0]).toMatch(new RegExp(`^::error file=${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=\\d+,col=\\d+,title=UMS-SIZE-001::120,000 devices`));
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=.*,title=UMS-SIZE-005::/));
    expect(lines[lines.length - 1]).toBe('ums-ha: 2 files checked: 1 error, 1 warning, 2 excepted');
  });
});

describe('ums-ha validate --format sarif', () => {
  it('prints a SARIF 2.1.0 log that the SARIF schema accepts, with rules and physical locations', async () => {
    const r = await run('validate', tooFewServers, warningOnly, schemaError, '--format', 'sarif');
    const log = JSON.parse(r.stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(catalog.map((c) => c.id));
    const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'UMS-SIZE-001');
    expect(result.level).toBe('error');
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe('UMS-SIZE-001');
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toContain('too-few.yaml');
    expect(run0.results.find((x: { ruleId: string }) => x.ruleId === 'UMS-SIZE-005').level).toBe('warning');
  });

  it('is valid with no results', async () => {
    const log = JSON.parse((await run('validate', valid, '--format', 'sarif')).stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
  });

  it('the SARIF check itself rejects a malformed log (control)', async () => {
    const log = JSON.parse((await run('validate', tooFewServers, '--format', 'sarif')).stdout);
    log.runs[0].results[0].level = 'fatal';
    expect(sarifErrors(log)).not.toEqual([]);
  });
});
