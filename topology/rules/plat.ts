/**
 * What synthesis can build. These rules run only when a stack is synthesized (`cdktf synth`, the
 * constructs); `ums-ha validate` and `ums-ha report` still accept such a topology, because the
 * design may be right for a platform the stacks do not cover yet.
 */
import type { SynthesisRule } from './rule';

export const platRules: readonly SynthesisRule[] = [
  {
    id: 'UMS-PLAT-001',
    phase: 'synthesis',
    severity: 'error',
    seed: [],
    title: 'Synthesis builds vSphere stacks only',
    explanation: 'The stacks create vSphere VMs, port groups and anti-affinity rules; a topology for aws, azure or gcp validates and reports, but has no stack to synthesize.',
    check({ topology: t }) {
      if (t.platform === 'vsphere') return [];
      return [
        {
          path: '/spec/platform',
          message: `synthesis builds vSphere stacks only; platform ${t.platform} can be validated and reported but not synthesized: set platform: vsphere, or move this topology out of the synthesized folder`,
        },
      ];
    },
  },
];
