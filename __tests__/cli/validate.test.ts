import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { catalog } from '../../core/rules';
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
// 7 servers behind an external load balancer: one warning, UMS-SIZE-005.
const warningOnly = write('warn/many-servers.yaml', stringify(topology({ devices: 120000, servers: 7, loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443' })));
const schemaError = write('bad/schema.yaml', stringify({ ...topology({ devices: 'many' }), metadata: { name: 'schema-site' } }));
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
    // UMS-SIZE-001 with UMS-SIZE-007 beside it, UMS-SIZE-005; the IGEL-balanced file carries the base
    // topology's accepted UMS-LAYOUT-004 (OS 12 behind IGEL load balancing).
    expect(lines[lines.length - 1]).toBe('2 files checked: 1 error, 2 warnings, 1 excepted');
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
        { name: 'lb1', roles: ['loadBalancer'], ip: '10.20.0.17' },
        { name: 'lb2', roles: ['loadBalancer'], ip: '10.20.0.18' },
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
    expect(lines[lines.length - 1]).toBe('ums-ha: 2 files checked: 1 error, 2 warnings, 1 excepted');
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

  it('an absolute path with URI characters becomes a file: URI that names exactly that file', async () => {
    const odd = write('sarif/a #b%20?c.yaml', stringify({ ...topology({ devices: 120000, servers: 2 }), metadata: { name: 'odd-site' } }));
    const log = JSON.parse((await run('validate', path.resolve(odd), '--format', 'sarif')).stdout);
    const uri = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri as string;
    expect(require('node:url').fileURLToPath(uri)).toBe(path.resolve(odd));
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

describe('ums-ha validate and synthesis agree on a folder', () => {
  const named = (name: string, spec: Record<string, unknown> = {}) => ({ ...topology(spec), metadata: { name } });

  it('two files with one metadata.name are an error UMS-NET-004 at the second, naming the first one\'s position, as synthesis says', async () => {
    const folder = path.join(dir, 'dup');
    const a = write('dup/a.yaml', stringify(named('same')));
    const b = write('dup/b.yaml', stringify(named('same', { devices: 40000 })));
    const r = await run('validate', folder);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([`${b}:4:9 error UMS-NET-004 metadata.name same is also the name of ${a}:4:9: every topology needs its own name (it names the stack and every VM)`, '2 files checked: 1 error, 0 warnings, 2 excepted']);
    const json = JSON.parse((await run('validate', '--format', 'json', a, b)).stdout);
    expect(json.files.map((f: { valid: boolean }) => f.valid)).toEqual([true, false]);
    expect(json.files[1].findings).toEqual([expect.objectContaining({ ruleId: 'UMS-NET-004', path: '/metadata/name', line: 4, column: 9 })]);
    const { synthesize } = await import('../../main');
    const logged: string[] = [];
    const s = synthesize({ topologyDir: folder, outdir: path.join(dir, 'dup.out'), log: (l) => logged.push(l) });
    expect(s.code).toBe(1);
    expect(s.stacks).toEqual(['same']);
    expect(logged).toContain(lines[0]);
  });

  it('property: for any set of files, validate exits 0 exactly when synthesis writes every stack', async () => {
    const fc = await import('fast-check');
    const { synthesize } = await import('../../main');
    // vsphere files only: synthesis refuses azure and gcp (UMS-PLAT-001), which validate accepts.
    const file = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('valid'), name: fc.constantFrom('alpha', 'beta', 'gamma') }), weight: 5 },
      { arbitrary: fc.record({ kind: fc.constant('warning'), name: fc.constantFrom('alpha', 'delta') }), weight: 2 },
      fc.record({ kind: fc.constant('rule-error'), name: fc.constantFrom('alpha', 'eps') }),
      fc.record({ kind: fc.constant('schema-error'), name: fc.constantFrom('alpha', 'zeta') }),
      fc.record({ kind: fc.constant('yaml-error'), name: fc.constant('') }),
      fc.record({ kind: fc.constant('bad-name'), name: fc.constantFrom('Alpha', 'x_y') }),
    );
    const text = (f: { kind: string; name: string }) => {
      switch (f.kind) {
        case 'valid':
          return stringify(named(f.name));
        case 'warning':
          return stringify(named(f.name, { devices: 350001 }));
        case 'rule-error':
          return stringify(named(f.name, { devices: 120000, servers: 2 }));
        case 'schema-error':
          return stringify(named(f.name, { devcies: 1 }));
        case 'bad-name':
          return stringify(named(f.name));
        default:
          return 'metadata: [\n';
      }
    };
    let round = 0;
    let agreedOk = 0;
    let duplicates = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        const folder = path.join(dir, `agree${round++}`);
        fs.mkdirSync(folder);
        files.forEach((f, i) => fs.writeFileSync(path.join(folder, `f${i}.yaml`), text(f)));
        const v = await run('validate', folder);
        const s = synthesize({ topologyDir: folder, outdir: path.join(folder, 'out'), log: () => {} });
        const wroteEvery = s.code === 0 && s.stacks.length === files.length;
        if (wroteEvery) agreedOk++;
        if (new Set(files.map((f) => f.name)).size < files.length) duplicates++;
        expect({ files, validateOk: v.code === 0 }).toEqual({ files, validateOk: wroteEvery });
      }),
      { numRuns: 40, seed: 1405 },
    );
    expect(agreedOk).toBeGreaterThan(0);
    expect(duplicates).toBeGreaterThan(5);
  }, 180000);
});

