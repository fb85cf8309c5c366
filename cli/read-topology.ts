import * as fs from 'node:fs';
import { formatFinding, validateBytes, type ValidateOptions, type ValidationResult } from '../topology/validate';
import { describeFsError } from './inputs';
import type { Io } from './io';

/** Reads and validates one topology file (the CLI's commands, the cdktf app); a read problem is one line for the user. */
export function readTopology(file: string, options: ValidateOptions = {}): { result: ValidationResult } | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return { problem: `${file} is a directory: give one topology file` };
    return { problem: `cannot read ${file}: ${describeFsError(err)}` };
  }
  return { result: validateBytes(bytes, options) };
}

/** Prints a topology's findings as `validate` does, to stderr. */
export function printFindings(file: string, result: ValidationResult, io: Io): void {
  for (const f of result.findings) io.stderr(`${formatFinding(file, f)}\n`);
}
