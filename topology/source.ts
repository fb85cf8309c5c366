/**
 * Reads a topology file into a plain value plus a map from JSON pointer to line and column, so every
 * finding can say where it is. Every problem with the text itself becomes a UMS-YAML finding: this
 * module never throws for bad input.
 */
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Node, type Document } from 'yaml';
import { YAML_RULE_ID, type Finding } from './findings';
import { join, parent } from './pointer';

/** Files larger than this are refused before parsing (a topology is a few kilobytes). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Deeper nesting is refused: a topology nests 5 levels, and the YAML parser runs out of memory on huge depths. */
export const MAX_DEPTH = 64;
/** YAML aliases are expanded at most this many times (guards against "billion laughs" files). */
const MAX_ALIAS_COUNT = 100;

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

function fileFinding(message: string, line = 1, column = 1): LoadResult {
  return { ok: false, findings: [{ ruleId: YAML_RULE_ID, severity: 'error', message, path: '', line, column }] };
}

/**
 * Loads raw file bytes: refuses huge, binary and non-UTF-8 content with a finding, then parses.
 */
export function loadTopologyBytes(bytes: Uint8Array): LoadResult {
  if (bytes.length > MAX_FILE_BYTES) {
    return fileFinding(
      `the file is ${bytes.length.toLocaleString('en-US')} bytes; a topology file may be at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (is this the right file?)`,
    );
  }
  if (bytes.includes(0)) {
    return fileFinding('the file contains NUL bytes: it is binary data, not a YAML topology');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fileFinding('the file is not valid UTF-8 text: save it as UTF-8');
  }
  return loadTopologyText(text);
}

/** Deepest nesting of flow collections ([...] and {...}) outside quotes and comments. */
function flowDepth(text: string): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) break;
      i = eol;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        at = i;
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return { depth: max, offset: at };
}

/** Parses YAML text into a value and a source map, or findings that say what is wrong with the text. */
export function loadTopologyText(text: string): LoadResult {
  const lines = new LineCounter();
  const flow = flowDepth(text);
  if (flow.depth > MAX_DEPTH) {
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < flow.offset; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const { line, col } = lines.linePos(flow.offset);
    return fileFinding(`values are nested more than ${MAX_DEPTH} levels deep: a topology nests only a few levels`, line, col);
  }

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true }) as Document.Parsed[];
  } catch (err) {
    return fileFinding(`the YAML cannot be parsed: ${(err as Error).message.split('\n')[0]}`);
  }

  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  if (docs.length === 0 || (docs.length === 1 && docs[0]?.contents == null)) {
    return fileFinding('the file is empty: a topology needs apiVersion, kind, metadata and spec');
  }
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    const { line, column } = at(second.range[0]);
    return fileFinding(`the file holds ${docs.length} YAML documents; a topology file holds exactly one (remove the extra '---' sections)`, line, column);
  }

  const doc = docs[0] as Document.Parsed;
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      ok: false,
      findings: problems.map((e) => {
        const { line, column } = at(e.pos[0]);
        const what = e.code === 'DUPLICATE_KEY' ? 'duplicate key: each key may appear once in a mapping' : e.message.split('\n')[0];
        return { ruleId: YAML_RULE_ID, severity: 'error' as const, message: `YAML ${what}`, path: '', line, column };
      }),
    };
  }

  const offsets = new Map<string, Offsets>();
  const tooDeep = indexNode(doc.contents as Node, '', 0, offsets);
  if (tooDeep) {
    const { line, column } = at(tooDeep);
    return fileFinding(`values are nested more than ${MAX_DEPTH} levels deep: a topology nests only a few levels`, line, column);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message;
    if (/alias/i.test(message)) {
      return fileFinding(`the YAML expands aliases more than ${MAX_ALIAS_COUNT} times: write the values out instead of *aliases`);
    }
    return fileFinding(`the YAML cannot be read: ${message.split('\n')[0]}`);
  }
  return { ok: true, value, source: new YamlSourceMap(text, lines, offsets) };
}

/** Records where every value (and mapping key) starts; returns the offset of a node nested too deep. */
function indexNode(node: Node | null, pointer: string, depth: number, offsets: Map<string, Offsets>): number | undefined {
  if (!node) return undefined;
  if (depth > MAX_DEPTH) return node.range?.[0] ?? 0;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const keyText = isScalar(key) ? String(key.value) : key ? String(key) : '';
      const child = join(pointer, keyText);
      const valueNode = pair.value as Node | null;
      const keyStart = key?.range?.[0] ?? 0;
      offsets.set(child, {
        value: valueNode?.range?.[0] ?? keyStart,
        valueEnd: valueNode?.range?.[1] ?? keyStart,
        key: keyStart,
      });
      const deep = indexNode(valueNode, child, depth + 1, offsets);
      if (deep !== undefined) return deep;
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const n = item as Node | null;
      if (n?.range) offsets.set(join(pointer, i), { value: n.range[0], valueEnd: n.range[1] });
    });
    for (let i = 0; i < node.items.length; i++) {
      const deep = indexNode(node.items[i] as Node | null, join(pointer, i), depth + 1, offsets);
      if (deep !== undefined) return deep;
    }
  }
  if (pointer === '' && node.range) offsets.set('', { value: node.range[0], valueEnd: node.range[1] });
  return undefined;
}
