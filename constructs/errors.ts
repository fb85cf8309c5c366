import type { Finding } from '../core/base/findings';
import { formatFinding } from '../core/reader/validate';

/**
 * Thrown by UmsHaTopology before any resource exists when the topology has error findings.
 * Its message lists every error as the CLI prints it (`FILE:LINE:COLUMN error RULE-ID message`).
 */
export class UmsHaValidationError extends Error {
  /** Stable code for callers that catch it. */
  readonly code = 'UMS_HA_INVALID_TOPOLOGY';

  constructor(
    /** The construct path of the topology that was refused. */
    readonly scope: string,
    /** The error findings, by position. */
    readonly findings: readonly Finding[],
    lines: readonly string[],
  ) {
    super(`${scope}: the topology has ${findings.length} error${findings.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'UmsHaValidationError';
  }
}

/**
 * Where a finding is, as messages name it: `FILE:LINE:COLUMN` when the value came from a file
 * (a source map placed it), else `FILE#POINTER` with the JSON pointer of the value in the
 * topology object (`broken/topology#/spec/nodes/1/ip`); the rest as `ums-ha validate` prints it.
 */
export function formatConstructFinding(file: string, f: Finding): string {
  return f.line > 0 ? formatFinding(file, f) : `${file}#${f.path} ${f.severity} ${f.ruleId} ${f.message}`;
}
