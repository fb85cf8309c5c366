/**
 * The TypeScript API covers both platforms: the package root exports the vSphere and the AWS stack
 * and constructs, and a topology given to the class of another platform (or of a platform no class
 * builds) is refused with UmsHaValidationError and a rule id, before any resource exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import * as pkg from '../../index';
import type { UmsHaTopologyDocument } from '../../core/document/generated/topology-types';
import { awsTopology, topology } from '../helpers/topology';
import { repoRoot } from '../helpers/cli';

type StackClass = new (scope: App, id: string, props: { topology: UmsHaTopologyDocument }) => TerraformStack;

/** What constructing `cls` with `doc` throws (undefined: nothing), and whether the app kept a stack of it. */
function attempt(cls: StackClass, doc: UmsHaTopologyDocument): { error: unknown; kept: boolean } {
  const app = new App();
  try {
    new cls(app, doc.metadata.name, { topology: doc });
    return { error: undefined, kept: app.node.tryFindChild(doc.metadata.name) !== undefined };
  } catch (error) {
    return { error, kept: app.node.tryFindChild(doc.metadata.name) !== undefined };
  }
}

const vsphere = topology();
const aws = awsTopology();
const azure = topology({ platform: 'azure', loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' });

describe('the TypeScript API: both platforms', () => {
  it('exports the AWS stack and construct from the package root, beside the vSphere ones', () => {
    expect(typeof pkg.UmsHaAwsStack).toBe('function');
    expect(typeof pkg.UmsHaAwsTopology).toBe('function');
    expect(typeof pkg.UmsHaStack).toBe('function');
    expect(typeof pkg.UmsHaTopology).toBe('function');
    expect(attempt(pkg.UmsHaAwsStack, aws)).toEqual({ error: undefined, kept: true });
    expect(attempt(pkg.UmsHaStack, vsphere)).toEqual({ error: undefined, kept: true });
  });

  it.each([
    ['an aws topology to UmsHaStack', pkg.UmsHaStack, aws, 'UMS-PLAT-005', /platform aws is built by UmsHaAwsStack/],
    ['a vsphere topology to UmsHaAwsStack', pkg.UmsHaAwsStack, vsphere, 'UMS-PLAT-005', /platform vsphere is built by UmsHaStack/],
    ['an azure topology to UmsHaStack', pkg.UmsHaStack, azure, 'UMS-PLAT-001', /platforms aws and vsphere only/],
    ['an azure topology to UmsHaAwsStack', pkg.UmsHaAwsStack, azure, 'UMS-PLAT-001', /platforms aws and vsphere only/],
  ] as Array<[string, StackClass, UmsHaTopologyDocument, string, RegExp]>)('%s: UmsHaValidationError with the rule id, no stack', (_name, cls, doc, ruleId, message) => {
    const { error, kept } = attempt(cls, doc);
    expect(error).toBeInstanceOf(pkg.UmsHaValidationError);
    const e = error as InstanceType<typeof pkg.UmsHaValidationError>;
    expect(e.code).toBe('UMS_HA_INVALID_TOPOLOGY');
    expect(e.findings.map((f) => f.ruleId)).toContain(ruleId);
    const f = e.findings.find((x) => x.ruleId === ruleId)!;
    expect(f).toMatchObject({ severity: 'error', path: '/spec/platform' });
    expect(f.message).toMatch(message);
    expect(e.message).toContain(`${doc.metadata.name}/topology#/spec/platform error ${ruleId} `);
    expect(kept).toBe(false);
  });

  it('a construct in a stack of ones own: the same refusal', () => {
    const app = new App();
    const stack = new TerraformStack(app, 'mine');
    expect(() => new pkg.UmsHaTopology(stack, 'ums', { topology: aws })).toThrow(/UMS-PLAT-005/);
    expect(() => new pkg.UmsHaAwsTopology(stack, 'ums-aws', { topology: vsphere })).toThrow(/UMS-PLAT-005/);
    expect(stack.node.tryFindChild('ums')).toBeUndefined();
    expect(stack.node.tryFindChild('ums-aws')).toBeUndefined();
  });

  it('the docs no longer say synthesis builds vSphere only', () => {
    for (const doc of ['typescript.md', 'cli.md']) expect(fs.readFileSync(path.join(repoRoot, 'docs', doc), 'utf8')).not.toMatch(/vSphere only/);
  });
});
