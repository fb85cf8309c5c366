/**
 * The outputs kept as golden files (__tests__/golden/): the sizing report of every shipped example
 * and the update runbooks of the update fixtures. The test and `npm run golden` both call this, so
 * they cannot disagree about what is compared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReport, renderReportMarkdown } from './report';
import { planUpdate, renderUpdateMarkdown } from './update';
import { validateBytes } from '../reader/validate';

/** The update cases: deployed and proposed file (relative to the repository), and the method. */
export const GOLDEN_UPDATES = [
  { name: 'frankfurt-12.06-to-12.07-short', from: '__tests__/fixtures/update/frankfurt-12.06.yaml', to: 'topologies/frankfurt-large.yaml', method: 'short-downtime' },
  { name: 'frankfurt-12.06-to-12.07-no-downtime', from: '__tests__/fixtures/update/frankfurt-12.06.yaml', to: 'topologies/frankfurt-large.yaml', method: 'no-downtime' },
  { name: 'frankfurt-add-server', from: 'topologies/frankfurt-large.yaml', to: '__tests__/fixtures/update/grow/frankfurt-large.yaml', method: 'short-downtime' },
] as const;

export function goldenOutputs(root: string): Record<string, string> {
  const read = (rel: string) => validateBytes(fs.readFileSync(path.join(root, rel)));
  const out: Record<string, string> = {};
  const examples = fs.readdirSync(path.join(root, 'topologies')).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const f of examples) {
    const rel = `topologies/${f}`;
    const report = buildReport(read(rel));
    if (!report) continue;
    const base = f.replace(/\.ya?ml$/, '');
    out[`${base}.report.md`] = renderReportMarkdown(report);
    out[`${base}.report.json`] = `${JSON.stringify({ file: rel, ...report }, null, 2)}\n`;
  }
  for (const u of GOLDEN_UPDATES) {
    const from = read(u.from);
    const to = read(u.to);
    const plan = planUpdate(from.topology!, to.topology!, u.method, to.source, { files: { from: u.from, to: u.to } });
    out[`${u.name}.update.md`] = renderUpdateMarkdown(plan, { from: u.from, to: u.to });
    out[`${u.name}.update.json`] = `${JSON.stringify({ files: { from: u.from, to: u.to }, ...plan }, null, 2)}\n`;
  }
  return out;
}
