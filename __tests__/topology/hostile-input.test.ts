/**
 * Hostile input (issue 13, points 2-4): line breaks only one reader sees, files that make the
 * readers do unbounded work, and YAML that used to end the run with an internal error. Each case is
 * a reproducer from the issue (or the same shape within the bounds) run through validateText /
 * validateBytes, which never throw: the answer is always one UMS-YAML finding with its position.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { MAX_FILE_BYTES, MAX_KEYS, MAX_STRUCTURE, MAX_VALUES } from '../../core/document/source';
import { validateBytes, validateText, type ValidationResult } from '../../core/reader/validate';
import { repoRoot } from '../helpers/cli';
import { baseTopology, expectSameValidation } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const berlin = fs.readFileSync(path.join(repoRoot, 'topologies', 'berlin-small.yaml'), 'utf8');

/** The one UMS-YAML finding of `result`. */
function yamlFinding(result: ValidationResult) {
  expect(result.findings.map((f) => f.ruleId)).toEqual(['UMS-YAML']);
  expect(result.valid).toBe(false);
  return result.findings[0]!;
}

/** Both reading paths (fast reader first, authoritative alone) give the same result. */
function bothPaths(text: string): ValidationResult {
  const result = validateText(text);
  expectSameValidation(result, validateText(text, { fastPath: false }));
  return result;
}

