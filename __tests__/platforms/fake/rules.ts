/**
 * The fake platform's own rule (a test fixture): a fake site wants three servers. A warning, so
 * the fake topology still synthesizes and the finding shows in the app's log.
 */
import type { TopologyRule } from '../../../core/model/rule';

export const FAKE_MIN_SERVERS = 3;

export const fakeRules: readonly TopologyRule[] = [
  {
    id: 'UMS-FAKE-001',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'A fake site runs three servers (test fixture)',
    explanation: 'The rule of the fake platform the platform tests register: it shows that a registered platform brings its own rules, which run for its topologies only.',
    check({ topology: t }) {
      if (t.servers >= FAKE_MIN_SERVERS) return [];
      return [{ path: '/spec', message: `the fake platform wants ${FAKE_MIN_SERVERS} servers; this topology has ${t.servers}` }];
    },
  },
];
