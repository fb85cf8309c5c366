/**
 * The fast reader (js-yaml) may only ever shorten the way to a result the authoritative reader
 * (`yaml`, source.ts) would give: these tests compare the two on the same text. Where the fast
 * reader accepts a file, its value must equal the authoritative one (key order, -0 and NaN
 * included), and validation through the fast path must equal validation with `fastPath: false`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Document, isScalar, parse, stringify, visit } from 'yaml';
import { fastLoad } from '../../core/document/fast-load';
import { loadTopologyText } from '../../core/document/source';
import { validateBytes, validateText } from '../../core/reader/validate';
import { repoRoot } from '../helpers/cli';
import { baseTopology, expectSameValidation, expectSameValue } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const exampleDir = path.join(repoRoot, 'topologies');
const examples = fs
  .readdirSync(exampleDir)
  .filter((n) => n.endsWith('.yaml'))
  .map((n) => fs.readFileSync(path.join(exampleDir, n), 'utf8'));

/** Fast reader and authoritative reader agree on `text` (or the fast reader defers). */
function readersAgree(text: string): boolean {
  const fast = fastLoad(text);
  if (!fast) return false;
  const slow = loadTopologyText(text);
  expect(slow.ok).toBe(true);
  if (slow.ok) expectSameValue(fast.value, slow.value);
  return true;
}

/** Validation through the fast path equals validation through the authoritative reader alone. */
function pathsAgree(text: string): boolean {
  const fast = validateText(text);
  expectSameValidation(fast, validateText(text, { fastPath: false }));
  return fast.valid && fast.findings.length === 0;
}

describe('the fast reader defers to the authoritative reader', () => {
  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 12\n'],
    ['a literal block scalar', 'a: |\n  text\n'],
    ['a folded block scalar', 'a: >\n  text\n'],
    ['a complex key', '? a\n: b\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['an empty file', ''],
    ['only a comment', '# nothing\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a list at the root', '- a\n'],
    ['a scalar at the root', 'hello\n'],
    ['a flow sequence as a key', '[a]: b\n'],
    ['a flow mapping as a key', '{a: 1}: b\n'],
    ['a syntax error', 'a: b: c\n'],
    ['deep nesting', `a: ${'['.repeat(40)}${']'.repeat(40)}\n`],
    ['a reserved indicator', 'a: @x\n'],
  ])('%s', (_what, text) => {
    expect(fastLoad(text)).toBeUndefined();
  });

  it('but reads indicator characters inside a plain scalar', () => {
    const text = 'url: https://artifacts.example.internal/setup.bin?a=1&b=*2\n';
    expect(readersAgree(text)).toBe(true);
    expect(fastLoad(text)?.value).toEqual({ url: 'https://artifacts.example.internal/setup.bin?a=1&b=*2' });
  });

  it('keeps a __proto__ key as an own property, as the authoritative reader does', () => {
    const text = '__proto__:\n  polluted: 1\n';
    expect(readersAgree(text)).toBe(true);
    const value = fastLoad(text)?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads the shipped examples, and validates them exactly as the authoritative reader does', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const text of examples) {
      expect(readersAgree(text)).toBe(true);
      expect(pathsAgree(text)).toBe(true);
    }
  });
});

describe('plain scalars resolve as the YAML 1.2 core schema of the authoritative reader', () => {
  const tricky = [
    '1_000', '0o17', '017', '0x1F', '0X1f', '0O7', '+12', '-0', '-0.0', '1e3', '1E3', '1.', '.5', '+.5', '1.e3', '.e3', '1e400', '-1e400',
    '123456789012345678901234', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'NaN', 'inf', '~', 'null', 'Null', 'NULL', 'nUll', 'true', 'True', 'TRUE',
    'tRue', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', '2001-12-14', '12.07', '12.07.100', '0b101', '1:20', '0x', '+', '1__0', '<<', '=', '0.1e-2', '00', '09', '0o8',
  ];
  it.each(tricky)('%s', (s) => {
    const text = `k: ${s}\nl: [${s}]\n${s}: k\n`;
    if (readersAgree(text)) return;
    // Deferred: fine, as long as the authoritative reader reads it too or refuses it.
    expect(loadTopologyText(text)).toBeDefined();
  });

  it('for random plain scalars made of number, boolean and null characters', () => {
    const scalar = fc.string({ unit: fc.constantFrom(...'0123456789.eE+-_xXoObB~nulNaItrfsTRUFALSE'.split('')), minLength: 1, maxLength: 10 });
    let accepted = 0;
    fc.assert(
      fc.property(scalar, (s) => {
        if (readersAgree(`k: ${s}\nl: [${s}, x]\n`)) accepted++;
      }),
      { numRuns: RUNS * 4 },
    );
    // Control: the comparison ran on values the fast reader accepted, not only on deferrals.
    expect(accepted).toBeGreaterThan(RUNS);
  });
});

