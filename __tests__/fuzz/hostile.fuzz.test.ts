/**
 * Fuzzing the hostile-input classes of issue 13, each with a generator that builds the attack's
 * shape (not only random text) and an oracle that says what must happen: line breaks only one
 * reader sees, alias amplification, many (and duplicate, and unknown) keys, tags, nesting hidden
 * behind quotes, control characters in keys, values and file names, credential shapes in any
 * string field, and folders of entries that are not regular files. Whatever the case, validate
 * never throws, both reading paths agree, and the class's oracle holds.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS cases per property (default 150); `npm run fuzz` more.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { run, tempDir } from '../helpers/cli';
import { validateBytes, type ValidationResult } from '../../core/reader/validate';
import { baseTopology, expectSameValidation } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
/** The heavy classes (files up to 1 MiB) run a tenth as many cases. */
const HEAVY = Math.max(10, Math.ceil(RUNS / 10));
const dir = tempDir('ums-ha-fuzz-hostile-');
const base = stringify(baseTopology());
const baseLines = base.trimEnd().split('\n');
let cases = 0;

/** Never throws; the fast reader changes nothing. */
function bothPaths(text: string): ValidationResult {
  cases++;
  const bytes = Buffer.from(text);
  const result = validateBytes(bytes);
  expectSameValidation(result, validateBytes(bytes, { fastPath: false }));
  return result;
}

