/**
 * The validation pipeline, the one entry point the CLI, the constructs and the report share:
 * YAML (UMS-YAML) -> document rules (UMS-DB-002) -> schema (UMS-SCHEMA) -> resolve -> design rules.
 * Later stages run only when the earlier ones let them: the resolved topology exists whenever the
 * file parsed and passed the schema, even when design rules fail.
 */
import { compareFindings, printable, type Finding } from '../base/findings';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import type { ResolvedTopology } from '../model/model';
import { resolveTopology } from '../model/resolve';
import { documentRules, ruleMeta, synthesisRules, topologyRules, type Report, type RuleMeta } from '../rules';
import { checkSchema } from '../document/schema';
import { fastLoad } from '../document/fast-load';
import { decodeTopologyBytes, deferredSourceMap, loadTopologyText, NO_SOURCE, precheckTopologyText, type LoadResult, type SourceMap } from '../document/source';

/** A warning the topology accepts in spec.exceptions, with the reviewers' reason. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly reason: string;
}

export interface ValidationResult {
  /** No error findings (warnings allowed). */
  readonly valid: boolean;
  /** Every finding, ordered by position (excepted warnings are in `suppressed` instead). */
  readonly findings: readonly Finding[];
  /** Warnings accepted by spec.exceptions, with their reasons. */
  readonly suppressed?: readonly SuppressedFinding[];
  /**
   * The topology as written; present when the file passed the schema. Frozen when read from a
   * file (validateText, validateBytes): copy it to change it.
   */
  readonly document?: UmsHaTopologyDocument;
  /** The topology after defaults and sizing; present when the file passed the schema. */
  readonly topology?: ResolvedTopology;
  /**
   * Where values are in the file (for findings of later checks, e.g. plan-update, or UMS-NET-004
   * across files); present whenever the file was read as YAML, also when it failed the schema.
   */
  readonly source?: SourceMap;
  /** The value the file holds, present whenever it was read as YAML (also when it failed the schema). */
  readonly value?: unknown;
}

function toFinding(rule: RuleMeta, report: Report, source: SourceMap): Finding {
  const pos = source.locate(report.path, { key: report.key === true });
  return { ruleId: rule.id, severity: rule.severity, message: report.message, path: report.path, line: pos.line, column: pos.column };
}

/**
 * Applies spec.exceptions: an accepted warning moves to `suppressed` with its reason; an exception
 * for an error is itself an error (UMS-EXC-001: errors refuse the design); an exception no finding
 * needs is a warning (UMS-EXC-002), so exceptions never outlive their reason silently.
 */
function applyExceptions(doc: UmsHaTopologyDocument, findings: Finding[], source: SourceMap): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const exceptions = doc.spec.exceptions ?? [];
  if (exceptions.length === 0) return { findings, suppressed: [] };
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const used = new Set<number>();
  for (const f of findings) {
    const i = exceptions.findIndex((e) => e.id === f.ruleId);
    if (i >= 0 && f.severity === 'warning') {
      suppressed.push({ finding: f, reason: (exceptions[i] as { reason: string }).reason });
      used.add(i);
    } else {
      kept.push(f);
    }
  }
  exceptions.forEach((e, i) => {
    const path = `/spec/exceptions/${i}/id`;
    const meta = ruleMeta(e.id);
    const at = source.locate(path);
    if (meta?.severity === 'error') {
      kept.push({ ruleId: 'UMS-EXC-001', severity: 'error', message: `${e.id} is an error rule: errors refuse the design and cannot be excepted; change the design instead`, path, line: at.line, column: at.column });
    } else if (!used.has(i)) {
      kept.push({ ruleId: 'UMS-EXC-002', severity: 'warning', message: `no ${e.id} finding to except${meta ? '' : ` (${e.id} is not a rule id)`}: remove the stale exception`, path, line: at.line, column: at.column });
    }
  });
  return { findings: kept, suppressed };
}

function done(findings: Finding[], rest: Omit<ValidationResult, 'valid' | 'findings'> = {}): ValidationResult {
  findings.sort(compareFindings);
  return { valid: !findings.some((f) => f.severity === 'error'), findings, ...rest };
}

export interface ValidateOptions {
  /** Also apply the rules of what synthesis can build (UMS-PLAT-*). */
  readonly synthesis?: boolean;
  /**
   * Try the fast reader (`fast-load.ts`) first; its value counts only when the file validates with
   * no finding, else the file is read again by the authoritative reader. `false` always uses the
   * authoritative reader (the tests do, to show that both give the same result).
   * @default true
   */
  readonly fastPath?: boolean;
}

/**
 * What validateText and validateBytes returned, by the value they read. Validating that value again
 * with the same source map and `synthesis` option (as UmsHaTopology does with what the cdktf app
 * read) returns the same result instead of running every rule twice. The value and the resolved
 * topology are frozen when recorded, so the result always describes the value as it is.
 */