describe('line breaks other than LF and CRLF are refused before either reader (issue 13.2)', () => {
  it('a bare CR that hid a deviceCidrs line from the authoritative reader', () => {
    const text = berlin
      .replace('    deviceCidrs: [10.30.0.0/16]\n', '')
      .replace('adminCidrs: [10.40.0.0/24]', 'adminCidrs: [10.40.0.0/24]   # devices: see ticket 4711\r    deviceCidrs: [0.0.0.0/0]');
    const f = yamlFinding(bothPaths(text));
    expect(f.message).toContain('carriage return');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('ticket 4711')) + 1;
    expect([f.line, f.column]).toEqual([line, (lines[line - 1] as string).indexOf('\r') + 1]);
  });

  it('CRLF line ends are still read', () => {
    expect(bothPaths(berlin.replace(/\n/g, '\r\n')).findings).toEqual([]);
  });

  const breaks: Array<[string, string]> = [
    ['CR', '\r'],
    ['NEL (U+0085)', '\u0085'],
    ['LS (U+2028)', '\u2028'],
    ['PS (U+2029)', '\u2029'],
    ['form feed', '\f'],
    ['vertical tab', '\v'],
  ];
  const small = stringify(baseTopology());

  it.each(breaks)('%s in every position of a topology: refused where it is, the same on both paths', (_name, c) => {
    for (let at = 0; at <= small.length; at++) {
      const text = small.slice(0, at) + c + small.slice(at);
      // A CR right before a LF is a CRLF line end, which is fine.
      if (c === '\r' && text[at + 1] === '\n') {
        bothPaths(text);
        continue;
      }
      const f = yamlFinding(bothPaths(text));
      const before = text.slice(0, at).split('\n');
      expect([f.line, f.column]).toEqual([before.length, (before[before.length - 1] as string).length + 1]);
    }
  });

  it('random strings of line breaks and YAML characters give the same result on both paths', () => {
    const unit = fc.constantFrom('\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029', '\f', '\v', ' ', '#', ':', '- ', 'x', '[', ']', '"');
    fc.assert(
      fc.property(fc.nat(), fc.array(unit, { minLength: 1, maxLength: 6 }).map((a) => a.join('')), (at, insert) => {
        const i = at % (berlin.length + 1);
        bothPaths(berlin.slice(0, i) + insert + berlin.slice(i));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('bounded work for any text (issue 13.3)', () => {
  it('100 aliases of a 300,000-item list: refused before the YAML is parsed', () => {
    const text = `a: &a [${Array(300_000).fill('0').join(',')}]\nx: [${Array(100).fill('*a').join(', ')}]\n`;
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_FILE_BYTES);
    expect(yamlFinding(bothPaths(text)).message).toContain(`more than ${MAX_STRUCTURE.toLocaleString('en-US')} lines, list items and mapping entries`);
  });

  it('aliases that expand past the value bound within the structure bound', () => {
    const text = `a: &a [${Array(300).fill('0').join(',')}]\nx: [${Array(100).fill('*a').join(', ')}]\n`;
    const f = yamlFinding(bothPaths(text));
    expect(f.message).toContain(`more than ${MAX_VALUES.toLocaleString('en-US')} values once its aliases are expanded`);
    expect(f.line).toBe(2);
  });

  it('50,000 top-level keys: refused by the structure bound', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(yamlFinding(bothPaths(text)).message).toContain('lines, list items and mapping entries');
  });

  it('a mapping with more than MAX_KEYS keys is refused before the duplicate-key check', () => {
    const text = `{${Array.from({ length: 5000 }, (_, i) => `k${i}`).join(',')}}\n`;
    const f = yamlFinding(bothPaths(text));
    expect(f.message).toContain(`a mapping with 5,000 keys`);
    expect(f.message).toContain(`at most ${MAX_KEYS.toLocaleString('en-US')}`);
  });

  it('finds every duplicate key of a large mapping', () => {
    const keys = Array.from({ length: MAX_KEYS - 1 }, (_, i) => `k${i % 500}: 1`);
    const result = bothPaths(`${keys.join('\n')}\n`);
    expect(result.findings).toHaveLength(MAX_KEYS - 1 - 500);
    expect(result.findings.every((f) => f.message.includes('duplicate key'))).toBe(true);
    expect(result.findings[0]).toMatchObject({ line: 501, column: 1 });
  });

  it('a file over the limit is refused with its size', () => {
    const f = yamlFinding(validateBytes(Buffer.alloc(10, 0x61), {}, 1_900_000_000));
    expect(f.message).toContain('the file is 1,900,000,000 bytes');
  });

  it.each([
    ['flow nesting behind a quote inside a plain scalar', `a: b"c\nd: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['flow nesting behind a quote inside a flow scalar', `a: [x"y, ${'['.repeat(100)}${']'.repeat(100)}]\n`],
    ['block nesting on one line', `a:\n${'- '.repeat(5000)}x\n`],
    ['block nesting by indentation', Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ])('%s is refused as nested too deep', (_n, text) => {
    expect(yamlFinding(bothPaths(text)).message).toContain('nested more than 64');
  });
});

describe('YAML that used to end the run is a finding (issue 13.4)', () => {
  it('devices: !!binary aGVsbG8=', () => {
    const text = berlin.replace('devices: 30000', 'devices: !!binary aGVsbG8=');
    const f = yamlFinding(bothPaths(text));
    expect(f.message).toBe('the tag !!binary is not supported: a topology holds only text, numbers, true/false, lists and mappings (remove the tag)');
    expect(f.line).toBe(text.split('\n').findIndex((l) => l.includes('!!binary')) + 1);
  });

  it.each(['!!timestamp 2001-12-14', '!!set {a, b}', '!!omap [a: 1]', '!!pairs [a: 1]', '!!binary ""'])('%s is refused by its tag, not misnamed', (v) => {
    const f = yamlFinding(bothPaths(berlin.replace('description: Berlin office, IGEL OS 11 and OS 12 devices', `description: ${v}`)));
    expect(f.message).toContain(`the tag ${v.split(' ')[0]} is not supported`);
    expect(f.message).not.toContain('a mapping');
  });

  it('core tags are still read', () => {
    expect(bothPaths(berlin.replace('devices: 30000', 'devices: !!int 30000').replace('name: rmdb', 'name: !!str rmdb')).findings).toEqual([]);
  });

  it('about 130,000 unknown keys: one finding, no stack overflow', () => {
    const text = `{apiVersion: ums-ha/v1, kind: UmsHaTopology, ${Array.from({ length: 130_000 }, (_, i) => `u${i}`).join(',')}}\n`;
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_FILE_BYTES);
    expect(yamlFinding(validateBytes(Buffer.from(text))).message).toContain('lines, list items and mapping entries');
  });

  it('unknown keys up to the bounds are all reported', () => {
    const text = `${berlin}  nodes: [${Array.from({ length: 5 }, () => `{${Array.from({ length: 999 }, (_, i) => `u${i}`).join(',')}}`).join(',')}]\n`;
    const result = bothPaths(text);
    expect(result.findings.filter((f) => f.message.startsWith('unknown key')).length).toBe(5 * 999);
  });
});
