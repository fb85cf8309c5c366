/**
 * What synthesis can build. These rules run only when a stack is synthesized (`cdktf synth`, the
 * constructs); `ums-ha validate` and `ums-ha report` still accept such a topology, because the
 * design may be right for a platform the stacks do not cover yet.
 */
import type { Platform, ResolvedTopology } from '../model';
import type { Report, RuleMeta, SynthesisRule } from './rule';

/** The platforms synthesis builds stacks for. */
export const SYNTHESIZED_PLATFORMS: readonly Platform[] = ['aws', 'vsphere'];

export const platRules: readonly SynthesisRule[] = [
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
