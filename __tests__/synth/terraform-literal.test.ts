/**
 * Every literal string the constructs write into Terraform JSON reaches Terraform as that literal
 * (issue: `datacenter: "DC %{ if length(var.vsphere_password) > 3 }LONG%{ else }SHORT%{ endif }"`
 * was copied as it is and evaluated by Terraform).
 */
import * as fc from 'fast-check';
import * as path from 'node:path';
import type { NodeBootstrap } from '../../bootstrap/cloud-init';
import { terraformLiteral, terraformLiterals } from '../../constructs/terraform-literal';
import type { ResolvedTopology } from '../../core/model/model';
import { stringify } from 'yaml';
import { validateText } from '../../core/reader/validate';
import { tempDir } from '../helpers/cli';
import { terraformValues } from '../helpers/terraform';
import { baseTopology, topology } from '../helpers/topology';

const dir = tempDir('ums-ha-literal-');

/** The pieces of Terraform's template syntax, and what sits around them. */
const FRAGMENTS = ['${', '%{', '%%{', '$${', '$$${', '%%%{', '~}', '${~', '%{~', '}', '{', '$', '%', '$$', '%%', ' if ', ' endif ', 'var.vsphere_password', '"', '\\', '\n', '\t', 'ü', '😀'];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/**
 * Strings of the resolved topology that are names, enums or identifiers the constructs branch on or
 * use as Terraform names (variable names, logical ids), not values: every other string is replaced
 * by a hostile one, so a field added later gets one too.
 */
const NOT_A_VALUE = [
  /\/roles\//,
  /^\/(platform|loadBalancing|layout|sharedWorkplace)$/,
  /^\/deviceOs\//,
  /^\/networkToken\/(mode|variable)$/,
  /^\/database\/(engine|passwordVariable)$/,
  /^\/nodes\/\d+\/(name|pointer)$/,
  /^\/vsphere\/antiAffinity$/,
  /^\/poolProblem\//,
];

function hostileTopology(t: ResolvedTopology, next: () => string): { topology: ResolvedTopology; replaced: string[] } {
  const replaced: string[] = [];
  const walk = (value: unknown, pointer: string): unknown => {
    if (typeof value === 'string') {
      if (NOT_A_VALUE.some((re) => re.test(pointer))) return value;
      const s = next();
      replaced.push(s);
      return s;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${pointer}/${i}`));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${pointer}/${k}`)]));
    return value;
  };
  return { topology: walk(t, '') as ResolvedTopology, replaced };
}

const BOOTSTRAP: NodeBootstrap = { metadata: 'instance-id: x\n', userData: '#cloud-config\n' } as NodeBootstrap;

/**
 * The core's validation hands the constructs a resolved topology whose strings come from
 * `mockHostile.next` while it is set (the schema keeps `$` out of topology files; the constructs
 * must not rely on it).
 */
const mockHostile: { next?: () => string; replaced: string[] } = { replaced: [] };
jest.mock('../../core/reader/validate', () => {
  const real = jest.requireActual('../../core/reader/validate');
  return {
    ...real,
    readInput: (...args: unknown[]) => {
      const result = real.readInput(...args);
      if (!mockHostile.next) return result;
      const h = hostileTopology(result.topology, mockHostile.next);
      mockHostile.replaced = h.replaced;
      return { ...result, findings: [], topology: h.topology };
    },
  };
});

/**
 * A synthesizer with the real construct code. With `identity`, terraformLiteral escapes nothing
 * (its own module registry): that synthesis shows which literal each JSON string stands for.
 */
