/** `ums-ha validate`: checks each file and prints the findings in the chosen format. */
import type { FileResult } from './format/file-result';
import type { ValidateFormat } from './format/names';
import { expandInputs } from '../core/document/files';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
import { readTopology } from '../core/reader/read';
import { withDuplicateNames } from '../core/reader/duplicate-names';

export interface ValidateOptions {
  readonly format: ValidateFormat;
  /** Warnings fail too. */
  readonly strict?: boolean;
}

function formatter(format: ValidateFormat): (results: readonly FileResult[], options: { strict: boolean }) => string {
  switch (format) {
    case 'json':
      return require('./format/json').formatJson;
    case 'github':
      return require('./format/github').formatGithub;
    case 'sarif':
      return require('./format/sarif').formatSarif;
    default:
      return require('./format/text').formatText;
  }
}

/** Checks the files one by one and returns the exit code. */
export function runValidate(paths: readonly string[], options: ValidateOptions, io: Io): number {
  const { files, problems } = expandInputs(paths);
  const read: FileResult[] = [];
  for (const file of files) {
    const r = readTopology(file);
    if ('problem' in r) problems.push(r.problem);
    else read.push({ file, result: r.result });
  }
  // Two files with one metadata.name: an error here as in synthesis (UMS-NET-004).
  const results = withDuplicateNames(read);
  // A path that cannot be read is a usage error (exit 2), one line each on stderr; the files that
  // could be read are still checked and reported, so one bad entry hides no other file's findings.
  // With no file read at all, nothing goes to stdout (no summary of a check of nothing).
  for (const p of problems) io.stderr(`ums-ha: ${p}\n`);
  if (problems.length > 0 && results.length === 0) return EXIT_USAGE;
  const strict = options.strict === true;
  io.stdout(formatter(options.format)(results, { strict }));
  if (problems.length > 0) return EXIT_USAGE;
  const findings = results.flatMap((r) => r.result.findings);
  if (findings.some((f) => f.severity === 'error')) return EXIT_FINDINGS;
  if (strict && findings.length > 0) return EXIT_FINDINGS;
  return EXIT_OK;
}