const recorded = new WeakMap<object, { readonly source: SourceMap | undefined; readonly synthesis: boolean; readonly result: ValidationResult }>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function recordResult(result: ValidationResult, options: ValidateOptions): ValidationResult {
  const { value } = result;
  if (typeof value !== 'object' || value === null) return result;
  deepFreeze(value);
  deepFreeze(result.topology);
  recorded.set(value, { source: result.source, synthesis: options.synthesis === true, result });
  return result;
}

/**
 * Validates a parsed value (from YAML or from code) with its source map. A value that
 * validateText or validateBytes returned (frozen) gives the result they gave, if the source map
 * and `synthesis` are the same.
 */
export function validateValue(value: unknown, source: SourceMap = NO_SOURCE, options: ValidateOptions = {}): ValidationResult {
  const memo = typeof value === 'object' && value !== null ? recorded.get(value) : undefined;
  if (memo && memo.source === source && memo.synthesis === (options.synthesis === true)) return memo.result;
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const rule of documentRules) {
    for (const report of rule.check(value)) {
      findings.push(toFinding(rule, report, source));
      reported.add(report.path);
    }
  }
  const schema = checkSchema(value, source, reported);
  for (const f of schema.findings) findings.push(f);
  if (!schema.passed) return done(findings, { value, source });

  const document = value as UmsHaTopologyDocument;
  const topology = resolveTopology(document);
  for (const rule of options.synthesis ? [...topologyRules, ...synthesisRules] : topologyRules) {
    for (const report of rule.check({ doc: document, topology })) findings.push(toFinding(rule, report, source));
  }
  const excepted = applyExceptions(document, findings, source);
  excepted.suppressed.sort((a, b) => compareFindings(a.finding, b.finding));
  return done(excepted.findings, { document, topology, source, value, ...(excepted.suppressed.length > 0 ? { suppressed: excepted.suppressed } : {}) });
}

/**
 * A YAML syntax error is one finding: the parser reports what follows from the first error too
 * (one tab gives "nested mappings are not allowed", "all mapping items must start at the same
 * column"... on every later line), so only the first, by position, is kept. Its message is the
 * parser's, without the "YAML " the reader puts before it (the rule id already says UMS-YAML).
 */
function firstSyntaxError(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort(compareFindings);
  // Duplicate keys are independent of each other (no one follows from another): each is kept.
  const duplicate = (f: Finding) => /^(YAML )?duplicate key/.test(f.message);
  const first = sorted.find((f) => !duplicate(f));
  return sorted
    .filter((f) => duplicate(f) || f === first)
    .map((f) => {
      const bare = f.message.replace(/^YAML /, '');
      return { ...f, message: bare === f.message ? bare : `${bare.charAt(0).toLowerCase()}${bare.slice(1)}` };
    });
}

function fromLoad(loaded: LoadResult, options: ValidateOptions): ValidationResult {
  return loaded.ok ? validateValue(loaded.value, loaded.source, options) : done(firstSyntaxError(loaded.findings));
}

/**
 * The fast path: the fast reader's value, if it has one and it validates with no finding at all
 * (no warning, no excepted warning), so every finding and position always comes from the
 * authoritative reader. Undefined sends the file to the authoritative reader.
 */
function validateClean(text: string, options: ValidateOptions): ValidationResult | undefined {
  if (options.fastPath === false) return undefined;
  const fast = fastLoad(text);
  if (!fast) return undefined;
  const result = validateValue(fast.value, NO_SOURCE, options);
  if (result.findings.length > 0 || result.suppressed) return undefined;
  return { ...result, source: deferredSourceMap(text) };
}

/** Validates YAML text. The value read (`value`, `document`) and `topology` are returned frozen. */
export function validateText(text: string, options: ValidateOptions = {}): ValidationResult {
  // Line breaks and the size of the structure are checked before either reader runs.
  const pre = precheckTopologyText(text);
  if (pre) return done(pre);
  return recordResult(validateClean(text, options) ?? fromLoad(loadTopologyText(text), options), options);
}

/**
 * Validates the raw bytes of a file (size, binary and encoding checks first), as validateText;
 * `size` is the file's size when `bytes` holds only its first bytes.
 */
export function validateBytes(bytes: Uint8Array, options: ValidateOptions = {}, size = bytes.length): ValidationResult {
  const decoded = decodeTopologyBytes(bytes, size);
  return decoded.ok ? validateText(decoded.text, options) : done(decoded.findings);
}

/** One finding as `FILE:LINE:COLUMN severity RULE-ID message`, the line the CLI and synthesis print. */
export function formatFinding(file: string, f: Finding): string {
  // Control characters from the file (a key name) or its name are escaped: one finding, one line.
  return `${printable(file)}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${printable(f.message)}`;
}
