/**
 * Every finding of a file carries a real position: a line of the file and a column of that line
 * (or the document's first line, with the reason in the message). Never 0:0, which becomes
 * `::error line=0,col=0` in GitHub format, and never a line after the last one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { Finding } from '../../core/base/findings';
import { validateText } from '../../core/reader/validate';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-positions-');
const example = fs.readFileSync(path.join(repoRoot, 'topologies', 'frankfurt-large.yaml'), 'utf8');

/** The finding's position is in the text: a line that exists, a column within it or just after its end. */
function expectInText(text: string, f: Finding): void {
  const lines = text.split('\n');
  const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
  const where = `${f.line}:${f.column} ${f.ruleId} ${f.message} in ${JSON.stringify(text.length > 200 ? `...${text.slice(-200)}` : text)}`;
  if (!(f.line >= 1 && f.line <= Math.max(1, count))) throw new Error(`line out of the file (${count} lines): ${where}`);
  const length = (lines[f.line - 1] ?? '').replace(/\r$/, '').length;
  if (!(f.column >= 1 && f.column <= length + 1)) throw new Error(`column out of line ${f.line} (${length} characters): ${where}`);
}

describe('finding positions', () => {
  it('UMS-NET-004 points at both names when the other file fails the schema (no 0:0, no line=0 in GitHub format)', async () => {
    const folder = path.join(dir, 'net-004');
    fs.mkdirSync(folder);
    const broken = topology({ devices: 'many' });
    const good = topology();
    fs.writeFileSync(path.join(folder, 'a.yaml'), stringify(broken));
    fs.writeFileSync(path.join(folder, 'b.yaml'), `# the same site\n${stringify(good)}`);
    const text = await run('validate', folder);
    expect(text.code).toBe(1);
    const line = text.stdout.split('\n').find((l) => l.includes('UMS-NET-004'))!;
    expect(line).toMatch(new RegExp(`b\\.yaml:5:9 error UMS-NET-004 metadata\\.name ${good.metadata.name} is also the name of .*a\\.yaml:4:9:`));
    expect(text.stdout).not.toMatch(/:0:0/);
    const github = await run('validate', '--format', 'github', folder);
    expect(github.stdout).toContain('UMS-NET-004');
    expect(github.stdout).not.toMatch(/line=0|col=0/);
    // The other order: the file that fails the schema is the second one.
    fs.renameSync(path.join(folder, 'a.yaml'), path.join(folder, 'c.yaml'));
    const swapped = await run('validate', '--format', 'github', folder);
    expect(swapped.stdout).toMatch(/::error file=.*c\.yaml,line=4,col=9,.*UMS-NET-004/);
    expect(swapped.stdout).not.toMatch(/line=0|col=0/);
  });

  it('an unclosed [ is reported where it opens, on a line of the file', () => {
    const text = 'apiVersion: ums-ha/v1\nkind: UmsHaTopology\nmetadata:\n  name: x\nspec:\n  devices: 100\n  deviceOs: [os11, os12\n';
    expect(text.split('\n')).toHaveLength(8); // 7 lines and the final line break
    const [f, ...rest] = validateText(text).findings;
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'UMS-YAML', line: 7, column: 13 });
    expect(f!.message).toMatch(/end with a \]: this \[ is never closed$/);
    expect(validateText('a: {b: 1\n').findings[0]).toMatchObject({ line: 1, column: 4, message: expect.stringContaining('this { is never closed') });
    expect(validateText('a: "abc\nb: 1\n').findings[0]).toMatchObject({ line: 1, column: 4, message: expect.stringContaining('this " is never closed') });
  });

  it('report on a YAML syntax error says the file cannot be read as YAML, not that it fails the schema', async () => {
    const file = path.join(dir, 'syntax.yaml');
    fs.writeFileSync(file, 'apiVersion: ums-ha/v1\nkind: [\n');
    const r = await run('report', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2:7 error UMS-YAML`);
    expect(r.stderr).toContain(`ums-ha: ${file} cannot be read as a YAML topology: no sizing to report`);
    expect(r.stderr).not.toContain('schema');
    const schema = path.join(dir, 'schema.yaml');
    fs.writeFileSync(schema, stringify(topology({ devices: 'many' })));
    expect((await run('report', schema)).stderr).toContain(`ums-ha: ${schema} does not pass the schema: no sizing to report`);
  });

  it('every finding of a broken file is on a line of it: the example cut at every 23rd character, with and without an open [ or {', () => {
    let checked = 0;
    for (let k = 0; k <= example.length; k += 23) {
      for (const tail of ['', '\n', ' [a, b\n', '\n  x: {y: 1\n', ' "open\n']) {
        const text = example.slice(0, k) + tail;
        for (const f of validateText(text, { fastPath: false }).findings) {
          expectInText(text, f);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
