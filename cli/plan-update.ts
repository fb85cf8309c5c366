/** `ums-ha plan-update --from DEPLOYED --to PROPOSED`: the ordered update runbook. */
import * as path from 'node:path';
import type { UpdateMethod } from '../core/rules';
import { planUpdate, renderUpdateMarkdown } from '../core/reports/update';
import { formatFinding } from '../core/reader/validate';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
import { printFindings, readTopology } from '../core/reader/read';
import { printable, printableJson } from '../core/base/findings';

export interface PlanUpdateOptions {
  readonly from: string;
  readonly to: string;
  readonly method: UpdateMethod;
  readonly format: 'markdown' | 'json';
}

export function runPlanUpdate(o: PlanUpdateOptions, io: Io): number {
  const deployed = readTopology(o.from);
  const proposed = readTopology(o.to);
  for (const r of [deployed, proposed]) if ('problem' in r) io.stderr(`ums-ha: ${r.problem}\n`);
  if ('problem' in deployed || 'problem' in proposed) return EXIT_USAGE;
  let invalid = false;
  for (const [file, r] of [[o.from, deployed.result], [o.to, proposed.result]] as const) {
    if (!r.valid || !r.topology) {
      printFindings(file, r, io);
      io.stderr(`ums-ha: ${printable(file)} has errors: fix them before planning an update\n`);
      invalid = true;
    }
  }
  if (invalid) return EXIT_FINDINGS;
  // The proposed file's own warnings (UMS-SIZE-007 after a shrink...), as validate prints them.
  printFindings(o.to, proposed.result, io);
  if (path.dirname(path.resolve(o.from)) === path.dirname(path.resolve(o.to)) && deployed.result.topology!.name === proposed.result.topology!.name) {
    io.stderr(
      `ums-ha: warning: ${printable(o.from)} and ${printable(o.to)} are in one folder with one metadata.name: synthesis of that folder refuses both (UMS-NET-004); keep the deployed copy outside the topology folder, e.g. git show main:${printable(o.to)} > /tmp/deployed.yaml (docs/changing-a-site.md)\n`,
    );
  }
  const plan = planUpdate(deployed.result.topology!, proposed.result.topology!, o.method, proposed.result.source, { files: { from: o.from, to: o.to } });
  for (const f of plan.findings) io.stderr(`${formatFinding(o.to, f)}\n`);
  io.stdout(o.format === 'json' ? `${printableJson({ files: { from: o.from, to: o.to }, ...plan })}\n` : renderUpdateMarkdown(plan, { from: o.from, to: o.to }));
  return plan.kind === 'refused' ? EXIT_FINDINGS : EXIT_OK;
}
