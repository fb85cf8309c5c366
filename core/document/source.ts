/**
 * Reads a topology file into a plain value plus a map from JSON pointer to line and column, so every
 * finding can say where it is. Every problem with the text itself becomes a UMS-YAML finding: this
 * module never throws for bad input.
 */
import type { Alias, CST, Document, LineCounter, Node, YAMLMap, YAMLSeq } from 'yaml';
import { YAML_RULE_ID, type Finding } from '../base/findings';
import { join, parent } from '../base/pointer';

/**
 * The `yaml` library, loaded on first use: a file the fast reader accepts and that validates clean
 * never needs it, and `ums-ha validate` starts faster without it.
 */
type Token = CST.Token;
let yamlLibrary: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlLibrary ??= require('yaml') as typeof import('yaml');
  return yamlLibrary;
}

/** Files larger than this are refused before parsing (a topology is a few kilobytes). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Deeper nesting is refused: a topology nests 5 levels, and the YAML parser runs out of memory on huge depths. */
export const MAX_DEPTH = 64;
/** YAML aliases are expanded at most this many times (guards against "billion laughs" files). */
const MAX_ALIAS_COUNT = 100;
/**
 * At most this many structure marks (line ends, `,`, `[`, `{`, and `-`, `?`, `:` before a blank):
 * an upper bound of the values in the file, counted before any YAML reader runs (the readers' work
 * grows with it). A topology has a few hundred; the largest the schema allows (200 nodes, 50 exceptions) about 2,000.
 */
export const MAX_STRUCTURE = 10_000;
/** At most this many values after aliases are expanded (a topology has a few hundred). */
export const MAX_VALUES = 20_000;
/** At most this many keys in one mapping (a topology mapping has at most a few dozen). */
export const MAX_KEYS = 1_000;
/** The tags a topology may spell out: the YAML 1.2 core schema's. `!!binary`, `!!timestamp`, `!!set`... are refused. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Where a value is in the file: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Answers "where is this JSON pointer in the file?" for findings. */
export interface SourceMap {
  /**
   * The position of the value at `pointer`; for a pointer that is not in the file (a missing key,
   * a derived value) the position of its nearest ancestor that is. With `key: true` the position
   * of the mapping key instead of its value (used for unknown keys).
   */
  locate(pointer: string, options?: { key?: boolean }): Position;
  /** Whether the file has a value at `pointer`. */
  has(pointer: string): boolean;
  /** The text the file has for the value at `pointer` (e.g. an unquoted `12.07`), if any. */
  sourceText(pointer: string): string | undefined;
}

/** A source map for a topology given as an object in code: there are no lines, every position is 0:0. */
export const NO_SOURCE: SourceMap = {
  locate: () => ({ line: 0, column: 0 }),
  has: () => false,
  sourceText: () => undefined,
};

export type LoadResult =
  | { readonly ok: true; readonly value: unknown; readonly source: SourceMap }
  | { readonly ok: false; readonly findings: Finding[] };

interface Offsets {
  value: number;
  valueEnd: number;
  key?: number;
}

class YamlSourceMap implements SourceMap {
  constructor(
    private readonly text: string,
    private readonly lines: LineCounter,
    private readonly offsets: Map<string, Offsets>,
  ) {}

  locate(pointer: string, options: { key?: boolean } = {}): Position {
    let p = pointer;
    for (;;) {
      const o = this.offsets.get(p);
      if (o) {
        const offset = options.key && p === pointer && o.key !== undefined ? o.key : o.value;
        const { line, col } = this.lines.linePos(offset);
        return { line, column: col };
      }
      if (p === '') return { line: 1, column: 1 };
      p = parent(p);
    }
  }

  has(pointer: string): boolean {
    return this.offsets.has(pointer);
  }

  sourceText(pointer: string): string | undefined {
    const o = this.offsets.get(pointer);
    return o ? this.text.slice(o.value, o.valueEnd) : undefined;
  }
}

