/** `ums-ha report FILE`: the sizing review of one topology, as Markdown (with Mermaid) or JSON. */
import { buildReport, renderReportMarkdown } from '../topology/report';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
import { printFindings, readTopology } from '../topology/read';
import { printable, printableJson } from '../topology/findings';

export function runReport(file: string, options: { format: 'markdown' | 'json' }, io: Io): number {
  const read = readTopology(file);
  if ('problem' in read) {
    io.stderr(`ums-ha: ${read.problem}\n`);
    return EXIT_USAGE;
  }
  const report = buildReport(read.result);
  if (!report) {
    printFindings(file, read.result, io);
    io.stderr(`ums-ha: ${printable(file)} does not pass the schema: no sizing to report (fix the findings above)\n`);
    return EXIT_FINDINGS;
  }
  io.stdout(options.format === 'json' ? `${printableJson({ file, ...report })}\n` : renderReportMarkdown(report));
  return read.result.valid ? EXIT_OK : EXIT_FINDINGS;
}