/** A valid topology written in one of the many styles YAML allows. */
const styledTopology = fc
  .record({
    collectionStyle: fc.constantFrom('any', 'block', 'flow'),
    defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
    defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
    indent: fc.integer({ min: 1, max: 6 }),
    indentSeq: fc.boolean(),
    flowCollectionPadding: fc.boolean(),
    lineWidth: fc.integer({ min: 20, max: 120 }),
    header: fc.constantFrom('', '---\n', '# topology\n', '--- # topology\n'),
    footer: fc.constantFrom('', '...\n', '# end\n', '\n\n'),
    comments: fc.boolean(),
    crlf: fc.boolean(),
  })
  .map((o) => {
    const doc = new Document(baseTopology());
    if (o.comments) {
      // Comments after values and above keys, placed by the YAML library so they stay comments.
      visit(doc, {
        Pair(_, pair) {
          if (isScalar(pair.value)) pair.value.comment = ' note';
          if (isScalar(pair.key)) pair.key.commentBefore = ' about this key';
        },
      });
    }
    const body = doc.toString({
      collectionStyle: o.collectionStyle as 'any',
      defaultStringType: o.defaultStringType as 'PLAIN',
      defaultKeyType: o.defaultKeyType as 'PLAIN' | null,
      indent: o.indent,
      indentSeq: o.indentSeq,
      flowCollectionPadding: o.flowCollectionPadding,
      lineWidth: o.lineWidth,
      minContentWidth: 0,
    });
    const text = `${o.header}${body}${o.footer}`;
    return o.crlf ? text.replace(/\n/g, '\r\n') : text;
  });

describe('validation through the fast path equals validation through the authoritative reader', () => {
  it('for a valid topology in every YAML style', () => {
    let clean = 0;
    fc.assert(
      fc.property(styledTopology, (text) => {
        expect(parse(text.replace(/\r\n/g, '\n'))).toEqual(baseTopology());
        if (pathsAgree(text)) clean++;
      }),
      { numRuns: RUNS },
    );
    expect(clean).toBeGreaterThan(RUNS / 2);
  });

  it('for random edits of valid topologies (inserted YAML characters, deleted ranges)', () => {
    const snippet = fc.oneof(
      fc.string({ unit: fc.constantFrom(...' :-#"\'[]{},\n0123456789.exo+~_!&*|>?%@`\t\\'.split('')), maxLength: 4 }),
      fc.constantFrom('null', 'true', '~', '1e400', '0o17', '0x10', '.inf', '"', "'", ' # c', '\n  ', '\n- ', ': ', '---\n', '\\t'),
    );
    const edit = fc.record({ at: fc.nat(), remove: fc.integer({ min: 0, max: 3 }), insert: snippet });
    const base = [...examples, stringify(baseTopology())];
    let clean = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 3 }), (pick, edits) => {
        let text = base[pick % base.length] as string;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        if (pathsAgree(text)) clean++;
      }),
      { numRuns: RUNS * 4 },
    );
    // Control: the comparison covered edited files that stayed clean (about 1 in 10: edits in
    // comments and strings, values that stay valid), not only files both readers refuse.
    expect(clean).toBeGreaterThan(RUNS / 20);
  });

  it('for the byte checks: a huge, binary or non-UTF-8 file is refused before either reader', () => {
    const good = Buffer.from(examples[0] as string);
    for (const bytes of [Buffer.concat([good, Buffer.from([0])]), Buffer.concat([good, Buffer.from([0xc3, 0x28])])]) {
      const r = validateBytes(bytes);
      expect(r.findings.map((f) => f.ruleId)).toEqual(['UMS-YAML']);
      expectSameValidation(r, validateBytes(bytes, { fastPath: false }));
    }
  });

  it('positions of a file read on the fast path come from the authoritative reader when asked', () => {
    const text = examples[0] as string;
    const fast = validateText(text);
    const slow = validateText(text, { fastPath: false });
    for (const pointer of ['/spec/devices', '/spec/network/cidr', '/metadata/name', '/spec/nodes/0', '/spec/missing']) {
      expect(fast.source?.locate(pointer)).toEqual(slow.source?.locate(pointer));
      expect(fast.source?.has(pointer)).toBe(slow.source?.has(pointer));
      expect(fast.source?.sourceText(pointer)).toBe(slow.source?.sourceText(pointer));
    }
    expect(fast.source?.locate('/spec/devices').line).toBeGreaterThan(1);
  });
});
