/**
 * Every free-text field is text in every output (issue 23, point 6), under fuzzing: hostile text
 * (HTML comments, line breaks that forge headings, `%%` and directives, entity codes, bidi and C1
 * controls, annotation commands, backticks) in the single-host reason, the description, an
 * exception reason, a node name and the file's name, through validate (text, github, json, sarif),
 * the report (Markdown with its Mermaid block, JSON) and synthesis's lines. Oracles: nothing
 * unprintable reaches an output raw; the Markdown report has exactly the headings of a clean report
 * and no raw HTML comment; the Mermaid block has no `%%`, no `<!--` and as many lines as the same
 * topology with plain names; every github line is one annotation or the summary.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS / 3 cases (default 50); `npm run fuzz` more.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { synthesize } from '../../main';
import { run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';
import { CASE_MEGABYTES_LIMIT, CASE_SECONDS_LIMIT, ClassMeasure } from './measure';

const RUNS = Math.ceil(Number(process.env.UMS_HA_FUZZ_RUNS ?? 150) / 3);
const dir = tempDir('ums-ha-fuzz-text-');
const measure = new ClassMeasure('free text in every output');
afterAll(() => process.stdout.write(`fuzz ${measure.line()}\n`));

const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const piece = fc.constantFrom('<!--', '-->', '\n## Findings\nNone.\n', '\r', '%%', '%%{init: {"theme":"dark"}}%%', '#quot;', '"', '`', '<b>', '\u202e', '\u2066', '\u200f', '\u0085', '\u009b31m', '\u2028', '\n::error file=forged,line=1::x', '|', '[x](y)', 'end', ']', '#', '&amp;', 'ok');
const hostile = fc.array(piece, { minLength: 1, maxLength: 6 }).map((ps) => `reviewed by the board ${ps.join(' ')}`);
const field = fc.constantFrom('singleHostReason', 'description', 'exceptionReason', 'nodeName', 'fileName');

function docWith(where: string, text: string, plain = false): Record<string, unknown> {
  const t = topology() as unknown as { metadata: Record<string, unknown>; spec: Record<string, any> };
  const value = plain ? 'reviewed by the architecture board in 2026' : text;
  if (where === 'singleHostReason') Object.assign(t.spec.database, { redundancy: 'single', singleHostReason: value });
  if (where === 'description') t.metadata.description = value;
  if (where === 'exceptionReason') t.spec.exceptions = [{ id: 'UMS-LAYOUT-004', reason: value }];
  if (where === 'nodeName') t.spec.nodes = [{ name: plain ? 'ums1' : text, roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }];
  return t;
}

const headings = (md: string) => md.split('\n').filter((l) => /^#{1,6} /.test(l));
const mermaidOf = (md: string) => /```mermaid\n([\s\S]*?)```/.exec(md)?.[1] ?? '';

describe(`free text under fuzzing (${RUNS} cases)`, () => {
  it('hostile text in any free-text field or the file name is text in every output', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostile, field, async (text, where) => {
        const folder = path.join(dir, `c${n++}`);
        fs.mkdirSync(folder);
        const name = where === 'fileName' ? `${text.replace(/\//g, '_')}.yaml` : 'site.yaml';
        const file = path.join(folder, name);
        const yaml = stringify(docWith(where, text));
        fs.writeFileSync(file, yaml);
        const plainFile = path.join(folder, 'plain.yml');
        fs.writeFileSync(plainFile, stringify({ ...docWith(where, text, true), metadata: { name: 'plain-site' } }));
        await measure.runAsync(
          Buffer.byteLength(yaml),
          async () => {
            for (const format of ['text', 'github', 'json', 'sarif']) {
              const r = await run('validate', file, '--format', format);
              expect(r.stdout).not.toMatch(UNPRINTABLE);
              expect(r.stderr).not.toMatch(UNPRINTABLE);
              if (format === 'github') for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^(::(error|warning|notice) file=[^\n]*|(ums-ha: )?\d+ files? checked.*)$/);
            }
            const report = await run('report', file);
            const reference = await run('report', plainFile);
            if (report.stdout !== '') {
              expect(report.stdout).not.toMatch(UNPRINTABLE);
              expect(report.stdout).not.toContain('<!--');
              // The headings of a clean report (the verdict may add none; Accepted exceptions may differ).
              const own = headings(report.stdout).filter((h) => h !== '## Accepted exceptions');
              expect(own.slice(1)).toEqual(headings(reference.stdout).filter((h) => h !== '## Accepted exceptions').slice(1));
              const m = mermaidOf(report.stdout);
              expect(m).not.toContain('%%');
              expect(m).not.toContain('<!--');
              expect(m.split('\n')).toHaveLength(mermaidOf(reference.stdout).split('\n').length);
            }
            const json = await run('report', file, '--format', 'json');
            expect(json.stdout).not.toMatch(UNPRINTABLE);
            const lines: string[] = [];
            synthesize({ topologyDir: folder, outdir: path.join(folder, 'out'), log: (l) => lines.push(l) });
            for (const l of lines) {
              expect(l).not.toMatch(UNPRINTABLE);
              expect(l).not.toMatch(/^::/);
            }
          },
          () => false,
        );
        fs.rmSync(folder, { recursive: true, force: true });
      }),
      { numRuns: RUNS },
    );
    expect(measure.slowestMs).toBeLessThan(CASE_SECONDS_LIMIT * 1000 * 4); // four outputs and a synthesis per case
    expect(measure.mostMegabytes).toBeLessThan(CASE_MEGABYTES_LIMIT);
  });
});
