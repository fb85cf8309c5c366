import * as fs from 'node:fs';
import { formatFinding, validateBytes, type ValidateOptions, type ValidationResult } from './validate';
import { describeFsError } from './files';

/** Where findings are printed (the CLI's streams, or a buffer in tests). */
export interface FindingSink {
  stderr(text: string): void;
}

/**
 * The one reader entry of the core: reads and validates one topology file for every caller (the
 * CLI's commands and the cdktf app alike); a read problem is one line for the user.
 */
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
export function printFindings(file: string, result: ValidationResult, io: FindingSink): void {
  for (const f of result.findings) io.stderr(`${formatFinding(file, f)}\n`);
}
