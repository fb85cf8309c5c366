/**
 * What validates, synthesizes; and what does not synthesize never stops the others. Each topology
 * here passed `validate` before and then stopped synthesis with a stack trace, taking every other
 * stack of the run with it. Now validate refuses it with a rule id, synthesis refuses it with the
 * same finding, and the other topologies are written. A failure no rule foresaw (a stack that throws
 * while it is built or synthesized) leaves out that stack alone, with one line.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { stringify } from 'yaml';
import { constructIsolated, isolateStackSynthesis } from '../../app/isolate';
import { synthesize } from '../../main';
import { run, tempDir } from '../helpers/cli';
import { awsTopology, topology } from '../helpers/topology';

const dir = tempDir('ums-ha-hostile-synth-');
let n = 0;
const named = <T extends { metadata: { name: string } }>(doc: T, name: string): T => ({ ...doc, metadata: { ...doc.metadata, name } });
const key = (i: number, bytes: number) => {
  const parts: Buffer[] = [];
  for (let j = 0; parts.length * 32 < bytes; j++) parts.push(crypto.createHash('sha256').update(`${i}-${j}`).digest());
  return `ssh-rsa ${Buffer.concat(parts).subarray(0, bytes).toString('base64')} ops${i}@example.internal`;
};

function folder(files: Record<string, unknown>): { topologies: string; outdir: string } {
  const root = path.join(dir, `w${n++}`);
  const topologies = path.join(root, 'topologies');
  fs.mkdirSync(topologies, { recursive: true });
  for (const [name, doc] of Object.entries(files)) fs.writeFileSync(path.join(topologies, name), stringify(doc));
  return { topologies, outdir: path.join(root, 'cdktf.out') };
}

const cases: Array<[string, unknown, string]> = [
  ['nine RSA-4096 keys on aws (user data over 16,384 bytes gzipped)', named(awsTopology({}, { adminSshKeys: Array.from({ length: 9 }, (_, i) => key(i, 535)) }), 'bad'), 'UMS-PLAT-002'],
  ['long keys on vsphere (guestinfo.userdata over 65,536 bytes)', named(topology({}, { adminSshKeys: Array.from({ length: 6 }, (_, i) => key(i, 8000)) }), 'bad'), 'UMS-PLAT-002'],
  ['a list token as the datacenter', named(topology({ vsphere: { datacenter: '#{TfToken[TOKEN.1]}', cluster: 'C1', datastore: 'ds', template: 'tpl' } }), 'bad'), 'UMS-PLAT-003'],
  ['a node name starting with a digit', named(topology({ nodes: [{ name: '1ums', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] }), 'bad'), 'UMS-PLAT-004'],
  ['a reserved variable name', named(topology({ networkToken: { mode: 'create', variable: 'count' } }), 'bad'), 'UMS-PLAT-004'],
  ['an admin network with host bits on aws', named(awsTopology({}, { adminCidrs: ['10.40.0.77/8'] }), 'bad'), 'UMS-NET-005'],
];

describe('what validates, synthesizes', () => {
  it.each(cases)('%s: validate refuses it with its rule id; synthesis refuses it and writes the others', async (_name, bad, ruleId) => {
    const w = folder({ 'bad.yaml': bad, 'good.yaml': named(topology(), 'good') });
    const v = await run('validate', path.join(w.topologies, 'bad.yaml'), '--format', 'json');
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain(ruleId);
    const lines: string[] = [];
    const result = synthesize({ topologyDir: w.topologies, outdir: w.outdir, log: (l) => lines.push(l) });
    expect(result.code).toBe(1);
    expect(result.stacks).toEqual(['good']);
    expect(fs.existsSync(path.join(w.outdir, 'stacks', 'good', 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(w.outdir, 'stacks', 'bad'))).toBe(false);
    expect(lines.some((l) => l.includes(ruleId))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('two topologies of one folder that create one VM name: the later file is refused at its node (UMS-NET-004), in validate and synthesis alike', async () => {
    const berlin = named(topology({ nodes: [{ name: 'small-ums1', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] }), 'berlin');
    const small = named(topology({}, { firstAddress: '10.20.0.51' }), 'berlin-small');
    const w = folder({ 'a-berlin-small.yaml': small, 'b-berlin.yaml': berlin });
    const v = await run('validate', w.topologies, '--format', 'json');
    expect(v.code).toBe(1);
    const files = JSON.parse(v.stdout).files as Array<{ file: string; findings: Array<{ ruleId: string; path: string; message: string }> }>;
    const hit = files.find((f) => f.file.endsWith('b-berlin.yaml'))!.findings.find((f) => f.ruleId === 'UMS-NET-004')!;
    expect(hit.path).toBe('/spec/nodes/0/name');
    expect(hit.message).toContain('berlin-small-ums1');
    expect(files.find((f) => f.file.endsWith('a-berlin-small.yaml'))!.findings.filter((f) => f.ruleId === 'UMS-NET-004')).toEqual([]);
    const result = synthesize({ topologyDir: w.topologies, outdir: w.outdir, log: () => undefined });
    expect(result.stacks).toEqual(['berlin-small']);
    // Files of different folders may share VM names (a deployed and a proposed version, kept apart).
    const other = folder({ 'b-berlin.yaml': berlin });
    expect((await run('validate', path.join(w.topologies, 'a-berlin-small.yaml'), path.join(other.topologies, 'b-berlin.yaml'))).code).toBe(0);
  });
});

describe('one stack that fails never stops the others (app/isolate.ts)', () => {
  const throwing = () => {
    throw new Error('boom while resolving\n    at somewhere (x.js:1:1)');
  };

  it('a stack whose synthesis throws leaves no folder and no manifest entry; the next stack is written', () => {
    const outdir = path.join(dir, `iso${n++}`);
    const app = new App({ outdir, stackTraces: false });
    new TerraformOutput(new TerraformStack(app, 'first'), 'x', { value: 'one' });
    new TerraformOutput(new TerraformStack(app, 'broken'), 'x', { value: Lazy.stringValue({ produce: throwing }) });
    new TerraformOutput(new TerraformStack(app, 'last'), 'x', { value: 'three' });
    const failed: string[] = [];
    isolateStackSynthesis(app, (id, err) => failed.push(`${id}: ${(err as Error).message.split('\n')[0]}`));
    app.synth();
    expect(failed).toEqual(['broken: Resolution error: boom while resolving']);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['first', 'last']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks).sort()).toEqual(['first', 'last']);
  });

  it('a stack whose construction throws is removed from the app', () => {
    const app = new App({ outdir: path.join(dir, `iso${n++}`), stackTraces: false });
    const errors: unknown[] = [];
    const ok = constructIsolated(app, 'half', () => {
      new TerraformStack(app, 'half');
      throwing();
    }, (err) => errors.push(err));
    expect(ok).toBe(false);
    expect(errors).toHaveLength(1);
    expect(app.node.tryFindChild('half')).toBeUndefined();
  });
});

describe('synthesis prints every line as text', () => {
  it('a file name with a line break and an annotation stays one line', () => {
    const w = folder({});
    fs.writeFileSync(path.join(w.topologies, 'a\n::error file=forged,line=1::x.yaml'), stringify(named(topology({ devices: 'many' }), 'forged')));
    fs.writeFileSync(path.join(w.topologies, 'good.yaml'), stringify(named(topology(), 'good')));
    const lines: string[] = [];
    const result = synthesize({ topologyDir: w.topologies, outdir: w.outdir, log: (l) => lines.push(l) });
    expect(result.stacks).toEqual(['good']);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
      expect(l).not.toMatch(/^::/);
    }
    expect(lines.join('\n')).toContain('a\\n::error file=forged');
  });
});
