/**
 * The files beside a synthesized stack (cdktf.out/stacks/<stack>/): the sizing review and, with
 * external load balancing, the load balancer's configuration. The stacks write them at synthesis,
 * for the YAML app and for apps of one's own alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeExternalLoadBalancer } from '../configs/external-lb';
import type { ResolvedTopology } from '../model/model';
import { renderReportMarkdown, type SizingReport } from './report';

/** The file names, in the stack's folder. */
export const SIZING_REPORT_FILES = { markdown: 'sizing-report.md', json: 'sizing-report.json' } as const;

/** Writes sizing-report.md and sizing-report.json (the latter with `file` when the topology came from one) into `dir`. */
export function writeSizingReport(dir: string, report: SizingReport, file?: string): void {
  fs.writeFileSync(path.join(dir, SIZING_REPORT_FILES.markdown), renderReportMarkdown(report));
  fs.writeFileSync(path.join(dir, SIZING_REPORT_FILES.json), `${JSON.stringify({ ...(file !== undefined ? { file } : {}), ...report }, null, 2)}\n`);
}

/** Every file beside a stack: the sizing review, and the external load balancer's configuration (docs/external-load-balancer.md). */
export function writeStackFiles(dir: string, topology: ResolvedTopology, report: SizingReport, file?: string): void {
  writeSizingReport(dir, report, file);
  writeExternalLoadBalancer(dir, topology);
}
