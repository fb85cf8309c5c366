import { formatFinding } from '../../core/reader/validate';
import { summaryLine, type FileResult } from './file-result';

/** `FILE:LINE:COLUMN severity RULE-ID message`, one line per finding, then a summary. */
export function formatText(results: readonly FileResult[], options: { strict: boolean }): string {
  const lines: string[] = [];
  for (const { file, result } of results) {
    for (const f of result.findings) lines.push(formatFinding(file, f));
  }
  lines.push(summaryLine(results, options.strict));
  return `${lines.join('\n')}\n`;
}
