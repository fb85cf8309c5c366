import { hideCredentials } from '../../core/document/credentials';
import { printableJson } from '../../core/base/findings';
import { summarize } from '../../core/model/model';
import type { FileResult } from './file-result';

/** Exactly one JSON document (shared/spec cli.md); `resolved` whenever the file passed the schema. */
export function formatJson(results: readonly FileResult[]): string {
  const files = results.map(({ file, result }) => ({
    file,
    valid: result.valid,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      path: f.path,
      line: f.line,
      column: f.column,
    })),
    ...(result.suppressed ? { suppressed: result.suppressed.map((s) => ({ ...s.finding, reason: s.reason })) } : {}),
    ...(result.topology ? { resolved: hideCredentials(summarize(result.topology), result.value) } : {}),
  }));
  return `${printableJson({ files })}\n`;
}
