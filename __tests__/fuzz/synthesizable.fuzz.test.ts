/**
 * What validates, synthesizes (issue 23, point 4), under fuzzing: one generator per class of input
 * that passed `validate` and then stopped synthesis (or Terraform), each with the oracle "no
 * finding with an error ⇒ the stack synthesizes" (and, for a folder, "⇒ every VM name is unique"):
 *
 * - user data near and over the platform's limit (many, long SSH keys, on aws and vsphere);
 * - strings with cdktf token markers in any vSphere name, the description and the single-host reason;
 * - names Terraform refuses (node names with a leading digit, reserved variable names), and
 *   device / admin networks with host bits, checked by `terraform validate` itself (aws, with the
 *   provider mirror): the property "validate accepts ⇒ synthesis writes the stack ⇒ terraform
 *   validate accepts it";
 * - two topologies of one folder whose VM names meet.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS / 10 cases per synthesizing class (at least 10) and
 * UMS_HA_FUZZ_TF_RUNS terraform cases (default 6); `npm run fuzz` more.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { withDuplicateNames } from '../../core/reader/duplicate-names';
import { validateText, type ValidationResult } from '../../core/reader/validate';
import { synthAwsStack } from '../helpers/aws-synth';
import { synthStack } from '../helpers/synth';
import { initFromMirror, providerMirror, terraform } from '../helpers/terraform';
import { requireTools } from '../helpers/system';
import { awsTopology, topology } from '../helpers/topology';
import { CASE_MEGABYTES_LIMIT, CASE_SECONDS_LIMIT, ClassMeasure } from './measure';

jest.setTimeout(900_000);
const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const SYNTH_RUNS = Math.max(10, Math.ceil(RUNS / 10));
const TF_RUNS = Number(process.env.UMS_HA_FUZZ_TF_RUNS ?? 6);
const measures: ClassMeasure[] = [];

/** Key bytes from a seed (incompressible, deterministic): ed25519 32, RSA-2048 279, RSA-4096 535, or long. */
function keyLine(seed: number, bytes: number): string {
  const parts: Buffer[] = [];
  for (let j = 0; parts.length * 32 < bytes; j++) parts.push(crypto.createHash('sha256').update(`${seed}-${j}`).digest());
  return `${bytes === 32 ? 'ssh-ed25519' : 'ssh-rsa'} ${Buffer.concat(parts).subarray(0, bytes).toString('base64')} k${seed}@example.internal`;
}
const keys = fc.array(fc.tuple(fc.nat(), fc.constantFrom(32, 279, 535, 535, 4000, 12000)), { maxLength: 32 }).map((ks) => ks.map(([seed, bytes]) => keyLine(seed, bytes)));

/**
 * Validates as a file does (measured against the limits); when nothing refuses it, synthesizes its
 * stack, which must not throw (timed apart: `synthesis` of the class).
 */
function validatesThenSynthesizes(doc: UmsHaTopologyDocument, measure: ClassMeasure): { result: ValidationResult; json?: string } {
  const text = stringify(doc);
  const result = measure.run(Buffer.byteLength(text), () => validateText(text, { synthesis: true }), (r) => r.findings.length === 0);
  if (!result.valid) return { result };
  const props = { topology: result.document as UmsHaTopologyDocument };
  const synthesis = synthesisMeasure(measure);
  const json = synthesis.run(Buffer.byteLength(text), () => (doc.spec.platform === 'aws' ? synthAwsStack(props).text : synthStack(props).text), () => true);
  return { result, json };
}

/** The synthesis times of a class, reported beside its validate times. */
const synthesisOf = new Map<ClassMeasure, ClassMeasure>();
function synthesisMeasure(m: ClassMeasure): ClassMeasure {
  let s = synthesisOf.get(m);
  if (!s) {
    s = new ClassMeasure(`${m.name}, synthesis of the accepted ones`);
    synthesisOf.set(m, s);
    measures.push(s);
  }
  return s;
}

afterAll(() => {
  for (const m of measures) process.stdout.write(`fuzz ${m.line()}\n`);
});

function classMeasure(name: string): ClassMeasure {
  const m = new ClassMeasure(name);
  measures.push(m);
  return m;
}

function withinLimits(m: ClassMeasure): void {
  expect(m.tried).toBeGreaterThan(0);
  expect(m.slowestMs).toBeLessThan(CASE_SECONDS_LIMIT * 1000);
  expect(m.mostMegabytes).toBeLessThan(CASE_MEGABYTES_LIMIT);
}