function fileFinding(message: string, line = 1, column = 1): { ok: false; findings: Finding[] } {
  return { ok: false, findings: [{ ruleId: YAML_RULE_ID, severity: 'error', message, path: '', line, column }] };
}

/**
 * Checks raw file bytes (size, binary, UTF-8) and decodes them; a problem is a UMS-YAML finding.
 * `size` is the file's size when only its first bytes were read (readTopology reads at most the
 * limit plus one byte).
 */
export function decodeTopologyBytes(bytes: Uint8Array, size = bytes.length): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly findings: Finding[] } {
  if (bytes.length > MAX_FILE_BYTES || size > MAX_FILE_BYTES) {
    return fileFinding(
      `the file is ${Math.max(size, bytes.length).toLocaleString('en-US')} bytes; a topology file may be at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (is this the right file?)`,
    );
  }
  if (bytes.includes(0)) {
    return fileFinding('the file contains NUL bytes: it is binary data, not a YAML topology');
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fileFinding('the file is not valid UTF-8 text: save it as UTF-8');
  }
}

/**
 * Loads raw file bytes: refuses huge, binary and non-UTF-8 content with a finding, then parses.
 */
export function loadTopologyBytes(bytes: Uint8Array): LoadResult {
  const decoded = decodeTopologyBytes(bytes);
  return decoded.ok ? loadTopologyText(decoded.text) : decoded;
}

/**
 * The source map of `text`, built by the authoritative reader the first time it is asked (a file
 * the fast reader accepted needs positions only when a later check, such as plan-update, reports
 * something in it).
 */
export function deferredSourceMap(text: string): SourceMap {
  let map: SourceMap | undefined;
  const get = (): SourceMap => {
    if (!map) {
      const loaded = loadTopologyText(text);
      map = loaded.ok ? loaded.source : { ...NO_SOURCE, locate: () => ({ line: 1, column: 1 }) };
    }
    return map;
  };
  return {
    locate: (pointer, options) => get().locate(pointer, options),
    has: (pointer) => get().has(pointer),
    sourceText: (pointer) => get().sourceText(pointer),
  };
}

/**
 * Line breaks other than LF and CRLF: a bare CR, NEL, the Unicode line and paragraph separators,
 * form feed and vertical tab. Readers and editors disagree on whether they end a line (a bare CR
 * ends one for js-yaml and for a terminal, not for `yaml`), so a line can be hidden from a reviewer
 * or from one reader. No topology needs one.
 */
const ODD_BREAK = /\r(?!\n)|[\u0085\u2028\u2029\f\v]/;
const BREAK_NAMES: Record<string, string> = {
  '\r': 'a carriage return (CR) without a line feed',
  '\u0085': 'a next-line character (NEL, U+0085)',
  '\u2028': 'a line separator (U+2028)',
  '\u2029': 'a paragraph separator (U+2029)',
  '\f': 'a form feed',
  '\v': 'a vertical tab',
};

/** 1-based line and column of `offset`, counting LF as the only line end (as the findings do). */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * The checks on YAML text that run before either reader (fast or authoritative) sees it, so both
 * readers only ever get text they read the same way, and bounded work: line breaks other than LF
 * and CRLF, and more than MAX_STRUCTURE structure marks. Returns the finding, or undefined.
 */
export function precheckTopologyText(text: string): Finding[] | undefined {
  const odd = ODD_BREAK.exec(text);
  if (odd) {
    const { line, column } = positionOf(text, odd.index);
    const what = BREAK_NAMES[odd[0]] ?? 'an unusual line break';
    return fileFinding(`the file contains ${what}: editors and YAML readers disagree on whether it ends a line; save the file with LF (or CRLF) line ends only`, line, column).findings;
  }
  let marks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // \n , [ {  and - ? : before a blank or the end
    let mark = c === 10 || c === 44 || c === 91 || c === 123;
    if (!mark && (c === 45 || c === 63 || c === 58)) {
      const next = text.charCodeAt(i + 1);
      mark = Number.isNaN(next) || next === 32 || next === 10 || next === 13 || next === 9;
    }
    if (mark && ++marks > MAX_STRUCTURE) {
      const { line, column } = positionOf(text, i);
      return fileFinding(
        `the file has more than ${MAX_STRUCTURE.toLocaleString('en-US')} lines, list items and mapping entries: a topology has a few hundred (is this the right file?)`,
        line,
        column,
      ).findings;
    }
  }
  return undefined;
}