const onlyYaml = (r: ValidationResult) => r.findings.length === 1 && r.findings[0]!.ruleId === 'UMS-YAML';
/** What every text output must never hold raw. */
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe(`hostile classes under fuzzing (${RUNS} cases per property, ${HEAVY} for the heavy ones)`, () => {
  afterAll(() => process.stdout.write(`fuzz hostile: ${cases} cases\n`));

  it('line terminators: a line moved behind a comment and an odd line break', () => {
    const term = fc.constantFrom('\r', '\u0085', '\u2028', '\u2029', '\f', '\v', '\r\r\n', '\n\r');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), term, fc.string({ maxLength: 8 }), (i, j, t, note) => {
        const lines = [...baseLines];
        const from = i % lines.length;
        const to = j % lines.length;
        if (from === to) return;
        const [moved] = lines.splice(to, 1);
        const at = from > to ? from - 1 : from;
        lines[at] = `${lines[at]} # ${note.replace(/[\n\r]/g, '')}${t}${moved}`;
        const text = `${lines.join('\n')}\n`;
        const r = bothPaths(text);
        // Refused where the break is, whatever the rest of the file holds.
        expect(onlyYaml(r)).toBe(true);
        const odd = /\r(?!\n)|[\u0085\u2028\u2029\f\v]/.exec(text)!;
        expect(r.findings[0]!.line).toBe(text.slice(0, odd.index).split('\n').length);
      }),
      { numRuns: RUNS },
    );
  });

  it('amplification: anchors of any width, aliases of any count, nested anchors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300_000 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 0, max: 12 }), (width, count, nesting) => {
        const lines = [`a0: &a0 [${Array(width).fill('0').join(',')}]`];
        for (let k = 1; k <= nesting; k++) lines.push(`a${k}: &a${k} [*a${k - 1}, *a${k - 1}]`);
        lines.push(`x: [${Array(count).fill(`*a${nesting}`).join(', ')}]`);
        const r = bothPaths(`${lines.join('\n')}\n`);
        // Past the structure or the value bound: refused with one finding (else the alias count may refuse it too).
        if (width > 10_000 || width * 2 ** nesting * count > 20_000) expect(onlyYaml(r)).toBe(true);
        else expect(r.findings.every((f) => f.ruleId === 'UMS-SCHEMA' || (f.ruleId === 'UMS-YAML' && f.message.includes('aliases')))).toBe(true);
      }),
      { numRuns: HEAVY },
    );
  });

  it('many keys: unique, duplicate or unknown, block or flow, up to 130,000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130_000 }), fc.constantFrom('unique', 'duplicate', 'unknown'), fc.boolean(), (n, kind, flow) => {
        const keys = Array.from({ length: n }, (_, i) => (kind === 'duplicate' ? `k${i % 7}` : `u${i}`));
        const body = flow ? `{${keys.join(',')}}` : keys.map((k) => `  ${k}: 1`).join('\n');
        const text = kind === 'unknown' ? base.replace('spec:\n', flow ? `spec:\n  extra: ${body}\n` : `spec:\n${body}\n`) : flow ? `${body}\n` : body.replace(/^ {2}/gm, '');
        if (Buffer.byteLength(text) > 1024 * 1024) return;
        const r = bothPaths(text);
        expect(r.valid).toBe(false);
        if (n > 1000 || (kind === 'duplicate' && n > 7)) expect(r.findings.every((f) => f.ruleId === 'UMS-YAML')).toBe(true);
      }),
      { numRuns: HEAVY },
    );
  });

  it('tags on any value', () => {
    const tag = fc.constantFrom('!!binary', '!!timestamp', '!!set', '!!omap', '!!pairs', '!!merge', '!!value', '!!yaml', '!custom', '!', '!<tag:yaml.org,2002:binary>', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq');
    fc.assert(
      fc.property(fc.nat(), tag, (i, t) => {
        const lines = [...baseLines];
        const at = i % lines.length;
        const m = /^(\s*(?:- )?[A-Za-z]+: )(\S.*)$/.exec(lines[at] as string);
        if (!m) return;
        lines[at] = `${m[1]}${t} ${m[2]}`;
        const r = bothPaths(`${lines.join('\n')}\n`);
        for (const f of r.findings) expect(f.message).not.toMatch(/\(a mapping\)|\(nothing\)$/);
        if (!['!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq', '!'].includes(t)) {
          expect(r.findings.map((f) => f.ruleId)).toEqual(['UMS-YAML']);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('nesting behind a quote inside a plain or flow scalar', () => {
    fc.assert(
      fc.property(fc.constantFrom('"', "'", 'x"', "x'", 'a"b', "[x'y,"), fc.integer({ min: 65, max: 5000 }), fc.constantFrom('[', '{a: '), (quote, depth, open) => {
        const close = open === '[' ? ']' : '}';
        const r = bothPaths(`a: b${quote}\nd: ${open.repeat(depth)}x${close.repeat(depth)}\n`);
        expect(onlyYaml(r)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('control characters in keys, values and file names never reach a text output raw', async () => {
    const control = fc.string({ unit: fc.constantFrom('\u001b', '\u0007', '\u0008', '\u007f', '\u009b', '\u202e', '\u2066', '\n', '\r', '\t', 'x', ':', ','), minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(control, control, control, async (key, value, name) => {
        const doc = baseTopology() as unknown as Record<string, Record<string, unknown>>;
        doc.spec![key] = value;
        (doc.metadata as Record<string, unknown>).description = value;
        const file = path.join(dir, `c${cases}-${name.replace(/\//g, '_')}.yaml`);
        fs.writeFileSync(file, stringify(doc));
        cases++;
        for (const format of ['text', 'github'] as const) {
          const r = await run('validate', file, '--format', format);
          expect(r.stdout).not.toMatch(UNPRINTABLE);
          expect(r.stderr).not.toMatch(UNPRINTABLE);
          const count = JSON.parse((await run('validate', file, '--format', 'json')).stdout).files[0].findings.length as number;
          expect(r.stdout.trimEnd().split('\n')).toHaveLength(count + 1);
        }
        fs.rmSync(file);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('credential shapes in any string field are never echoed', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{10,16}$/).map((s) => `Zq${s}`);
    const shape = fc.constantFrom(
      (s: string) => `igelums:${s}@db.example.internal`,
      (s: string) => `igelums:${s}`,
      (s: string) => `rmdb;password=${s}`,
      (s: string) => `Server=db;Pwd=${s};`,
      (s: string) => `https://u:${s}@artifacts.example.internal/x.bin`,
      (s: string) => `https://artifacts.example.internal/x.bin?X-Amz-Signature=${s}`,
      (s: string) => `https://a.blob.core.windows.net/c/x.bin?sv=1&sig=${s}`,
      (s: string) => `api_key=${s}`,
    );
    const fields = ['/spec/database/host', '/spec/database/user', '/spec/database/name', '/spec/network/portGroup', '/spec/installer/url', '/metadata/name', '/metadata/description', '/spec/vsphere/datacenter', '/spec/vsphere/folder'];
    await fc.assert(
      fc.asyncProperty(secret, shape, fc.constantFrom(...fields), async (s, make, field) => {
        const doc = baseTopology() as unknown as Record<string, unknown>;
        const keys = field.slice(1).split('/');
        const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
        parent[keys[keys.length - 1] as string] = make(s);
        const file = path.join(dir, `s${cases}.yaml`);
        fs.writeFileSync(file, stringify(doc));
        const result = bothPaths(fs.readFileSync(file, 'utf8'));
        expect(result.findings.map((f) => [f.ruleId, f.path])).toContainEqual(['UMS-DB-002', field]);
        for (const format of ['text', 'json', 'github', 'sarif']) {
          const r = await run('validate', file, '--format', format);
          expect(r.stdout + r.stderr).not.toContain(s);
        }
        for (const format of ['markdown', 'json']) {
          const r = await run('report', file, '--format', format);
          expect(r.stdout + r.stderr).not.toContain(s);
        }
        fs.rmSync(file);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('filesystem entries: every entry that is not a regular file is one line, every file is checked', async () => {
    const entry = fc.constantFrom('good', 'bad', 'dangling', 'loop', 'dir', 'fifo', 'device', 'link-to-good');
    let folders = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), async (entries) => {
        const folder = path.join(dir, `f${folders++}`);
        fs.mkdirSync(folder);
        // Every file its own metadata.name (one name twice in a folder is UMS-NET-004); the links
        // to target.txt share its name, so two of them are that error.
        const named = (text: string, name: string) => text.replace('name: test-site', `name: ${name}`);
        fs.writeFileSync(path.join(folder, 'target.txt'), named(base, 'target-site'));
        let files = 0;
        let skipped = 0;
        entries.forEach((e, i) => {
          const p = path.join(folder, `e${i}.yaml`);
          if (e === 'good' || e === 'bad') fs.writeFileSync(p, named(e === 'good' ? base : base.replace('devices: 30000', 'devices: x'), `site-${i}`));
          else if (e === 'dangling') fs.symlinkSync(path.join(folder, 'missing'), p);
          else if (e === 'loop') fs.symlinkSync(`e${i}.yaml`, p);
          else if (e === 'dir') fs.mkdirSync(p);
          else if (e === 'fifo') execFileSync('mkfifo', [p]);
          else if (e === 'device') fs.symlinkSync('/dev/null', p);
          else fs.symlinkSync('target.txt', p);
          if (e === 'good' || e === 'bad' || e === 'link-to-good') files++;
          else skipped++;
        });
        cases++;
        const r = await run('validate', folder);
        // No file read at all: nothing on stdout (no summary of a check of nothing).
        if (files === 0) expect(r.stdout).toBe('');
        else expect(r.stdout.trimEnd().split('\n').pop()).toMatch(new RegExp(`^${files} files? checked`));
        expect(r.stderr === '' ? 0 : r.stderr.trimEnd().split('\n').length).toBe(skipped);
        const sameName = entries.filter((e) => e === 'link-to-good').length > 1;
        expect(r.code).toBe(skipped > 0 ? 2 : entries.includes('bad') || sameName ? 1 : 0);
        fs.rmSync(folder, { recursive: true, force: true });
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('ran the cases it claims (control)', () => {
    expect(cases).toBeGreaterThanOrEqual(RUNS * 3);
  });
});

