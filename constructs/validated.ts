import { Annotations } from 'cdktf';
import type { Construct } from 'constructs';
import type { UmsHaTopologyDocument } from '../core/document/generated/topology-types';
import type { ResolvedTopology } from '../core/model/model';
import { buildReport, type SizingReport } from '../core/reports/report';
import { stackPlatformReports, stackPlatformRule } from '../core/rules/plat';
import { NO_SOURCE, type SourceMap } from '../core/document/source';
import { readInput, type ValidationResult } from '../core/reader/validate';
import { formatConstructFinding, UmsHaValidationError } from './errors';

/** A topology that passed validation, as every topology construct (vSphere, AWS) starts from it. */
export interface ValidatedTopology {
  readonly result: ValidationResult;
  readonly topology: ResolvedTopology;
  /** The sizing review, built on first use. */
  readonly report: () => SizingReport;
}

/**
 * The validation every topology construct runs first, with the same rules and messages as
 * `ums-ha validate`, plus UMS-PLAT-005 for a topology of another platform than `builds` (the
 * platform of the construct's class): an error finding throws {@link UmsHaValidationError} before
 * any resource exists, after removing the construct from its scope (a caller that catches the
 * error synthesizes nothing of it); warnings become annotations of the construct.
 */
export function validateForConstruct(
  construct: Construct,
  scope: Construct,
  id: string,
  props: { readonly topology: UmsHaTopologyDocument; readonly sourceFile?: string; readonly sourceMap?: SourceMap },
  builds: string,
): ValidatedTopology {
  const file = props.sourceFile ?? construct.node.path;
  const source = props.sourceMap ?? NO_SOURCE;
  // The one reader entry (core/reader/validate.ts), with a value: the pipeline from the document
  // stage on, or the result the file's read already gave for this value and source map.
  const result = readInput({ value: props.topology, source }, { synthesis: true });
  const wrongClass = result.topology ? stackPlatformReports(result.topology, builds) : [];
  const errors = [
    ...wrongClass.map((r) => ({ ruleId: stackPlatformRule.id, severity: stackPlatformRule.severity, message: r.message, path: r.path, ...source.locate(r.path) })),
    ...result.findings.filter((f) => f.severity === 'error'),
  ];
  if (errors.length > 0 || !result.topology) {
    const error = new UmsHaValidationError(construct.node.path, errors, errors.map((f) => formatConstructFinding(file, f)));
    scope.node.tryRemoveChild(id);
    throw error;
  }
  for (const warning of result.findings) Annotations.of(construct).addWarning(formatConstructFinding(file, warning));
  let sizing: SizingReport | undefined;
  return { result, topology: result.topology, report: () => (sizing ??= buildReport(result)!) }; // defined: the topology resolved
}
