/**
 * What synthesis can build. UMS-PLAT-001 runs only when a stack is synthesized (`cdktf synth`, the
 * constructs); `ums-ha validate` and `ums-ha report` still accept such a topology, because the
 * design may be right for a platform the stacks do not cover yet. The others run in `validate` too:
 * a topology that validates synthesizes (user data within the platform's limit, no string cdktf
 * would read as a token, names Terraform accepts).
 */
import type { ResolvedTopology } from '../model/model';
import { join } from '../base/pointer';
import { closest, show } from '../document/schema';
import { namesList, platformEntry, registeredPlatforms, synthesizedPlatforms } from '../platform/registry';
import type { DocumentRule, Report, RuleMeta, SynthesisRule, TopologyRule } from '../model/rule';

/**
 * cdktf's token markers (cdktf lib/tokens/private/encoding: `${TfToken[`, `#{TfToken[`,
 * `&{TfToken[`): a string holding one is resolved as a reference, or refused as a list in a string.
 */
const TOKEN_MARKER = /[$#&]\{TfToken\[/;
/**
 * Names Terraform reserves for a variable ("Input Variables": any valid identifier except these);
 * a resource name must start with a letter or underscore ("Invalid resource name").
 */
export const TERRAFORM_RESERVED_VARIABLES: readonly string[] = ['source', 'version', 'providers', 'count', 'for_each', 'lifecycle', 'depends_on', 'locals'];
const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Whether any string of a value matches (no pointers built: most topologies hold none). */
function anyString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v) => anyString(v, test));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => anyString(v, test));
  return false;
}