function synthesizer(identity: boolean) {
  let synth!: (doc: unknown, backend: Record<string, unknown>) => Record<string, unknown>;
  const load = () => {
    const { Testing } = require('cdktf');
    const { UmsHaStack } = require('../../platforms/vsphere/stack');
    synth = (doc, backend) => {
      const app = Testing.app();
      const stack = new UmsHaStack(app, 'prop', { topology: doc, renderBootstrap: () => BOOTSTRAP, backend: { type: 's3', config: backend } });
      return JSON.parse(Testing.synth(stack));
    };
  };
  if (identity) {
    jest.isolateModules(() => {
      jest.doMock('../../constructs/terraform-literal', () => ({ terraformLiteral: (v: string) => v, terraformLiterals: <T>(v: T) => v }));
      load();
    });
    jest.dontMock('../../constructs/terraform-literal');
  } else load();
  return (doc: unknown, strings: readonly string[], backend: Record<string, unknown>) => {
    const pending = [...strings];
    mockHostile.next = () => pending.shift() ?? 'spare';
    try {
      return { json: synth(doc, backend), replaced: mockHostile.replaced };
    } finally {
      mockHostile.next = undefined;
    }
  };
}

/**
 * Positions Terraform does not read as templates (traversals, cdktf's comments), and the one
 * expression ums-ha writes on purpose: each variable's unset check, `${var.<name> != ""}`, built
 * from the variable's name (a schema-checked identifier), never from free text.
 */
