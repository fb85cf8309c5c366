import * as fs from 'node:fs';
import { formatFinding, validateBytes, type ValidationResult } from '../topology/validate';
import { describeFsError } from './inputs';
import type { Io } from './io';

/** Reads and validates one topology file; a read problem is one line for the user. */
export function readTopology(file: string): { result: ValidationResult } | { problem: string } {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) return { problem: `${file} is a directory: give one topology file` };
    bytes = fs.readFileSync(file);
  } catch (err) {
    return { problem: `cannot read ${file}: ${describeFsError(err)}` };
  }
  return { result: validateBytes(bytes) };
}

/** Prints a topology's findings as `validate` does, to stderr. */
export function printFindings(file: string, result: ValidationResult, io: Io): void {
  for (const f of result.findings) io.stderr(`${formatFinding(file, f)}\n`);
}
