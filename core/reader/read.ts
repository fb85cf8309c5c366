import { formatFinding, readInput, type ValidateOptions, type ValidationResult } from './validate';
import { linkProblem, readBounded } from '../document/files';
import { MAX_FILE_BYTES } from '../document/source';

/** Where findings are printed (the CLI's streams, or a buffer in tests). */
export interface FindingSink {
  stderr(text: string): void;
}

/**
 * Reads one topology file for every caller (the CLI's commands and the cdktf app alike) and hands
 * its bytes to the reader entry (readInput, core/reader/validate.ts); a read problem is one line
 * for the user. Only a regular file is read (a FIFO, a device or a socket is refused without
 * reading), and at most MAX_FILE_BYTES + 1 bytes of it: a larger file is refused with its size. A
 * symbolic link is followed only inside the folder that holds it (core/document/files.ts,
 * linkProblem).
 */
export function readTopology(file: string, options: ValidateOptions = {}): { result: ValidationResult } | { problem: string } {
  const link = linkProblem(file);
  if (link !== undefined) return { problem: link };
  const read = readBounded(file, MAX_FILE_BYTES);
  if ('problem' in read) return read;
  return { result: readInput({ bytes: read.bytes, size: read.size }, options) };
}

/** Prints a topology's findings as `validate` does, to stderr. */
export function printFindings(file: string, result: ValidationResult, io: FindingSink): void {
  for (const f of result.findings) io.stderr(`${formatFinding(file, f)}\n`);
}
