/**
 * The schema stage: runs the validator compiled at build time from schemas/topology.schema.json
 * (no ajv compilation at start-up) and turns its errors into UMS-SCHEMA findings that say what to
 * change, where.
 */
import { SCHEMA_RULE_ID, type Finding } from '../base/findings';
import { objectKeys, patternPhrases } from './generated/schema-meta';
import { credentialShape } from './credentials';
import { describePointer, join, lastSegment, unescapeSegment } from '../base/pointer';
import type { SourceMap } from './source';
import validateSchema = require('./generated/schema-validator');

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Keys whose values are never echoed in a message: they may hold what should have been a secret. */
const SECRET_KEY = /pass|secret|token|credential|variable|key$/i;

/** The value at a JSON pointer of a plain value, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let v: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapeSegment(raw);
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** A short, safe rendering of a value for a message (quoted, escaped, truncated, secrets redacted). */
export function show(value: unknown, pointer = ''): string {
  if (SECRET_KEY.test(lastSegment(pointer))) return '(value hidden)';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    if (credentialShape(value, lastSegment(pointer)) !== undefined) return '(value hidden: it looks like a credential)';
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a number too large to represent';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'a mapping';
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a string';
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive, for
 * "did you mean" on misspelt keys and enum values: "hots" is one step from "host".
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let before: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[y.length] as number;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(Math.min(word.length, best.length) / 3)) ? best : undefined;
}

/** The instance path with array indices as '*': '/spec/nodes/2/ip' is '/spec/nodes/*\/ip'. */
function pattern(instancePath: string): string {
  return instancePath.replace(/\/\d+(?=\/|$)/g, '/*');
}

function where(instancePath: string): string {
  return instancePath === '' ? 'at the top level' : `in ${instancePath}`;
}

function message(e: AjvError, root: unknown, source: SourceMap): { path: string; message: string; key?: boolean; at?: string } {
  const value = valueAt(root, e.instancePath);
  const name = e.instancePath === '' ? 'the document' : e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      // A key that looks like a credential (a pasted "password=...", a token) is never printed:
      // the finding names its mapping, not the key (issue 13.6, as for values).
      const shape = credentialShape(key, key);
      if (shape !== undefined) {
        return { path: e.instancePath, message: `a key ${where(e.instancePath)} looks like ${shape} and is not shown: remove it, and rotate the secret if this file was ever committed` };
      }
      const allowed = objectKeys[pattern(e.instancePath)] ?? [];
      const guess = closest(key, allowed);
      const hint = guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`;
      return { path: join(e.instancePath, key), key: true, message: `unknown key "${key}" ${where(e.instancePath)}: ${hint}` };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      // Reported at the key of the mapping it belongs in (a missing key has no line of its own).
      return { path: join(e.instancePath, key), at: e.instancePath, message: `missing required key "${key}" ${where(e.instancePath)}` };
    }
    case 'type': {
      const expected = String(e.params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      if (e.instancePath === '') {
        return { path: '', message: `the file must be a YAML mapping with apiVersion, kind, metadata and spec; it holds ${typeName(value)}` };
      }
      if (e.instancePath === '/spec/umsVersion' && typeof value === 'number') {
        const written = source.sourceText(e.instancePath) ?? String(value);
        return {
          path: e.instancePath,
          message: `umsVersion must be a quoted string: YAML reads the unquoted ${written} as the number ${value}; write it in quotes as IGEL does, major.minor.patch, e.g. umsVersion: "12.07.100"`,
        };
      }
      return { path: e.instancePath, message: `${name} must be ${expected}, not ${typeName(value)} (${show(value, e.instancePath)})` };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      return {
        path: e.instancePath,
        message: `${name} must be one of ${allowed.join(', ')}, not ${show(value, e.instancePath)}${guess ? ` (did you mean ${guess}?)` : ''}`,
      };
    }
    case 'const':
      return { path: e.instancePath, message: `${name} must be ${JSON.stringify(e.params.allowedValue)}, not ${show(value, e.instancePath)}` };
    case 'pattern': {
      const raw = String(e.params.pattern);
      // The free-text pattern (control, line-separator and bidirectional-control characters refused) in words.
      const freeText = raw.startsWith('^[^\\u0000-') ? 'text on one line, without control, line-separator or bidirectional-control characters' : undefined;
      const phrase = patternPhrases[pattern(e.instancePath)] ?? freeText ?? `text matching ${raw}`;
      return { path: e.instancePath, message: `${name} must be ${phrase}, not ${show(value, e.instancePath)}` };
    }
    case 'minimum':
    case 'maximum': {
      const bound = e.keyword === 'minimum' ? 'at least' : 'at most';
      return { path: e.instancePath, message: `${name} must be ${bound} ${String(e.params.limit)}, not ${show(value, e.instancePath)}` };
    }
    case 'minItems':
      return { path: e.instancePath, message: `${name} needs at least ${String(e.params.limit)} item(s)` };
    case 'maxItems':
      return { path: e.instancePath, message: `${name} may hold at most ${String(e.params.limit)} items, not ${Array.isArray(value) ? value.length : '?'}` };
    case 'minLength':
    case 'maxLength': {
      const bound = e.keyword === 'minLength' ? 'at least' : 'at most';
      return { path: e.instancePath, message: `${name} must be ${bound} ${String(e.params.limit)} characters long` };
    }
    case 'uniqueItems':
      return {
        path: e.instancePath,
        message: `${name} lists the same value twice (items ${String(e.params.j)} and ${String(e.params.i)}): remove the duplicate`,
      };
    default:
      return { path: e.instancePath, message: `${describePointer(e.instancePath)} ${e.message ?? 'is not valid'}` };
  }
}

/** Result of the schema stage. */
export interface SchemaResult {
  readonly findings: Finding[];
  /** Whether the value passed: the resolver and the topology rules may run on it. */
  readonly passed: boolean;
}

/**
 * Checks a parsed value against the topology schema. `reported` lists pointers a document rule has
 * already reported (e.g. a key holding a literal password): schema errors there are not repeated,
 * and an extra key there does not stop the later stages (it is ignored); any other error does.
 */
export function checkSchema(value: unknown, source: SourceMap, reported: ReadonlySet<string> = new Set()): SchemaResult {
  if (validateSchema(value)) return { findings: [], passed: true };
  const errors = (validateSchema.errors ?? []) as AjvError[];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  // A misspelt key ("devcies") is one finding, the unknown key with its suggestion: the required
  // key it stands for is not reported missing as well.
  const suggested = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const guess = closest(String(e.params.additionalProperty), objectKeys[pattern(e.instancePath)] ?? []);
    if (guess !== undefined) suggested.add(join(e.instancePath, guess));
  }
  let passed = true;
  for (const e of errors) {
    // "must match then/else schema" only repeats the required-key error that comes with it.
    if (e.keyword === 'if') continue;
    if (e.keyword === 'required' && suggested.has(join(e.instancePath, String(e.params.missingProperty)))) {
      passed = false;
      continue;
    }
    const m = message(e, value, source);
    if (reported.has(m.path)) {
      if (e.keyword !== 'additionalProperties') passed = false;
      continue;
    }
    passed = false;
    const dedupe = `${m.path}\u0000${m.message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const pos = m.at !== undefined ? source.locate(m.at, { key: true }) : source.locate(m.path, { key: m.key === true });
    findings.push({ ruleId: SCHEMA_RULE_ID, severity: 'error', message: m.message, path: m.path, line: pos.line, column: pos.column });
  }
  return { findings, passed };
}
