/**
 * The fast reader: a first pass over a topology file that only ever answers "here is the value" or
 * "ask the authoritative reader". `source.ts` (the `yaml` library, with positions, document checks
 * and UMS-YAML findings) stays the authority: validation uses this reader's value only when the
 * whole file then validates with no finding at all, so no message and no position ever comes from
 * it. Its purpose is speed: js-yaml builds a plain value several times faster than `yaml` builds
 * its document tree, and a pull request that touches many topologies mostly holds clean files.
 *
 * To give the same value as `source.ts` for every file it accepts, this reader
 * - resolves plain scalars with the YAML 1.2 core schema regular expressions and the same number
 *   construction as `yaml` (below), instead of js-yaml's own resolvers;
 * - defers (returns undefined) on everything else: node properties and indicators a topology never
 *   needs (anchors, aliases, tags, directives, block scalars, complex keys, reserved indicators),
 *   tabs, several or no documents, duplicate keys, a root that is not a mapping, nesting deeper than
 *   MAX_DEPTH, and any error of js-yaml's.
 * A property test (`__tests__/topology/fast-load.test.ts`) and the fuzz suite check that a file
 * gives the same validation result through both readers.
 */
import { defineScalarTag, FAILSAFE_SCHEMA, load, NOT_RESOLVED, Schema } from 'js-yaml';

/**
 * Collections nested deeper than this (js-yaml's maxDepth, with aliases refused) go to the
 * authoritative reader, which reports nesting past its own limit (64); a topology nests five levels.
 */
const MAX_DEPTH = 16;

/*
 * Core schema tag resolution, YAML 1.2.2 section 10.3.2, as the `yaml` library implements it
 * (yaml/dist/schema/core/*.js): same patterns, same order, same number construction.
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const loadOnly = { implicit: true, identify: () => false } as const;

const SCHEMA = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  defineScalarTag('tag:yaml.org,2002:null', { ...loadOnly, resolve: (s) => (NULL.test(s) ? null : NOT_RESOLVED) }),
  defineScalarTag('tag:yaml.org,2002:bool', { ...loadOnly, resolve: (s) => (BOOL.test(s) ? s[0] === 't' || s[0] === 'T' : NOT_RESOLVED) }),
  defineScalarTag('tag:yaml.org,2002:int', {
    ...loadOnly,
    resolve: (s) => {
      if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
      if (INT_DEC.test(s)) return parseInt(s, 10);
      if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
      return NOT_RESOLVED;
    },
  }),
  defineScalarTag('tag:yaml.org,2002:float', {
    ...loadOnly,
    resolve: (s) => {
      if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
      if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
      return NOT_RESOLVED;
    },
  }),
]);

/**
 * An indicator at the start of a token (line start, after white space or a flow indicator) that
 * starts something a topology never needs and this reader leaves to `yaml`: `&` anchor, `*` alias,
 * `!` tag, `|`/`>` block scalar, `?` complex key, `%` directive, `@` and backtick (reserved). Also
 * any tab, and any line break but LF and CRLF (refused before either reader, source.ts). Inside a plain scalar (`https://host/file?a=1&b=2`) these characters do not match.
 */
const DEFERRED = /(?:^|[\s,[\]{}])[&*!|>?%@`]|\t|\r(?!\n)|[\u0085\u2028\u2029\f\v]/;

/** A mapping with more keys than this goes to the authoritative reader, which refuses it (source.ts MAX_KEYS). */
const MAX_KEYS = 1_000;

/** Whether every mapping of `value` has at most MAX_KEYS keys (walked without recursion). */
function withinKeyBound(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v) && children.length > MAX_KEYS) return false;
    for (const c of children) stack.push(c);
  }
  return true;
}

/**
 * Reads `text` into a plain value, or returns undefined when the authoritative reader must decide
 * (see the module comment). Never throws.
 */
export function fastLoad(text: string): { readonly value: Record<string, unknown> } | undefined {
  if (DEFERRED.test(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, maxAliases: 0, maxDepth: MAX_DEPTH });
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!withinKeyBound(value)) return undefined;
  return { value: value as Record<string, unknown> };
}
