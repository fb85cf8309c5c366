/**
 * A fake third platform (a test fixture), registered by the platform tests from this folder only:
 * its own rule (UMS-FAKE-001) and its own stack (./stack.ts, loaded on demand like the built-in
 * ones). No placement (one address pool, no static MACs), no bootstrap data, no load balancer.
 */
import type { PlatformEntry, PlatformStackClass } from '../../../core/platform/registry';
import { fakeRules } from './rules';

export const fakePlatform: PlatformEntry = {
  name: 'fake',
  title: 'A fake platform for tests',
  broadcast: true,
  rules: fakeRules,
  classes: { stack: 'FakeStack', construct: 'FakeStack' },
  loadStack: () => (require('./stack') as typeof import('./stack')).FakeStack as PlatformStackClass,
};
