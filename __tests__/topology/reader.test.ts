/**
 * The reader's one entry (core/reader/validate.ts, readInput): bytes, text and values go through the
 * same stages, and the public functions are the same pipeline entered at another stage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NO_SOURCE } from '../../core/document/source';
import { readTopology } from '../../core/reader/read';
import { readInput, validateBytes, validateText, validateValue } from '../../core/reader/validate';
import { repoRoot } from '../helpers/cli';
import { expectSameValidation } from '../helpers/topology';

const file = path.join(repoRoot, 'topologies', 'berlin-small.yaml');
const text = fs.readFileSync(file, 'utf8');

describe('readInput, the one reader entry', () => {
  it('gives a file, its bytes and its text the same result, with the document, the source map and the resolved topology', () => {
    const read = readTopology(file);
    if (!('result' in read)) throw new Error(read.problem);
    const fromBytes = readInput({ bytes: fs.readFileSync(file) });
    const fromText = readInput({ text });
    for (const r of [fromBytes, fromText]) {
      expectSameValidation(r, read.result);
      expect(r.document?.metadata.name).toBe('berlin-small');
      expect(r.topology?.nodes.length).toBeGreaterThan(0);
      expect(r.source?.locate('/metadata/name')).toEqual({ line: 6, column: 9 });
    }
    expectSameValidation(validateBytes(fs.readFileSync(file)), fromBytes);
    expectSameValidation(validateText(text), fromText);
  });

  it('takes a value at the document stage: the findings of the same rules, positions from its source map', () => {
    const value = structuredClone(readInput({ text }).value) as { spec: { devices: number } };
    value.spec.devices = -1;
    const r = readInput({ value });
    expect(r.valid).toBe(false);
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([['UMS-SCHEMA', 0, 0]]);
    expectSameValidation(validateValue(value), r);
    expectSameValidation(validateValue(value, NO_SOURCE), r);
  });

  it('returns the recorded result for a value it read, with the same source map and synthesis option', () => {
    const read = readInput({ text }, { synthesis: true });
    expect(readInput({ value: read.value, source: read.source }, { synthesis: true })).toBe(read);
    expect(readInput({ value: read.value }, { synthesis: true })).not.toBe(read);
    expect(readInput({ value: read.value, source: read.source })).not.toBe(read);
  });

  it('reports bad bytes, bad text and bad YAML each at its own stage, with one finding', () => {
    expect(readInput({ bytes: Buffer.from([0x61, 0x00]) }).findings.map((f) => f.message)).toEqual([expect.stringContaining('NUL bytes')]);
    expect(readInput({ text: 'a: 1\rb: 2\n' }).findings.map((f) => f.message)).toEqual([expect.stringContaining('carriage return')]);
    expect(readInput({ text: 'a: [1\n' }).findings.map((f) => f.ruleId)).toEqual(['UMS-YAML']);
  });
});