/**
 * Checks the parsed token tree, walked without recursion, before the composer (which recurses, and
 * whose duplicate-key check grows with the square of a mapping's keys) runs: the offset of the first
 * collection deeper than MAX_DEPTH, or of the first mapping with more than MAX_KEYS keys.
 */
function checkTree(tokens: readonly Token[]): { problem: string; offset: number } | undefined {
  const stack: Array<[Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [Token | undefined, number];
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_DEPTH) return { problem: `values are nested more than ${MAX_DEPTH} levels deep: a topology nests only a few levels`, offset: token.offset };
      const mapping = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
      if (mapping && token.items.length > MAX_KEYS) return { problem: tooManyKeys(token.items.length), offset: token.offset };
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

function tooManyKeys(n: number): string {
  return `a mapping with ${n.toLocaleString('en-US')} keys: a topology mapping has at most a few dozen (at most ${MAX_KEYS.toLocaleString('en-US')} are read)`;
}

/** Parses YAML text into a value and a source map, or findings that say what is wrong with the text. */
export function loadTopologyText(text: string): LoadResult {
  const pre = precheckTopologyText(text);
  if (pre) return { ok: false, findings: pre };
  return parseTopologyText(text);
}

/**
 * The authoritative reader, for text that passed {@link precheckTopologyText}: the token tree is
 * checked, composed into one YAML document, and built into a plain value with its source map.
 */
export function parseTopologyText(text: string): LoadResult {
  const lines = new (yaml().LineCounter)();
  const composed = composeDocuments(text, lines);
  if ('findings' in composed) return composed;
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const single = oneDocument(composed.docs, at);
  if ('findings' in single) return single;
  const doc = single.doc;
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) return { ok: false, findings: problems.map((e) => parserFinding(text, e, at)) };

  const offsets = new Map<string, Offsets>();
  const built = new ValueBuilder(doc, offsets).build();
  if ('duplicates' in built) {
    return {
      ok: false,
      findings: built.duplicates.map((offset) => ({ ruleId: YAML_RULE_ID, severity: 'error' as const, message: 'YAML duplicate key: each key may appear once in a mapping', path: '', ...at(offset) })),
    };
  }
  if ('problem' in built) {
    const { line, column } = at(built.offset);
    return fileFinding(built.problem, line, column);
  }
  return { ok: true, value: built.value, source: new YamlSourceMap(text, lines, offsets) };
}

/**
 * Parses `text` into tokens, checks the token tree (checkTree) and composes the documents; a
 * problem (a bound passed, a parser exception) is one finding.
 */