describe(`what validates, synthesizes (${SYNTH_RUNS} cases per class, ${TF_RUNS} through terraform validate)`, () => {
  it('user data: any number and length of SSH keys on aws and vsphere', () => {
    const m = classMeasure('user data');
    fc.assert(
      fc.property(keys, fc.boolean(), (adminSshKeys, aws) => {
        const doc = aws ? awsTopology({}, { adminSshKeys }) : topology({}, { adminSshKeys });
        const { result, json } = validatesThenSynthesizes(doc, m);
        if (result.valid) expect(json).toBeDefined();
      }),
      { numRuns: SYNTH_RUNS },
    );
    withinLimits(m);
  });

  it('cdktf token markers in any vSphere name, the description and the single-host reason', () => {
    const m = classMeasure('token markers');
    const marker = fc.tuple(fc.constantFrom('${', '#{', '&{'), fc.nat({ max: 99 }), fc.constantFrom('', 'DC-', 'a b '), fc.constantFrom('', ' x', '-1')).map(([open, i, before, after]) => `${before}${open}TfToken[TOKEN.${i}]}${after}`);
    const field = fc.constantFrom('datacenter', 'cluster', 'datastore', 'template', 'folder', 'description', 'singleHostReason');
    fc.assert(
      fc.property(marker, field, (text, where) => {
        const doc = topology() as unknown as { metadata: Record<string, unknown>; spec: Record<string, Record<string, unknown>> };
        if (where === 'description') doc.metadata.description = text;
        else if (where === 'singleHostReason') Object.assign(doc.spec.database!, { redundancy: 'single', singleHostReason: `accepted for now: ${text}` });
        else doc.spec.vsphere![where] = text;
        const { result, json } = validatesThenSynthesizes(doc as unknown as UmsHaTopologyDocument, m);
        if (result.valid) expect(json).toBeDefined();
      }),
      { numRuns: SYNTH_RUNS },
    );
    withinLimits(m);
  });

  it('two topologies of one folder: no finding ⇒ every VM name is unique', () => {
    const m = classMeasure('VM names in a folder');
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    fc.assert(
      fc.property(label, label, fc.constantFrom('ums1', 'ums2', 'lb1'), fc.boolean(), (site, suffix, node, explicit) => {
        // `site` with a node `<suffix>-<node>` beside `<site>-<suffix>`, whose nodes are derived or listed.
        const a = { ...topology({ nodes: [{ name: `${suffix}-${node}`, roles: ['server', 'loadBalancer'] }, { name: 'ums9', roles: ['server', 'loadBalancer'] }] }), metadata: { name: site } };
        const b = { ...topology(explicit ? { nodes: [{ name: 'ums1', roles: ['server', 'loadBalancer'] }, { name: 'ums2', roles: ['server', 'loadBalancer'] }] } : {}, { firstAddress: '10.20.0.51' }), metadata: { name: `${site}-${suffix}` } };
        const texts = [stringify(b), stringify(a)];
        const results = m.run(
          texts.join('').length,
          () => withDuplicateNames(texts.map((text, i) => ({ file: path.join('/folder', `${i}.yaml`), result: validateText(text) }))),
          (rs) => rs.every((r) => r.result.findings.length === 0),
        );
        const accepted = results.filter((r) => r.result.valid);
        const vms = accepted.flatMap((r) => r.result.topology!.nodes.map((n) => n.vmName));
        expect(new Set(vms).size).toBe(vms.length);
      }),
      { numRuns: SYNTH_RUNS },
    );
    withinLimits(m);
  });

  it('validate accepts ⇒ synthesis writes the stack ⇒ terraform validate accepts it (aws: names, variables, networks)', () => {
    requireTools('terraform');
    providerMirror();
    const m = classMeasure('terraform validate (aws)');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `ums-ha-fuzz-tf-${process.pid}-`));
    // Each hazard in about one case of five, so that most cases validate and reach terraform.
    const nodeName = fc.oneof({ arbitrary: fc.stringMatching(/^[0-9][a-z0-9]{0,4}$/), weight: 1 }, { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/), weight: 8 });
    const variable = fc.oneof({ arbitrary: fc.constantFrom('count', 'for_each', 'source', 'version', 'providers', 'depends_on', 'lifecycle', 'locals'), weight: 1 }, { arbitrary: fc.constantFrom('UMS_NETWORK_TOKEN', 'ums_token', 'Count', 'sources'), weight: 4 });
    const octet = fc.nat({ max: 255 });
    const mask = (a: number, b: number, c: number, p: number) => [a, p > 8 ? b : 0, p > 16 ? c : 0, 0].join('.');
    const network = fc.tuple(fc.integer({ min: 11, max: 99 }), octet, octet, fc.constantFrom(8, 16, 24, 32), fc.nat({ max: 9 })).map(([a, b, c, p, hostBits]) => `${hostBits === 0 ? `${a}.${b}.${c}.77` : mask(a, b, c, p)}/${p}`);
    let n = 0;
    try {
      fc.assert(
        fc.property(fc.tuple(nodeName, nodeName), variable, fc.array(network, { minLength: 1, maxLength: 3 }), ([first, second], token, adminCidrs) => {
          const doc = awsTopology({ nodes: [{ name: first, roles: ['server'], ip: '10.20.1.10' }, { name: `${second}x`, roles: ['server'], ip: '10.20.2.10' }], networkToken: { mode: 'create', variable: token } }, { adminCidrs });
          const { result, json } = validatesThenSynthesizes(doc, m);
          if (!result.valid) return;
          expect(json).toBeDefined();
          const stack = path.join(work, `c${n++}`);
          fs.mkdirSync(stack);
          fs.writeFileSync(path.join(stack, 'cdk.tf.json'), json!);
          initFromMirror(stack);
          const r = terraform(stack, ['validate', '-no-color']);
          expect(r.out).toContain('The configuration is valid');
          expect(r.code).toBe(0);
        }),
        { numRuns: TF_RUNS },
      );
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    withinLimits(m);
  });
});
