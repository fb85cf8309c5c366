/**
 * Fuzzing the file-system classes of issue 23 (points 1 and 2), each with a generator of the
 * attack's shape and an oracle:
 * - links: chains of symbolic links (absolute, relative, `..` and `.` segments, links to links)
 *   from a topology folder into it or out of it; nothing of a file outside the folder is ever
 *   printed, every link that leaves is one line, every file inside is checked;
 * - output folders: an existing output folder with state-like files, foreign files, someone's
 *   manifest, kept and stale stacks, then a run with removed, renamed and mistyped topologies; no
 *   state-like file is ever lost, and a folder that is not ums-ha's is refused untouched.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS cases per property (default 150; the output folders, which
 * synthesize, a tenth); `npm run fuzz` more.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';
import { synthesize } from '../../main';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const SYNTH_RUNS = Math.max(8, Math.ceil(RUNS / 10));
const dir = tempDir('ums-ha-fuzz-fs-');
const MARK = 'hunter2';
let cases = 0;
let slowest = 0;

const named = (name: string) => stringify({ ...topology(), metadata: { name } });

/** One hop of a chain: where the link is and how it names its target. */
type Hop = { where: 'in' | 'out'; style: 'absolute' | 'relative' | 'dotdot' };

describe(`file-system classes under fuzzing (${RUNS} link cases, ${SYNTH_RUNS} output folder cases)`, () => {
  afterAll(() => process.stdout.write(`fuzz filesystem: ${cases} cases, slowest ${slowest} ms\n`));

  it('links: nothing outside the folder is read; one line per link that leaves; files inside are checked', async () => {
    let k = 0;
    const hop = fc.record({ where: fc.constantFrom<'in' | 'out'>('in', 'out'), style: fc.constantFrom<'absolute' | 'relative' | 'dotdot'>('absolute', 'relative', 'dotdot') });
    const chain = fc.record({ hops: fc.array(hop, { minLength: 0, maxLength: 4 }), end: fc.constantFrom<'in' | 'out'>('in', 'out') });
    await fc.assert(
      fc.asyncProperty(fc.array(chain, { minLength: 1, maxLength: 5 }), async (chains) => {
        const root = path.join(dir, `l${k++}`);
        const t = path.join(root, 't');
        const o = path.join(root, 'o');
        fs.mkdirSync(t, { recursive: true });
        fs.mkdirSync(o);
        let expectedOut = 0;
        let expectedIn = 0;
        chains.forEach((c, i) => {
          // The file at the end of the chain: a topology inside, a file of secrets outside.
          const endDir = c.end === 'in' ? t : o;
          const endFile = path.join(endDir, `end-${i}.txt`);
          fs.writeFileSync(endFile, c.end === 'in' ? named(`site-${i}`) : `${MARK}-${i}: ${MARK}\nkind: ${MARK}-kind\n`);
          // Build the chain backwards: each hop is a link (outside the *.yaml names) to the next.
          let next = endFile;
          c.hops.forEach((h, j) => {
            const linkDir = h.where === 'in' ? t : o;
            const link = path.join(linkDir, `.hop-${i}-${j}`);
            const rel = path.relative(linkDir, next);
            const target = h.style === 'absolute' ? next : h.style === 'relative' ? rel : path.join('..', path.basename(linkDir), '.', rel);
            fs.symlinkSync(target, link);
            next = link;
          });
          const entry = path.join(t, `e${i}.yaml`);
          fs.symlinkSync(i % 2 === 0 ? next : path.relative(t, next), entry);
          if (c.end === 'out') expectedOut++;
          else expectedIn++;
        });
        const started = Date.now();
        const r = await run('validate', t, '--format', 'json');
        slowest = Math.max(slowest, Date.now() - started);
        cases++;
        // Nothing of the files outside, whatever the chain.
        expect(r.stdout + r.stderr).not.toContain(MARK);
        const refused = r.stderr === '' ? [] : r.stderr.trimEnd().split('\n');
        expect(refused).toHaveLength(expectedOut);
        for (const line of refused) expect(line).toMatch(/is a symbolic link that leads outside .*: not read/);
        if (expectedIn > 0) expect((JSON.parse(r.stdout) as { files: unknown[] }).files).toHaveLength(expectedIn);
        expect(r.code).toBe(expectedOut > 0 ? 2 : 0);
        fs.rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: RUNS },
    );
  });

  it('output folders: no state-like file is ever lost; a folder that is not ums-ha output is refused untouched', () => {
    let k = 0;
    const stateFile = fc.constantFrom('terraform.tfstate', 'terraform.tfstate.backup', 'x.tfplan', 'plan', '.terraform/providers/p', 'probe/.terraform/x', 'errored.tfstate');
    const stackFolder = fc.record({
      name: fc.constantFrom('alpha', 'beta', 'gamma', 'delta'),
      ours: fc.boolean(), // cdk.tf.json and the sizing report, as ums-ha writes them
      state: fc.array(stateFile, { maxLength: 3 }),
      other: fc.boolean(), // a file of someone's
    });
    const before = fc.record({
      stacks: fc.uniqueArray(stackFolder, { maxLength: 4, selector: (s) => s.name }),
      foreignTop: fc.boolean(), // a file of someone's beside the output
      theirManifest: fc.boolean(),
    });
    // This run's topologies: each of alpha..delta absent, present, mistyped, or renamed.
    const topologies = fc.array(fc.constantFrom('absent', 'present', 'typo', 'renamed'), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(before, topologies, fc.boolean(), (b, tops, marked) => {
        const root = path.join(dir, `o${k++}`);
        const out = path.join(root, 'out');
        const t = path.join(root, 't');
        fs.mkdirSync(path.join(out, 'stacks'), { recursive: true });
        fs.mkdirSync(t);
        const states = new Map<string, string>();
        for (const s of b.stacks) {
          const folder = path.join(out, 'stacks', s.name);
          fs.mkdirSync(folder);
          if (s.ours) {
            fs.writeFileSync(path.join(folder, 'cdk.tf.json'), '{}');
            fs.writeFileSync(path.join(folder, 'sizing-report.json'), '{}');
          }
          if (s.other) fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
          s.state.forEach((f, i) => {
            const p = path.join(folder, f);
            fs.mkdirSync(path.dirname(p), { recursive: true });
            const content = `state ${s.name} ${i} ${f}`;
            if (!fs.existsSync(p)) {
              fs.writeFileSync(p, content);
              states.set(content, f);
            }
          });
        }
        if (b.foreignTop) fs.writeFileSync(path.join(out, 'todo.txt'), 'mine');
        if (b.theirManifest) fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { theirs: {} } }));
        if (marked) fs.writeFileSync(path.join(out, '.ums-ha-output.json'), JSON.stringify({ writtenBy: 'ums-ha', stacks: {} }));
        const names = ['alpha', 'beta', 'gamma', 'delta'];
        tops.forEach((mode, i) => {
          const name = names[i] as string;
          if (mode === 'absent') return;
          const text = named(mode === 'renamed' ? `${name}-two` : name);
          fs.writeFileSync(path.join(t, `${name}.yaml`), mode === 'typo' ? text.replace('devices:', 'devcies:') : text);
        });
        if (fs.readdirSync(t).length === 0) fs.writeFileSync(path.join(t, 'zeta.yaml'), named('zeta'));
        const treeBefore = snapshot(out);
        const started = Date.now();
        const r = synthesize({ topologyDir: t, outdir: out, log: () => {} });
        slowest = Math.max(slowest, Date.now() - started);
        cases++;
        // Whose folder is it? Ours when marked, or (an earlier version) with only our stack folders and no foreign entry.
        const foreign = b.foreignTop || (!marked && (b.stacks.some((s) => !s.ours) || (b.theirManifest && b.stacks.length === 0)));
        if (foreign) {
          expect(r.code).toBe(2);
          expect(snapshot(out)).toEqual(treeBefore);
        } else expect(r.code).not.toBe(2);
        // Every state-like file is still there, whole, somewhere in the output folder.
        const after = new Set(Object.values(snapshot(out)));
        for (const content of states.keys()) expect({ content, kept: after.has(content) }).toEqual({ content, kept: true });
        fs.rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: SYNTH_RUNS },
    );
  }, 600_000);
});

/** Every file below a folder, relative path -> content. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(folder, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(folder)) walk(folder);
  return out;
}