function composeDocuments(text: string, lines: LineCounter): { readonly docs: Document.Parsed[] } | { readonly ok: false; readonly findings: Finding[] } {
  const { Composer, Parser } = yaml();
  try {
    const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
    const tree = checkTree(tokens);
    if (tree) {
      const { line, col } = lines.linePos(tree.offset);
      return fileFinding(tree.problem, line, col);
    }
    // Duplicate keys are found while building the value (with a set: yaml's own check is quadratic).
    return { docs: Array.from(new Composer({ prettyErrors: false, uniqueKeys: false, strict: true }).compose(tokens)) as Document.Parsed[] };
  } catch (err) {
    return fileFinding(`the YAML cannot be parsed: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The one document of the file, or a finding for an empty file or for several documents. */
function oneDocument(docs: readonly Document.Parsed[], at: (offset: number) => Position): { readonly doc: Document.Parsed } | { readonly ok: false; readonly findings: Finding[] } {
  if (docs.length === 0 || (docs.length === 1 && docs[0]?.contents == null)) {
    return fileFinding('the file is empty: a topology needs apiVersion, kind, metadata and spec');
  }
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    const { line, column } = at(second.range[0]);
    return fileFinding(`the file holds ${docs.length} YAML documents; a topology file holds exactly one (remove the extra '---' sections)`, line, column);
  }
  return { doc: docs[0] as Document.Parsed };
}

/** An error or warning of the YAML parser as a UMS-YAML finding, placed by errorOffset. */
function parserFinding(text: string, e: { readonly pos: [number, number]; readonly code: string; readonly message: string }, at: (offset: number) => Position): Finding {
  const where = errorOffset(text, e.pos[0], e.message);
  const { line, column } = at(where.offset);
  const what = `${e.code === 'DUPLICATE_KEY' ? 'duplicate key: each key may appear once in a mapping' : e.message.split('\n')[0]}${where.note}`;
  return { ruleId: YAML_RULE_ID, severity: 'error' as const, message: `YAML ${what}`, path: '', line, column };
}

/**
 * Where a YAML error is reported. The parser reports an unclosed `[`, `{` or quote where the file
 * ends (a line after the last one when the file ends with a line break): it is reported at the
 * opening character instead, which the note names. Any other position past the end of the text is
 * the end of the last line.
 */
function errorOffset(text: string, offset: number, message: string): { offset: number; note: string } {
  const end = text.replace(/[\r\n]+$/, '').length;
  const closer = /end with an? ([\]}])|Missing closing (["'])/.exec(message);
  if (closer) {
    const opener = unclosedOpener(text, Math.min(offset, text.length), closer[1] === ']' ? '[' : closer[1] === '}' ? '{' : (closer[2] as string));
    if (opener !== undefined) return { offset: opener, note: `: this ${text.charAt(opener)} is never closed` };
  }
  return { offset: Math.min(offset, end), note: '' };
}

/**
 * The offset of the innermost `[`, `{` or quote that is still open at `end`, if it is `want`:
 * a scan of flow brackets outside quotes and comments (enough to place the parser's error; the
 * parser decides what the text means).
 */
function unclosedOpener(text: string, end: number, want: string): number | undefined {
  const open: Array<{ char: string; offset: number }> = [];
  let quote: { char: string; offset: number } | undefined;
  for (let i = 0; i < end; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char) {
        if (quote.char === "'" && text.charAt(i + 1) === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text.charAt(i - 1)))) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text.charAt(i - 1)))) {
      quote = { char: c, offset: i };
    } else if (c === '[' || c === '{') {
      open.push({ char: c, offset: i });
    } else if ((c === ']' || c === '}') && open.length > 0) {
      open.pop();
    }
  }
  const innermost = quote ?? open[open.length - 1];
  return innermost && innermost.char === want ? innermost.offset : undefined;
}

type Built = { value: unknown } | { problem: string; offset: number } | { duplicates: number[] };

/** A tag name as the user wrote it: `!!binary` for the YAML 1.1 tags, else the tag. */
function tagName(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * Turns the YAML tree into a plain value and, in the same walk, records where every value (and
 * mapping key) starts. Refuses what a topology never needs: nesting deeper than MAX_DEPTH, keys
 * that are not scalars, tags outside the core schema (`!!binary`, `!!timestamp`, `!!set`...), more
 * than MAX_ALIAS_COUNT alias expansions, more than MAX_VALUES values once aliases are expanded,
 * and more than MAX_KEYS keys in a mapping. Duplicate keys are collected (every one is reported).
 * The first problem found is the one reported; the walk stops there.
 */
class ValueBuilder {
  private readonly y = yaml();
  private aliases = 0;
  private values = 0;
  /** The outermost alias being expanded: a bound passed inside it is reported at the alias. */
  private expanding: Node | undefined;
  private readonly duplicates: number[] = [];
  private problem: { problem: string; offset: number } | undefined;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly offsets: Map<string, Offsets>,
  ) {}

  build(): Built {
    const root = this.doc.contents as Node | null;
    if (root?.range) this.offsets.set('', { value: root.range[0], valueEnd: root.range[1] });
    const value = this.walk(root, '', 0);
    if (this.problem) return this.problem;
    return this.duplicates.length > 0 ? { duplicates: this.duplicates } : { value };
  }

  private fail(message: string, node: Node | null | undefined): undefined {
    this.problem ??= { problem: message, offset: node?.range?.[0] ?? 0 };
    return undefined;
  }

  private walk(node: Node | null, pointer: string, depth: number): unknown {
    if (this.problem) return undefined;
    if (node === null || node === undefined) return null;
    if (depth > MAX_DEPTH) return this.fail(`values are nested more than ${MAX_DEPTH} levels deep: a topology nests only a few levels`, node);
    if (this.y.isAlias(node)) return this.alias(node, pointer, depth);
    if (++this.values > MAX_VALUES) {
      return this.fail(`the file holds more than ${MAX_VALUES.toLocaleString('en-US')} values once its aliases are expanded: a topology has a few hundred (write the values out instead of *aliases)`, this.expanding ?? node);
    }
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) return this.fail(unsupportedTag(tag), node);
    if (this.y.isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return this.fail('this value is not text, a number, true/false or empty: remove its tag', node);
    }
    if (this.y.isMap(node)) return this.mapping(node, pointer, depth);
    if (this.y.isSeq(node)) return this.sequence(node, pointer, depth);
    return this.fail('unsupported YAML node', node);
  }

  /** An alias: the value of its anchor, counted against MAX_ALIAS_COUNT. */
  private alias(node: Alias, pointer: string, depth: number): unknown {
    if (++this.aliases > MAX_ALIAS_COUNT) {
      return this.fail(`the YAML expands aliases more than ${MAX_ALIAS_COUNT} times: write the values out instead of *aliases`, node);
    }
    const target = node.resolve(this.doc) as Node | undefined;
    if (!target) return this.fail(`the alias *${node.source} has no anchor`, node);
    const outer = this.expanding;
    this.expanding ??= node;
    const v = this.walk(target, pointer, depth + 1);
    this.expanding = outer;
    return v;
  }

  private mapping(node: YAMLMap, pointer: string, depth: number): unknown {
    if (node.items.length > MAX_KEYS) return this.fail(tooManyKeys(node.items.length), node);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!this.y.isPair(pair)) continue;
      const key = pair.key as Node | null;
      if (key !== null && !this.y.isScalar(key)) return this.fail('mapping keys must be plain names, not lists or mappings', key);
      if (key !== null && key.tag !== undefined && !CORE_TAGS.has(key.tag)) return this.fail(unsupportedTag(key.tag), key);
      const keyText = key === null ? '' : String(key.value);
      const keyStart = key?.range?.[0] ?? node.range?.[0] ?? 0;
      if (seen.has(keyText)) {
        this.duplicates.push(keyStart);
        continue;
      }
      seen.add(keyText);
      const child = join(pointer, keyText);
      const valueNode = pair.value as Node | null;
      this.offsets.set(child, { value: valueNode?.range?.[0] ?? keyStart, valueEnd: valueNode?.range?.[1] ?? keyStart, key: keyStart });
      const v = this.walk(valueNode, child, depth + 1);
      // A key named __proto__ stays an own property (never the prototype).
      if (keyText === '__proto__') Object.defineProperty(out, keyText, { value: v, enumerable: true, writable: true, configurable: true });
      else out[keyText] = v;
    }
    return out;
  }

  private sequence(node: YAMLSeq, pointer: string, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < node.items.length; i++) {
      const n = node.items[i] as Node | null;
      const child = join(pointer, i);
      if (n?.range) this.offsets.set(child, { value: n.range[0], valueEnd: n.range[1] });
      out.push(this.walk(n, child, depth + 1));
      if (this.problem) break;
    }
    return out;
  }
}

function unsupportedTag(tag: string): string {
  return `the tag ${tagName(tag)} is not supported: a topology holds only text, numbers, true/false, lists and mappings (remove the tag)`;
}
