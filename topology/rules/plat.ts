/**
 * What synthesis can build. These rules run only when a stack is synthesized (`cdktf synth`, the
 * constructs); `ums-ha validate` and `ums-ha report` still accept such a topology, because the
 * design may be right for a platform the stacks do not cover yet.
 */
import type { Platform } from '../model';
import type { SynthesisRule } from './rule';

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
