import * as path from 'node:path';
import { compareFindings, type Finding } from '../base/findings';
import type { ValidationResult } from './result';

/** The rule of a topology name, or a VM name, given twice: its stack and its VMs would collide (UMS-NET-004). */
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
  const at = (res: ValidationResult, pointer = '/metadata/name') => res.source?.locate(pointer) ?? { line: 1, column: 1 };
  const first = new Map<string, T>();
  /** VM names (`<metadata.name>-<node>`) of the earlier files, by folder: `berlin` with node `small-ums1` is `berlin-small`'s ums1. */
  const vms = new Map<string, { readonly file: T; readonly name: string; readonly pointer: string }>();
  return results.map((r) => {
    const name = nameOf(r.result.value);
    if (name === undefined) return r;
    const folder = path.dirname(path.resolve(r.file));
    const key = `${folder}\0${name}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, r);
      const clashes: Finding[] = [];
      for (const node of r.result.topology?.nodes ?? []) {
        const pointer = node.pointer !== null ? `${node.pointer}/name` : '/metadata/name';
        const vmKey = `${folder}\0${node.vmName}`;
        const other = vms.get(vmKey);
        if (other === undefined) {
          vms.set(vmKey, { file: r, name: node.name, pointer });
          continue;
        }
        const there = at(other.file.result, other.pointer);
        const here = at(r.result, pointer);
        clashes.push({
          ruleId: DUPLICATE_NAME_RULE_ID,
          severity: 'error',
          message: `the VM name ${node.vmName} (metadata.name ${name}, node ${node.name}) is also a VM of ${other.file.file}:${there.line}:${there.column} (node ${other.name}): two VMs of one name collide in vCenter and in DNS; rename the node or the topology`,
          path: pointer,
          line: here.line,
          column: here.column,
        });
      }
      if (clashes.length === 0) return r;
      return { ...r, result: { ...r.result, valid: false, findings: [...r.result.findings, ...clashes].sort(compareFindings) } };
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
