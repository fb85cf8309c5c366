import type { Finding } from '../topology/findings';

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