/** Every string of a value with its JSON pointer. */
function strings(value: unknown, at: string, out: Array<{ path: string; text: string }>): Array<{ path: string; text: string }> {
  if (typeof value === 'string') out.push({ path: at, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, join(at, i), out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, join(at, k), out);
  return out;
}

/** spec.platform of a parsed value, when it is a string. */
function platformOf(value: unknown): string | undefined {
  const platform = (value as { spec?: { platform?: unknown } } | null)?.spec?.platform;
  return typeof platform === 'string' ? platform : undefined;
}

export const platRules: readonly (SynthesisRule | TopologyRule | DocumentRule)[] = [
  {
    id: 'UMS-PLAT-001',
    phase: 'synthesis',
    severity: 'error',
    seed: [],
    title: 'Synthesis builds a stack only for a platform that has one',
    explanation: 'Each platform with a stack registers it (vsphere: vSphere VMs, port groups, anti-affinity rules; aws: EC2 instances, security groups, a Network Load Balancer); a topology for a platform without one (azure, gcp) validates and reports, but has no stack to synthesize.',
    check({ topology: t }) {
      const built = synthesizedPlatforms();
      // An unregistered platform is UMS-PLAT-006's finding; this one would add that it "can be validated".
      if (built.includes(t.platform) || !platformEntry(t.platform)) return [];
      return [
        {
          path: '/spec/platform',
          message: `synthesis builds stacks for the platforms ${namesList(built)} only; platform ${t.platform} can be validated and reported but not synthesized: set platform: ${built.join(' or ')}, or move this topology out of the synthesized folder`,
        },
      ];
    },
  },
  {
    id: 'UMS-PLAT-002',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Every node\'s user data fits its platform',
    explanation:
      'A node boots from its cloud-init user data, which the platform limits: EC2 takes at most 16,384 bytes (the stack sends it gzipped), a vSphere guestinfo value at most 65,536 bytes after encoding. Long SSH keys (nine RSA-4096 keys on AWS) or many device networks can pass it; synthesis would stop.',
    check({ topology: t }) {
      // The platform measures (its entry's userDataProblem, against its bootstrap.userData limit);
      // every node carries the same keys and networks, so the first node over says it.
      const found = platformEntry(t.platform)?.userDataProblem?.(t);
      if (!found) return [];
      const keys = t.network.adminSshKeys.length;
      return [
        {
          path: keys > 0 ? '/spec/network/adminSshKeys' : found.node.pointer ?? '/spec/network',
          message: `${found.problem}: ${keys > 0 ? `use fewer or shorter SSH keys (${keys} given; an ed25519 key is about 100 bytes, an RSA-4096 key about 750)` : 'list fewer device or admin networks'}`,
        },
      ];
    },
  },
  {
    id: 'UMS-PLAT-003',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'No string looks like a cdktf token',
    explanation: 'cdktf encodes references as strings such as ${TfToken[TOKEN.1]} and #{TfToken[TOKEN.1]}; a topology string holding one would be resolved as a reference (or refused), not written as the text it is.',
    check({ doc }) {
      const marked = (text: string) => text.includes('{TfToken[') && TOKEN_MARKER.test(text);
      if (!anyString(doc, marked)) return [];
      return strings(doc, '', [])
        .filter((s) => marked(s.text))
        .map((s) => ({ path: s.path, message: `${s.path.slice(1).replace(/\//g, '.')} holds a cdktf token marker ({TfToken[ after $, # or &), which synthesis would read as a reference: write the name without it` }));
    },
  },
  {
    id: 'UMS-PLAT-004',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'Names Terraform accepts',
    explanation: `Node names become Terraform resource names, which must start with a letter or an underscore; passwordVariable and networkToken.variable become Terraform variables, which may not be named ${TERRAFORM_RESERVED_VARIABLES.join(', ')}.`,
    check({ doc }) {
      const reports: Report[] = [];
      (doc.spec.nodes ?? []).forEach((node, i) => {
        if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(node.name) && !TERRAFORM_NAME.test(node.name)) {
          reports.push({ path: join('/spec/nodes', i, 'name'), message: `node name ${node.name} starts with a digit; it names the node's Terraform resources, whose names must start with a letter: e.g. ums-${node.name}` });
        }
      });
      const variables: Array<[string, string | undefined]> = [
        ['/spec/database/passwordVariable', doc.spec.database.passwordVariable],
        ['/spec/networkToken/variable', doc.spec.networkToken.variable],
      ];
      for (const [path, name] of variables) {
        if (name !== undefined && TERRAFORM_RESERVED_VARIABLES.includes(name)) {
          reports.push({ path, message: `${path.slice(6).replace(/\//g, '.')} ${name} is a name Terraform reserves (${TERRAFORM_RESERVED_VARIABLES.join(', ')}): name the variable e.g. UMS_${name.toUpperCase()}` });
        }
      }
      return reports;
    },
  },
  {
    id: 'UMS-PLAT-006',
    phase: 'document',
    severity: 'error',
    seed: [],
    title: 'The platform is a registered one',
    explanation:
      'spec.platform names a platform of the registry (the built-in vsphere, aws, azure and gcp, and any a program registers, docs/platforms.md); the schema only checks that it is a lower-case name, so a misspelled or unknown platform is refused here, with the registered names.',
    check(value) {
      const platform = platformOf(value);
      if (platform === undefined || platformEntry(platform)) return [];
      const names = registeredPlatforms().map((e) => e.name);
      const guess = closest(platform, names);
      return [{ path: '/spec/platform', message: `spec.platform ${show(platform, '/spec/platform')} is not a registered platform${guess ? ` (did you mean ${guess}?)` : ''}: use one of ${namesList(names)}` }];
    },
  },
];

/**
 * A topology given to the stack or construct of another platform. Not a rule of the topology (the
 * same file is right for the other class): the constructs check it with the class they are, as
 * the first synthesis finding; the cdktf app picks the class by the platform and never meets it.
 */
export const stackPlatformRule: RuleMeta = {
  id: 'UMS-PLAT-005',
  severity: 'error',
  seed: [],
  title: 'The stack class builds the topology\'s platform',
  explanation: 'Each platform\'s stack and construct classes build that platform\'s resources (UmsHaStack and UmsHaTopology vsphere, UmsHaAwsStack and UmsHaAwsTopology aws); a topology for another platform lacks what the class needs (the vsphere or aws block) and is refused before any resource exists.',
};

/**
 * The UMS-PLAT-005 report of `t` given to the classes of platform `builds`, if any (UMS-PLAT-001
 * reports a platform without a stack, UMS-PLAT-006 an unknown one). The class names come from the
 * platforms' registry entries.
 */
export function stackPlatformReports(t: ResolvedTopology, builds: string): Report[] {
  const mine = platformEntry(builds)?.classes;
  const right = platformEntry(t.platform)?.classes;
  if (t.platform === builds || !mine || !right) return [];
  return [
    {
      path: '/spec/platform',
      message: `platform ${t.platform} is built by ${right.stack} (or ${right.construct} in a stack of your own); ${mine.stack} and ${mine.construct} build platform ${builds}: construct ${right.stack} for this topology`,
    },
  ];
}