const NOT_TEMPLATE = [/\/\/\/$|\/\/\//, /\/lifecycle\/ignore_changes\//, /^\/terraform\/required_providers\//, /^\/variable\/[A-Za-z_][A-Za-z0-9_]*\/validation\/\d+\/condition$/];
/** A reference cdktf wrote for a token: `${data.x.y.id}`, `${var.x}`, `${element(data.x.y, 0)}`. */
const REFERENCE = /^\$\{(element\()?(data\.)?[a-z_][a-z0-9_]*(\.[A-Za-z0-9_-]+|\[\d+\])+(, 0\))?\}$/;

function leaves(escaped: unknown, raw: unknown, pointer: string, out: Array<{ pointer: string; escaped: string; raw: string }>): void {
  if (NOT_TEMPLATE.some((re) => re.test(pointer))) return;
  if (typeof escaped === 'string') {
    out.push({ pointer, escaped, raw: raw as string });
    return;
  }
  if (Array.isArray(escaped)) escaped.forEach((v, i) => leaves(v, (raw as unknown[])[i], `${pointer}/${i}`, out));
  else if (escaped && typeof escaped === 'object') {
    for (const [k, v] of Object.entries(escaped)) leaves(v, (raw as Record<string, unknown>)[k], `${pointer}/${k}`, out);
  }
}

describe('terraformLiteral: the one escape of literal strings for Terraform', () => {
  it('escapes ${ and %{ and nothing else, and refuses a cdktf token', () => {
    expect(terraformLiteral('DC %{ if true }A%{ endif } ${var.x} $${y} %%{z} 100% $5 ~}')).toBe('DC %%{ if true }A%%{ endif } $${var.x} $$${y} %%%{z} 100% $5 ~}');
    expect(terraformLiterals({ a: ['${x}', 1, true, { b: '%{' }] })).toEqual({ a: ['$${x}', 1, true, { b: '%%{' }] });
    const { Token } = require('cdktf');
    expect(() => terraformLiteral(`x-${Token.asString({ resolve: () => 'y' })}`)).toThrow(/holds a cdktf token/);
  });

  it('property: hostile strings in every literal field of the stack reach real Terraform as they are (one terraform run)', () => {
    const escapedSynth = synthesizer(false);
    const rawSynth = synthesizer(true);
    const docs = [topology({ devices: 120000 }), topology({ devices: 30000, vsphere: { ...baseTopology().spec.vsphere!, folder: 'igel/ums' } }, { distributedSwitch: 'dvs1' })];
    const all: Array<{ pointer: string; escaped: string; raw: string }> = [];
    let covered = 0;
    const samples = fc.sample(fc.tuple(fc.array(hostile, { minLength: 80, maxLength: 80 }), hostile, hostile), { numRuns: 12, seed: 1613 });
    samples.forEach(([strings, bucket, key], i) => {
      const doc = docs[i % docs.length];
      const backend = { bucket, key: `${key}/{stack}.tfstate`, encrypt: true };
      const escaped = escapedSynth(doc, strings, backend);
      const raw = rawSynth(doc, strings, backend);
      expect(raw.replaced).toEqual(escaped.replaced);
      const found: Array<{ pointer: string; escaped: string; raw: string }> = [];
      leaves(escaped.json, raw.json, '', found);
      for (const leaf of found) {
        // A value the constructs did not escape while it holds template syntax is a bypass.
        if (leaf.escaped === leaf.raw && /[$%]\{/.test(leaf.raw)) {
          expect({ pointer: leaf.pointer, value: leaf.raw, reference: REFERENCE.test(leaf.raw) }).toEqual({ pointer: leaf.pointer, value: leaf.raw, reference: true });
          continue;
        }
        all.push(leaf);
      }
      // Every hostile string reached the JSON (so every field was tried), in the raw synthesis.
      const text = found.map((l) => l.raw).join('\u0000');
      for (const s of [...escaped.replaced, bucket, key]) {
        if (text.includes(s)) covered++;
      }
    });
    expect(covered).toBeGreaterThan(samples.length * 8);
    // Terraform normalizes every string to Unicode NFC (HCL does, for any literal); that is no template.
    const seen = terraformValues(path.join(dir, 'tf'), all.map((l) => l.escaped));
    const wrong = all.map((l, i) => ({ pointer: l.pointer, want: l.raw, got: seen[i] })).filter((w) => w.got !== w.want.normalize('NFC'));
    expect(wrong).toEqual([]);
    expect(all.length).toBeGreaterThan(500);
  });
});

describe('a topology file cannot carry a template into the stack', () => {
  /** The reproducer, and %{ in every string field of a file the schema lets through. */
  it('every string field the schema accepts %{ in is written escaped', () => {
    const { synthStack } = require('../helpers/synth');
    const doc = JSON.parse(JSON.stringify(topology({ devices: 120000, vsphere: { ...baseTopology().spec.vsphere!, folder: 'igel/ums' } }, { distributedSwitch: 'dvs1' })));
    doc.metadata.description = 'Berlin office';
    // Try a marker in every string leaf; keep it where validation still passes.
    const markers: string[] = [];
    const tryLeaf = (holder: Record<string, unknown> | unknown[], key: string | number, pointer: string) => {
      const before = (holder as Record<string, unknown>)[key as string];
      const marker = `~m${markers.length}~%{ if length(var.vsphere_password) > 3 }L%{ else }S%{ endif }`;
      (holder as Record<string, unknown>)[key as string] = `${before}${marker}`;
      if (validateText(stringify(doc)).valid) markers.push(`${pointer} ${marker}`);
      else (holder as Record<string, unknown>)[key as string] = before;
    };
    const walk = (value: unknown, pointer: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => (typeof v === 'string' ? tryLeaf(value, i, `${pointer}/${i}`) : walk(v, `${pointer}/${i}`)));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string') tryLeaf(value as Record<string, unknown>, k, `${pointer}/${k}`);
          else walk(v, `${pointer}/${k}`);
        }
      }
    };
    walk(doc, '');
    // The fields the issue names take it today (the schema bans $ there, not %).
    for (const field of ['/spec/vsphere/datacenter', '/spec/vsphere/cluster', '/spec/vsphere/datastore', '/spec/vsphere/template', '/spec/vsphere/folder', '/spec/network/portGroup', '/spec/network/distributedSwitch']) {
      expect(markers.some((m) => m.startsWith(`${field} `))).toBe(true);
    }
    const { text } = synthStack({ topology: doc });
    expect(text).not.toMatch(/(^|[^%])%\{ if/);
    for (const m of markers) {
      const marker = m.slice(m.indexOf(' ') + 1);
      const id = marker.slice(0, marker.indexOf('%'));
      // ~ is no base64 character: an id found is a written field.
      // Either escaped in the JSON, or not written at all (the node files are base64).
      if (text.includes(id)) expect(text).toContain(terraformLiteral(marker));
    }
  });
});

