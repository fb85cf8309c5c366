import type { ValidationResult } from '../../core/reader/validate';

/** One checked file, as the formatters receive it. */
export interface FileResult {
  /** The path as the user gave it (or as a directory expanded to). */
  readonly file: string;
  readonly result: ValidationResult;
}

/** Errors and warnings over all files. */
export function count(results: readonly FileResult[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const r of results) for (const f of r.result.findings) f.severity === 'error' ? errors++ : warnings++;
  return { errors, warnings };
}

export function summaryLine(results: readonly FileResult[], strict: boolean): string {
  const { errors, warnings } = count(results);
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const excepted = results.reduce((a, r) => a + (r.result.suppressed?.length ?? 0), 0);
  const tail = `${excepted > 0 ? `, ${excepted} excepted` : ''}${strict && warnings > 0 ? ' (--strict: warnings fail)' : ''}`;
  return `${n(results.length, 'file')} checked: ${n(errors, 'error')}, ${n(warnings, 'warning')}${tail}`;
}
