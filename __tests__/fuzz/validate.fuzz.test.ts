/**
 * Fuzzing `ums-ha validate` through the real CLI entry (in-process, a real file per case): arbitrary
 * text, arbitrary JSON values, random bytes and mutations of a valid topology (dropped, duplicated
 * and retyped keys, out-of-range and huge numbers, unicode, long strings). Whatever the input,
 * validate never throws, prints one well-formed JSON document whose findings all carry ruleId,
 * severity, message and path, and exits 0, 1 or 2; and the result is the same with the fast reader
 * as with the authoritative reader alone.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS cases per property (default 150); `npm run fuzz` runs 10,000.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { run, tempDir } from '../helpers/cli';
import { validateBytes } from '../../core/reader/validate';
import { awsTopology, baseTopology, expectSameValidation } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const dir = tempDir('ums-ha-fuzz-');
const file = path.join(dir, 'case.yaml');
let cases = 0;

async function assertWellFormed(content: string | Uint8Array): Promise<void> {
  cases++;
  fs.writeFileSync(file, content);
  // The fast reader never changes a result: the same bytes through the authoritative reader alone.
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  expectSameValidation(validateBytes(bytes), validateBytes(bytes, { fastPath: false }));
  const r = await run('validate', file, '--format', 'json');
  expect([0, 1, 2]).toContain(r.code);
  if (r.code === 2) {
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return;
  }
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { files: Array<{ file: string; valid: boolean; findings: Array<Record<string, unknown>>; resolved?: unknown }> };
  expect(out.files).toHaveLength(1);
  const [f] = out.files;
  expect(typeof f!.valid).toBe('boolean');
  expect(f!.valid).toBe(r.code === 0);
  for (const finding of f!.findings) {
    expect(finding.ruleId).toMatch(/^UMS-[A-Z]+(-\d{3})?$/);
    expect(['error', 'warning']).toContain(finding.severity);
    expect(typeof finding.message).toBe('string');
    expect((finding.message as string).length).toBeGreaterThan(0);
    expect(typeof finding.path).toBe('string');
    expect(Number.isInteger(finding.line)).toBe(true);
    expect(Number.isInteger(finding.column)).toBe(true);
  }
}

/** One mutation of a valid topology, applied at a random place. */
type Mutation = { op: 'drop' | 'retype' | 'huge' | 'negative' | 'unicode' | 'long' | 'duplicate-line' | 'float-version'; at: number; value: unknown; aws?: boolean };

function paths(value: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = [...at, k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function mutate(m: Mutation): string {
  // A vSphere or an aws topology (its aws block, subnets and secrets mutated like the rest).
  const doc = JSON.parse(JSON.stringify(m.aws ? awsTopology() : baseTopology())) as Record<string, unknown>;
  const all = paths(doc);
  const target = all[m.at % all.length] as string[];
  const parent = target.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
  const key = target[target.length - 1] as string;
  switch (m.op) {
    case 'drop':
      delete parent[key];
      break;
    case 'retype':
      parent[key] = m.value;
      break;
    case 'huge':
      parent[key] = 1e308 * 10;
      break;
    case 'negative':
      // The generated value may be any JSON (an object whose toString is not a function, too).
      parent[key] = -Math.abs((typeof m.value === 'number' ? m.value : 1) || 1);
      break;
    case 'unicode':
      parent[key] = '\u202e\u0000\ud83d\ude00 ümlaut \u0085';
      break;
    case 'long':
      parent[key] = 'x'.repeat(5000);
      break;
    case 'float-version':
      return stringify(doc).replace('umsVersion: 12.07.100', 'umsVersion: 12.07');
    case 'duplicate-line': {
      const lines = stringify(doc).split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i] as string);
      return lines.join('\n');
    }
  }
  return stringify(doc);
}

describe(`validate under fuzzing (${RUNS} cases per property)`, () => {
  afterAll(() => {
    // Reported for `npm run fuzz`, which must run at least 10,000 cases.
    process.stdout.write(`fuzz: ${cases} cases\n`);
  });

  it('arbitrary text', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('', '---', '- -', '{', '? : ? :', '&a [*a]', '!!binary x', 'a: !!str', '%YAML 1.2\n---\na: 1')), assertWellFormed), { numRuns: RUNS });
  });

  it('arbitrary JSON values as YAML and as JSON text', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, asJson) => assertWellFormed(asJson ? JSON.stringify(v) : stringify(v))), { numRuns: RUNS });
  });

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), assertWellFormed), { numRuns: Math.ceil(RUNS / 3) });
  });

  it('mutations of a valid topology', async () => {
    const mutation = fc.record({
      op: fc.constantFrom<Mutation['op']>('drop', 'retype', 'huge', 'negative', 'unicode', 'long', 'duplicate-line', 'float-version'),
      at: fc.nat(),
      value: fc.jsonValue({ maxDepth: 3 }),
      aws: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
      for (const m of ms) await assertWellFormed(mutate(m));
    }), { numRuns: RUNS });
  });

  it('ran the cases it claims (control)', () => {
    expect(cases).toBeGreaterThanOrEqual(Math.max(RUNS * 3, Number(process.env.UMS_HA_FUZZ_MIN_CASES ?? 0)));
  });
});
