/**
 * What synthesis can build. UMS-PLAT-001 runs only when a stack is synthesized (`cdktf synth`, the
 * constructs); `ums-ha validate` and `ums-ha report` still accept such a topology, because the
 * design may be right for a platform the stacks do not cover yet. The others run in `validate` too:
 * a topology that validates synthesizes (user data within the platform's limit, no string cdktf
 * would read as a token, names Terraform accepts).
 */
import { mayExceedUserDataLimit, userDataOverLimit } from '../../bootstrap/cloud-init';
import type { Platform, ResolvedTopology } from '../model/model';
import { join } from '../base/pointer';
import type { Report, RuleMeta, SynthesisRule, TopologyRule } from './rule';

/** The platforms synthesis builds stacks for. */
export const SYNTHESIZED_PLATFORMS: readonly Platform[] = ['aws', 'vsphere'];

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

export const platRules: readonly (SynthesisRule | TopologyRule)[] = [
  {
    id: 'UMS-PLAT-001',
    phase: 'synthesis',
    severity: 'error',
    seed: [],
    title: 'Synthesis builds vsphere and aws stacks only',
    explanation: 'The stacks create vSphere VMs (port groups, anti-affinity rules) or AWS EC2 instances (security groups, a Network Load Balancer); a topology for azure or gcp validates and reports, but has no stack to synthesize.',
    check({ topology: t }) {
      if (SYNTHESIZED_PLATFORMS.includes(t.platform)) return [];
      return [
        {
          path: '/spec/platform',
          message: `synthesis builds stacks for the platforms aws and vsphere only; platform ${t.platform} can be validated and reported but not synthesized: set platform: aws or vsphere, or move this topology out of the synthesized folder`,
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
      if ((t.platform !== 'aws' && t.platform !== 'vsphere') || !mayExceedUserDataLimit(t)) return [];
      const reports: Report[] = [];
      for (const node of t.nodes) {
        const problem = userDataOverLimit(t, node);
        if (problem === undefined) continue;
        const keys = t.network.adminSshKeys.length;
        reports.push({
          path: keys > 0 ? '/spec/network/adminSshKeys' : node.pointer ?? '/spec/network',
          message: `${problem}: ${keys > 0 ? `use fewer or shorter SSH keys (${keys} given; an ed25519 key is about 100 bytes, an RSA-4096 key about 750)` : 'list fewer device or admin networks'}`,
        });
        break; // every node carries the same keys and networks: one finding says it
      }
      return reports;
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
];

/** The stack and the construct that build each synthesized platform. */
export const PLATFORM_CLASSES: Readonly<Record<'vsphere' | 'aws', { readonly stack: string; readonly construct: string }>> = {
  vsphere: { stack: 'UmsHaStack', construct: 'UmsHaTopology' },
  aws: { stack: 'UmsHaAwsStack', construct: 'UmsHaAwsTopology' },
};

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
  explanation: 'UmsHaStack and UmsHaTopology build vsphere resources, UmsHaAwsStack and UmsHaAwsTopology aws resources; a topology for the other platform lacks what the class needs (the vsphere or aws block) and is refused before any resource exists.',
};

/** The UMS-PLAT-005 report of `t` given to the classes of platform `builds`, if any (UMS-PLAT-001 reports azure and gcp). */
export function stackPlatformReports(t: ResolvedTopology, builds: 'vsphere' | 'aws'): Report[] {
  if (t.platform === builds || !SYNTHESIZED_PLATFORMS.includes(t.platform)) return [];
  const mine = PLATFORM_CLASSES[builds];
  const right = PLATFORM_CLASSES[t.platform as 'vsphere' | 'aws'];
  return [
    {
      path: '/spec/platform',
      message: `platform ${t.platform} is built by ${right.stack} (or ${right.construct} in a stack of your own); ${mine.stack} and ${mine.construct} build platform ${builds}: construct ${right.stack} for this topology`,
    },
  ];
}
