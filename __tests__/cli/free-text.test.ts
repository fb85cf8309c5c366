/**
 * Every free-text field is text in every output: the database's single-host reason in the
 * Markdown report, names in the Mermaid diagram, and the schema pattern of the free-text fields
 * (no control, line-separator or bidirectional characters). Reproducers of what got through.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { run, tempDir } from '../helpers/cli';
import { checkObject, expectFinding, topology } from '../helpers/topology';
import { buildReport, mermaidText } from '../../core/reports/report';

const dir = tempDir('ums-ha-free-text-');
let n = 0;
const write = (doc: unknown) => {
  const file = path.join(dir, `t${n++}.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return file;
};
const single = (reason: string) => ({ engine: 'postgresql', host: 'db.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'single', singleHostReason: reason });
/** What may never reach a text output raw. */
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function parseMermaid(diagrams: string[]): Array<{ ok: boolean; error?: string }> {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 60000 });
  return JSON.parse(r.stdout);
}

describe('the single-host reason in the Markdown report', () => {
  it('"<!--" hides nothing: the verdict and every finding follow it', async () => {
    const file = write(topology({ database: single('Branch office <!-- reviewed 2026-11 by the DBA'), servers: 1 }));
    const r = await run('report', file);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('<!--');
    expect(r.stdout).toContain('Branch office &lt;!-- reviewed 2026-11 by the DBA');
    expect(r.stdout).toMatch(/## Findings\n\n- \*\*error\*\*/);
  });

  it.each([
    ['a line break that forges a heading', 'Branch office, accepted\n## Findings\nNone.'],
    ['a carriage return', 'Branch office, accepted\rby the DBA team'],
    ['NEL (U+0085)', 'Branch office, accepted\u0085## Findings'],
    ['a line separator (U+2028)', 'Branch office, accepted\u2028## Findings'],
    ['a right-to-left override', 'Branch office, accepted \u202eAD yb'],
    ['a C1 control (CSI)', 'Branch office, accepted \u009b31m by the DBA'],
  ])('%s is refused by the schema (UMS-SCHEMA at singleHostReason; a file with a line character is refused even before, as UMS-YAML)', (_name, reason) => {
    expect(expectFinding(checkObject(topology({ database: single(reason) })), 'UMS-SCHEMA', '/spec/database/singleHostReason').severity).toBe('error');
  });

  it.each([
    ['metadata.description', (s: string) => ({ ...topology(), metadata: { name: 'test-site', description: s } }), '/metadata/description'],
    ['an exception reason', (s: string) => topology({ exceptions: [{ id: 'UMS-LAYOUT-004', reason: `round-robin DNS for 8443 ${s} reviewed` }] }), '/spec/exceptions/0/reason'],
    ['a vSphere name', (s: string) => topology({ vsphere: { datacenter: `DC${s}1`, cluster: 'C1', datastore: 'ds', template: 'tpl' } }), '/spec/vsphere/datacenter'],
  ])('%s refuses line, C1 and bidirectional characters too', (_name, make, at) => {
    for (const c of ['\u0085', '\u2028', '\u2029', '\u202e', '\u2066', '\u200f', '\u009b']) expectFinding(checkObject(make(`x${c}y`)), 'UMS-SCHEMA', at);
  });
});

describe('names in the Mermaid diagram', () => {
  const hostile = ['a\nb', 'x %% comment', '%%{init: {"theme": "dark"}}%%', '<!-- hide', 'bidi \u202egnp.exe', 'c1 \u0085 nel', 'quote " end', '#quot; entity', 'end', 'a]; b[', '`md`', 'x\u2028y'];

  it('one escape for every label: the diagram parses, and nothing raw reaches it', () => {
    const diagrams = hostile.map((name) => {
      const r = checkObject(topology({ nodes: [{ name, roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] }));
      expect(r.topology).toBeDefined(); // refused by UMS-NET-004, yet the report is drawn
      const m = buildReport(r)!.mermaid;
      expect(m).not.toMatch(UNPRINTABLE);
      expect(m).not.toContain('%%');
      expect(m).not.toContain('<!--');
      expect(m.split('\n').filter((l) => l.includes('n0["'))).toHaveLength(1);
      return m;
    });
    expect(parseMermaid(diagrams).map((p) => p.ok)).toEqual(diagrams.map(() => true));
  });

  it('mermaidText escapes every character with a meaning and keeps plain names', () => {
    expect(mermaidText('berlin-small-ums1')).toBe('berlin-small-ums1');
    expect(mermaidText('10.30.0.0/16, 10.31.0.0/16')).toBe('10.30.0.0/16, 10.31.0.0/16');
    expect(mermaidText('a"b<c>d&e%f#g`h\n')).toBe('a#quot;b#60;c#62;d#38;e#37;f#35;g#96;h#92;n');
  });
});

describe('escaping never uncovers a hidden credential', () => {
  it('a credential-shaped metadata.name is hidden in the Mermaid labels too (hidden first, then escaped)', async () => {
    const file = write({ ...topology(), metadata: { name: 'Server=db;Pwd=Zqa000a0AA0a;' } });
    for (const format of ['markdown', 'json']) {
      const r = await run('report', file, '--format', format);
      expect(r.stdout).toContain('(value hidden)');
      expect(r.stdout + r.stderr).not.toContain('Zqa000a0AA0a');
    }
  });
});
