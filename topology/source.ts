/**
 * Reads a topology file into a plain value plus a map from JSON pointer to line and column, so every
 * finding can say where it is. Every problem with the text itself becomes a UMS-YAML finding: this
 * module never throws for bad input.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { YAML_RULE_ID, type Finding } from './findings';
import { join, parent } from './pointer';

/**
 * The `yaml` library, loaded on first use: a file the fast reader accepts and that validates clean
 * never needs it, and `ums-ha validate` starts faster without it.
 */
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

/** Checks raw file bytes (size, binary, UTF-8) and decodes them; a problem is a UMS-YAML finding. */
export function decodeTopologyBytes(bytes: Uint8Array): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly findings: Finding[] } {
  if (bytes.length > MAX_FILE_BYTES) {
    return fileFinding(
      `the file is ${bytes.length.toLocaleString('en-US')} bytes; a topology file may be at most ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (is this the right file?)`,
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
  const { LineCounter, parseAllDocuments } = yaml();
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
  const built = buildValue(doc, offsets);
  if ('problem' in built) {
    const { line, column } = at(built.offset);
    return fileFinding(built.problem, line, column);
  }
  const value = built.value;
  return { ok: true, value, source: new YamlSourceMap(text, lines, offsets) };
}

type Built = { value: unknown } | { problem: string; offset: number };

/**
 * Turns the YAML tree into a plain value and, in the same walk, records where every value (and
 * mapping key) starts. Refuses what a topology never needs: nesting deeper than MAX_DEPTH, keys
 * that are not scalars, and more than MAX_ALIAS_COUNT alias expansions.
 */
function buildValue(doc: Document.Parsed, offsets: Map<string, Offsets>): Built {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let aliases = 0;
  let problem: { problem: string; offset: number } | undefined;
  const fail = (message: string, node: Node | null | undefined): undefined => {
    problem ??= { problem: message, offset: node?.range?.[0] ?? 0 };
    return undefined;
  };

  const walk = (node: Node | null, pointer: string, depth: number): unknown => {
    if (problem) return undefined;
    if (node === null || node === undefined) return null;
    if (depth > MAX_DEPTH) return fail(`values are nested more than ${MAX_DEPTH} levels deep: a topology nests only a few levels`, node);
    if (isAlias(node)) {
      if (++aliases > MAX_ALIAS_COUNT) {
        return fail(`the YAML expands aliases more than ${MAX_ALIAS_COUNT} times: write the values out instead of *aliases`, node);
      }
      const target = node.resolve(doc) as Node | undefined;
      if (!target) return fail(`the alias *${node.source} has no anchor`, node);
      return walk(target, pointer, depth + 1);
    }
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) return fail('mapping keys must be plain names, not lists or mappings', key);
        const keyText = key === null ? '' : String(key.value);
        const child = join(pointer, keyText);
        const valueNode = pair.value as Node | null;
        const keyStart = key?.range?.[0] ?? node.range?.[0] ?? 0;
        offsets.set(child, { value: valueNode?.range?.[0] ?? keyStart, valueEnd: valueNode?.range?.[1] ?? keyStart, key: keyStart });
        const v = walk(valueNode, child, depth + 1);
        // A key named __proto__ stays an own property (never the prototype).
        if (keyText === '__proto__') Object.defineProperty(out, keyText, { value: v, enumerable: true, writable: true, configurable: true });
        else out[keyText] = v;
      }
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        const n = item as Node | null;
        const child = join(pointer, i);
        if (n?.range) offsets.set(child, { value: n.range[0], valueEnd: n.range[1] });
        out.push(walk(n, child, depth + 1));
      });
      return out;
    }
    return fail('unsupported YAML node', node);
  };

  const root = doc.contents as Node | null;
  if (root?.range) offsets.set('', { value: root.range[0], valueEnd: root.range[1] });
  const value = walk(root, '', 0);
  return problem ?? { value };
}
