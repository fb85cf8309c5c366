/** `ums-ha report FILE`: the sizing review of one topology, as Markdown (with Mermaid) or JSON. */
import { buildReport, renderReportMarkdown } from '../core/reports/report';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
import { printFindings, readTopology } from '../core/reader/read';
import { printable, printableJson } from '../core/base/findings';

export function runReport(file: string, options: { format: 'markdown' | 'json' }, io: Io): number {
  const read = readTopology(file);
  if ('problem' in read) {
    io.stderr(`ums-ha: ${read.problem}\n`);
    return EXIT_USAGE;
  }
  const report = buildReport(read.result);
  if (!report) {
    printFindings(file, read.result, io);
    // No value: the YAML itself could not be read (UMS-YAML); a value: it failed the schema.
    const why = read.result.value === undefined ? 'cannot be read as a YAML topology' : 'does not pass the schema';
    io.stderr(`ums-ha: ${printable(file)} ${why}: no sizing to report (fix the findings above)\n`);
    return EXIT_FINDINGS;
  }
  io.stdout(options.format === 'json' ? `${printableJson({ file, ...report })}\n` : renderReportMarkdown(report));
  return read.result.valid ? EXIT_OK : EXIT_FINDINGS;
}
