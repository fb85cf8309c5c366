/**
 * The stages of the reader that core/reader/validate.ts runs in order, apart from those of the
 * document modules it calls directly (decode, text checks, the two readers, the schema) and the
 * resolver: the rule stages, spec.exceptions, the syntax-error rule, the result, and the record of
 * results by value.
 */
import { compareFindings, type Finding } from '../base/findings';
import type { UmsHaTopologyDocument } from '../document/generated/topology-types';
import type { SourceMap } from '../document/source';
import type { ResolvedTopology } from '../model/model';
import { documentRules, ruleMeta, type Report, type RuleMeta, type SynthesisRule, type TopologyRule } from '../rules';
import type { SuppressedFinding, ValidateOptions, ValidationResult } from './result';

function toFinding(rule: RuleMeta, report: Report, source: SourceMap): Finding {
  const pos = source.locate(report.path, { key: report.key === true });
  return { ruleId: rule.id, severity: rule.severity, message: report.message, path: report.path, line: pos.line, column: pos.column };
}

/** The document rules (on the value as read, before the schema): their findings, and the pointers they reported. */
export function checkDocumentRules(value: unknown, source: SourceMap): { findings: Finding[]; reported: Set<string> } {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const rule of documentRules) {
    for (const report of rule.check(value)) {
      findings.push(toFinding(rule, report, source));
      reported.add(report.path);
    }
  }
  return { findings, reported };
}

/** The findings of `rules` (design or synthesis rules) on a resolved topology. */
export function checkTopologyRules(rules: ReadonlyArray<TopologyRule | SynthesisRule>, document: UmsHaTopologyDocument, topology: ResolvedTopology, source: SourceMap): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const report of rule.check({ doc: document, topology })) findings.push(toFinding(rule, report, source));
  }
  return findings;
}

/**
 * Applies spec.exceptions: an accepted warning moves to `suppressed` with its reason; an exception
 * for an error is itself an error (UMS-EXC-001: errors refuse the design); an exception no finding
 * needs is a warning (UMS-EXC-002), so exceptions never outlive their reason silently.
 */
export function applyExceptions(doc: UmsHaTopologyDocument, findings: Finding[], source: SourceMap): { findings: Finding[]; suppressed: SuppressedFinding[] } {
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
  suppressed.sort((a, b) => compareFindings(a.finding, b.finding));
  return { findings: kept, suppressed };
}

/** The result: findings ordered by position, valid when none is an error. */
export function finish(findings: Finding[], rest: Omit<ValidationResult, 'valid' | 'findings'> = {}): ValidationResult {
  findings.sort(compareFindings);
  return { valid: !findings.some((f) => f.severity === 'error'), findings, ...rest };
}

/**
 * A YAML syntax error is one finding: the parser reports what follows from the first error too
 * (one tab gives "nested mappings are not allowed", "all mapping items must start at the same
 * column"... on every later line), so only the first, by position, is kept. Its message is the
 * parser's, without the "YAML " the reader puts before it (the rule id already says UMS-YAML).
 */
export function firstSyntaxError(findings: readonly Finding[]): Finding[] {
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

/**
 * What the reader returned for a file, by the value it read. Validating that value again with the
 * same source map and `synthesis` option (as UmsHaTopology does with what the cdktf app read)
 * returns the same result instead of running every rule twice. The value and the resolved topology
 * are frozen when recorded, so the result always describes the value as it is.
 */
const recorded = new WeakMap<object, { readonly source: SourceMap | undefined; readonly synthesis: boolean; readonly result: ValidationResult }>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** Records the result of a file by its value (frozen), for {@link recall}. */
export function record(result: ValidationResult, options: ValidateOptions): ValidationResult {
  const { value } = result;
  if (typeof value !== 'object' || value === null) return result;
  deepFreeze(value);
  deepFreeze(result.topology);
  recorded.set(value, { source: result.source, synthesis: options.synthesis === true, result });
  return result;
}

/** The recorded result of `value`, if it was read from a file with this source map and `synthesis` option. */
export function recall(value: unknown, source: SourceMap, options: ValidateOptions): ValidationResult | undefined {
  const memo = typeof value === 'object' && value !== null ? recorded.get(value) : undefined;
  return memo && memo.source === source && memo.synthesis === (options.synthesis === true) ? memo.result : undefined;
}