describe('messages a person reads once', () => {
  const berlin = fs.readFileSync(path.join(examples, 'berlin-small.yaml'), 'utf8');
  const lineOf = (text: string, re: RegExp) => text.split('\n').findIndex((l) => re.test(l)) + 1;

  it('a misspelt key is one finding: the unknown key with the suggestion, not a second "missing" one', async () => {
    const text = berlin.replace(/^ {2}devices: 30000$/m, '  devcies: 30000');
    const file = write('msg/typo.yaml', text);
    const r = await run('validate', file);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:${lineOf(text, /devcies/)}:3 error UMS-SCHEMA unknown key "devcies" in /spec: did you mean "devices"?`,
      '1 file checked: 1 error, 0 warnings',
    ]);
    // Nested too, and a required key that is really missing beside an unrelated unknown key is still reported.
    const nested = write('msg/typo-nested.yaml', berlin.replace(/^ {4}host: db/m, '    hots: db'));
    expect((await run('validate', nested)).stdout).not.toContain('missing');
    const both = write('msg/missing-and-unknown.yaml', berlin.replace(/^ {2}devices: 30000$/m, '  colour: blue'));
    const lines = (await run('validate', both)).stdout.trim().split('\n');
    expect(lines.filter((l) => /missing required key "devices"|unknown key "colour"/.test(l))).toHaveLength(2);
  });

  it('a missing key is reported at the key of the mapping it belongs in', async () => {
    const noDevices = berlin.replace(/^ {2}devices: 30000\n/m, '');
    const noHost = berlin.replace(/^ {4}host: .*\n/m, '');
    const a = write('msg/no-devices.yaml', noDevices);
    const b = write('msg/no-host.yaml', noHost);
    expect((await run('validate', a)).stdout).toContain(`${a}:${lineOf(noDevices, /^spec:/)}:1 error UMS-SCHEMA missing required key "devices" in /spec`);
    expect((await run('validate', b)).stdout).toContain(`${b}:${lineOf(noHost, /^ {2}database:/)}:3 error UMS-SCHEMA missing required key "host" in /spec/database`);
  });

  it.each([
    ['indenting a top-level child', (t: string) => t.replace(/^ {2}devices: 30000$/m, '\tdevices: 30000'), /devices: 30000/],
    ['indenting a nested key', (t: string) => t.replace(/^ {4}host: db/m, '\t  host: db'), /host: db/],
    ['in a short file', () => 'apiVersion: ums-ha/v1\nkind: UmsHaTopology\nmetadata:\n\tname: x\n', /\tname/],
  ])('one tab (%s) gives one finding, without a doubled prefix', async (_n, edit, where) => {
    const text = edit(berlin);
    const file = write(`msg/tab-${_n.replace(/ /g, '-')}.yaml`, text);
    const r = await run('validate', file);
    expect(r.stdout.trim().split('\n')).toEqual([`${file}:${lineOf(text, where)}:1 error UMS-YAML tabs are not allowed as indentation`, '1 file checked: 1 error, 0 warnings']);
    const sarif = JSON.parse((await run('validate', file, '--format', 'sarif')).stdout);
    expect(sarif.runs[0].results.map((x: { message: { text: string } }) => x.message.text)).toEqual(['tabs are not allowed as indentation']);
  });

  it('numbers agree with nouns and verbs in every message and report line', async () => {
    const texts: string[] = [];
    const docs = [
      topology({ servers: 1 }),
      topology({ devices: 1, servers: 1 }),
      topology({ devices: 1 }),
      topology({ devices: 120000, loadBalancers: 1 }),
      topology({ devices: 120000, servers: 2 }),
      topology({ devices: 350001 }),
      topology({ devices: 400000, servers: 8, loadBalancers: 4 }),
      topology({ devices: 60000, servers: 2, loadBalancers: 2 }),
      topology({ devices: 80000, servers: 2, loadBalancers: 2 }),
      topology({ devices: 240000, servers: 6, loadBalancers: 2 }),
      topology({ devices: 120000, nodes: [{ name: 'ums1', roles: ['server'] }, { name: 'lb1', roles: ['loadBalancer'] }] }),
    ];
    for (const [i, doc] of docs.entries()) {
      const file = write(`msg/count${i}.yaml`, stringify(doc));
      texts.push((await run('validate', file)).stdout, (await run('report', file)).stdout);
    }
    const all = texts.join('\n');
    expect(all).toContain('1 server gives no failover');
    expect(all).toContain('1 server serves up to');
    const nouns = '(server|load balancer|device|file|error|warning|node|host)';
    const singularWithPlural = new RegExp(`(?<![\\d.,])1 ${nouns}s\\b|(?<![\\d.,])1 ${nouns} (give|serve|need|leave|exceed|forward|are|have)\\b`, 'g');
    const pluralWithSingular = new RegExp(`\\b(0|[2-9]|\\d{2,}|\\d{1,3}(,\\d{3})+) ${nouns}s (gives|serves|needs|leaves|exceeds|forwards|is|has)\\b`, 'g');
    expect(all.match(singularWithPlural) ?? []).toEqual([]);
    expect(all.match(pluralWithSingular) ?? []).toEqual([]);
    expect(all.match(/(?<![\d.,])1 left (serve|forward)\b|\b([2-9]|\d{2,}) left (serves|forwards)\b/g) ?? []).toEqual([]);
    // Control: the checks catch the old wording.
    expect('1 server give no failover; 3 servers serves'.match(singularWithPlural)).toHaveLength(1);
    expect('3 servers serves'.match(pluralWithSingular)).toHaveLength(1);
  });

  it.each(['text', 'json', 'github', 'sarif'])('a usage or read error with no file read prints no summary on stdout (--format %s)', async (format) => {
    const missing = path.join(dir, 'missing.yaml');
    for (const args of [[missing], [path.join(dir, 'empty-folder-none')]]) {
      const r = await run('validate', ...args, '--format', format);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^ums-ha: /);
    }
    // A read error beside a readable file: exit 2, and the readable file is still reported.
    const partial = await run('validate', valid, missing, '--format', format);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/^ums-ha: cannot read /);
    expect(partial.stdout).not.toBe('');
    const usage = await run('validate', '--format', format);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
  });
});
