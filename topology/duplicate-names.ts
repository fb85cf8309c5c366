import * as path from 'node:path';
import { compareFindings, type Finding } from './findings';
import type { ValidationResult } from './validate';

/** The rule of a topology name given twice: its stack and its VMs would collide (UMS-NET-004). */
export const DUPLICATE_NAME_RULE_ID = 'UMS-NET-004';

/** metadata.name as a file holds it, when it is a name at all (the schema checks the rest). */
function nameOf(value: unknown): string | undefined {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * Two files of one folder (what synthesis reads together: UMS_TOPOLOGY_DIR) with one
 * `metadata.name`: the second and every later one gets an error at its name, which gives the
 * first one's position. `validate` (for the files it checks, folder by folder, however they were
 * named: a directory, a shell glob, single files) and the cdktf app both add these findings, so
 * they agree on a folder. Files of different folders may share a name (a deployed and a proposed
 * version of one site, kept apart). Returns the results with the findings added.
 */
export function withDuplicateNames<T extends { readonly file: string; readonly result: ValidationResult }>(results: readonly T[]): T[] {
  // Positions only for a name that is given twice: locating one makes a clean file's deferred
  // source map read the file with the authoritative reader (source.ts), which the fast path avoids.
  // A file read as YAML always has its source map; the document's first line is the fallback.
  const at = (res: ValidationResult) => res.source?.locate('/metadata/name') ?? { line: 1, column: 1 };
  const first = new Map<string, T>();
  return results.map((r) => {
    const name = nameOf(r.result.value);
    if (name === undefined) return r;
    const key = `${path.dirname(path.resolve(r.file))}\0${name}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, r);
      return r;
    }
    const other = at(earlier.result);
    const pos = at(r.result);
    const finding: Finding = {
      ruleId: DUPLICATE_NAME_RULE_ID,
      severity: 'error',
      message: `metadata.name ${name} is also the name of ${earlier.file}:${other.line}:${other.column}: every topology needs its own name (it names the stack and every VM)`,
      path: '/metadata/name',
      line: pos.line,
      column: pos.column,
    };
    return { ...r, result: { ...r.result, valid: false, findings: [...r.result.findings, finding].sort(compareFindings) } };
  });
}
