/** `ums-ha plan-update --from DEPLOYED --to PROPOSED`: the ordered update runbook. */
import type { UpdateMethod } from '../topology/rules';
import { planUpdate, renderUpdateMarkdown } from '../topology/update';
import { formatFinding } from '../topology/validate';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
import { printFindings, readTopology } from '../topology/read';
import { printable, printableJson } from '../topology/findings';

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
  const plan = planUpdate(deployed.result.topology!, proposed.result.topology!, o.method, proposed.result.source);
  for (const f of plan.findings) io.stderr(`${formatFinding(o.to, f)}\n`);
  io.stdout(o.format === 'json' ? `${printableJson({ files: { from: o.from, to: o.to }, ...plan })}\n` : renderUpdateMarkdown(plan, { from: o.from, to: o.to }));
  return plan.kind === 'refused' ? EXIT_FINDINGS : EXIT_OK;
}
