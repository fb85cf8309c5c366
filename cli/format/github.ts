import { printable } from '../../core/base/findings';
import { summaryLine, type FileResult } from './file-result';

/** Escapes workflow command data (the message); other control characters (ESC) as in every text output. */
function escapeData(s: string): string {
  return printable(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** Escapes workflow command properties (file, title). */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=RULE::message`. */
export function formatGithub(results: readonly FileResult[], options: { strict: boolean }): string {
  const lines: string[] = [];
  for (const { file, result } of results) {
    for (const f of result.findings) {
      lines.push(
        `::${f.severity} file=${escapeProperty(file)},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}::${escapeData(`${f.message} (${f.path || '/'})`)}`,
      );
    }
  }
  lines.push(`ums-ha: ${summaryLine(results, options.strict)}`);
  return `${lines.join('\n')}\n`;
}