describe("the issue's reproducer", () => {
  it('berlin-small with a directive in datacenter: validate still accepts the name, Terraform sees exactly it, in JSON and HCL output', () => {
    const { synthesize } = require('../../main');
    const fs = require('node:fs');
    const datacenter = 'DC %{ if length(var.vsphere_password) > 3 }LONG%{ else }SHORT%{ endif }';
    const root = path.join(dir, 'repro');
    fs.mkdirSync(path.join(root, 'topologies'), { recursive: true });
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'topologies', 'berlin-small.yaml'), 'utf8').replace('datacenter: DC-Berlin', `datacenter: "${datacenter}"`);
    fs.writeFileSync(path.join(root, 'topologies', 'b.yaml'), text);
    const r = synthesize({ topologyDir: path.join(root, 'topologies'), outdir: path.join(root, 'out'), log: () => {} });
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(root, 'out', 'stacks', 'berlin-small', 'cdk.tf.json'), 'utf8'));
    const names = [...Object.values(json.data.vsphere_datacenter as Record<string, { name: string }>).map((d) => d.name), ...Object.values(json.data.vsphere_folder as Record<string, { path: string }>).map((f) => f.path)];
    expect(names[0]).toBe(terraformLiteral(datacenter));
    expect(terraformValues(path.join(dir, 'repro-tf'), names)).toEqual([datacenter, `/${datacenter}/vm/igel/ums`]);
    // HCL output (cdktf synth --hcl): the same escapes, which HCL's native syntax reads the same way.
    const previous = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      expect(synthesize({ topologyDir: path.join(root, 'topologies'), outdir: path.join(root, 'out'), log: () => {} }).code).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = previous;
    }
    const hcl = fs.readFileSync(path.join(root, 'out', 'stacks', 'berlin-small', 'cdk.tf'), 'utf8');
    expect(hcl).toContain(`name = "${terraformLiteral(datacenter)}"`);
    expect(hcl).not.toMatch(/[^%]%\{ if/);
    // Real terraform reads that HCL string as the name.
    const hclDir = path.join(dir, 'repro-hcl');
    fs.mkdirSync(hclDir);
    const quoted = /name = ("DC [^\n]*")/.exec(hcl)![1];
    fs.writeFileSync(path.join(hclDir, 'main.tf'), `output "v" {\n  value = ${quoted}\n}\n`);
    const { spawnSync } = require('node:child_process');
    const tfEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    for (const args of [['init', '-input=false'], ['apply', '-auto-approve', '-input=false']]) expect(spawnSync('terraform', args, { cwd: hclDir, env: tfEnv, encoding: 'utf8' }).status).toBe(0);
    expect(JSON.parse(spawnSync('terraform', ['output', '-json'], { cwd: hclDir, env: tfEnv, encoding: 'utf8' }).stdout).v.value).toBe(datacenter);
  });
});

describe('every construct file goes through the helper', () => {
  /**
   * A static guard for constructs added later (another platform's resources): a file under
   * constructs/ or stacks/ that creates provider resources, outputs, variables or a backend must
   * import terraformLiteral. The property test above checks the values of the vSphere stack.
   */
  it('a file creating provider resources, outputs, variables or backends imports terraformLiteral', () => {
    const fs = require('node:fs');
    const root = path.join(__dirname, '..', '..');
    const list = (d: string): string[] =>
      fs.readdirSync(path.join(root, d), { withFileTypes: true }).flatMap((e: { name: string; isDirectory(): boolean }) => (e.isDirectory() ? list(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
    const files = ['constructs', 'stacks', 'platforms'].flatMap(list);
    // A file whose every value is a token or goes through a helper that escapes says so, with why.
    const literalFree = /^\/\/ terraform-literal: no literal here: .{20,}$/m;
    const creates = /from '@cdktf\/provider-[^']+'|require\('@cdktf\/provider-|\bnew (TerraformOutput|TerraformVariable|TerraformLocal|LocalBackend|S3Backend)\(|extends TerraformBackend\b/;
    const offenders = files.filter((f: string) => {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      return creates.test(text) && !literalFree.test(text) && !/import \{[^}]*\bterraformLiterals?\b[^}]*\} from '(\.\/|(\.\.\/)+|(\.\.\/)+constructs\/)terraform-literal'/.test(text);
    });
    expect(offenders).toEqual([]);
    // Control: the check sees the construct files that do create resources.
    expect(files.filter((f: string) => creates.test(fs.readFileSync(path.join(root, f), 'utf8'))).length).toBeGreaterThanOrEqual(7);
  });
});
