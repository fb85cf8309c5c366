/** How serious a finding is: an error refuses the design, a warning is reported (exit 0 unless --strict). */
export type Severity = 'error' | 'warning';

/** Rule id of YAML syntax and file-level problems (empty file, several documents, binary data...). */
export const YAML_RULE_ID = 'UMS-YAML';
/** Rule id of JSON Schema violations (unknown keys, wrong types, values out of range...). */
export const SCHEMA_RULE_ID = 'UMS-SCHEMA';

/** One problem in one topology, where it is and what to change. */
export interface Finding {
  /** Stable rule id, e.g. `UMS-SIZE-001`; tools match on it. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** What is wrong and what to change, with the numbers in it. */
  readonly message: string;
  /** JSON pointer of the offending value (or of where a missing key belongs). */
  readonly path: string;
  /** 1-based line of the offending value in the file (0 when the topology came from code). */
  readonly line: number;
  /** 1-based column of the offending value in the file (0 when the topology came from code). */
  readonly column: number;
}

/** Orders findings by position, then rule id, so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** Formats an integer with thousands separators, as the messages write device counts (120,000). */
export function num(n: number): string {
  return Number.isFinite(n) ? Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n);
}

/** The verb that agrees with a count: `agree(1, 'gives', 'give')` is "gives", `agree(2, ...)` "give". */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** "1 server" / "3 servers". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${num(n)} ${n === 1 ? word : many}`;
}

/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional
 * overrides written as escapes (`\n`, `\u001b`...), so text from a file (a key name, a value, a
 * file name) can neither end a line, forge an annotation, drive a terminal nor reorder what is
 * shown. Every text output goes through it (formatFinding, the CLI's problem lines).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A value as JSON text that holds nothing unprintable: JSON.stringify escapes C0 controls, and
 * here DEL, C1 controls, the line and paragraph separators and the bidirectional controls are
 * written as `\uXXXX` escapes too (they can only occur inside strings, where the escape is the same
 * value). The one path of every JSON output (validate's json and sarif, report and plan-update json).
 */
const UNPRINTABLE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export function printableJson(value: unknown, space = 2): string {
  return JSON.stringify(value, null, space).replace(UNPRINTABLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
