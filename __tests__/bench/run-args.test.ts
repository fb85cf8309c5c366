/**
 * bench/run.js refuses what it cannot honour before it measures anything: `--baseline-root=`
 * without a folder (an unset variable in a script) would otherwise run without the baseline
 * column the user asked for.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../helpers/cli';

const bench = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bench', 'run.js'), ...args], { encoding: 'utf8', timeout: 30000, env: { ...process.env, UMS_HA_BENCH_BASELINE_ROOT: '' } });

describe('bench/run.js arguments', () => {
  it('--baseline-root= without a folder is a usage error, and nothing is measured', () => {
    const r = bench('--baseline-root=', '--only=validate-cold');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bench: unknown "--baseline-root="');
    expect(r.stdout).toBe('');
  });

  it('a baseline folder that is no built checkout is refused with its name (the control)', () => {
    const r = bench('--baseline-root=/nonexistent-ums-ha-checkout', '--only=validate-cold');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('bench: /nonexistent-ums-ha-checkout is not a built checkout (no dist/ums-ha-cli.js): run npm run build there\n');
  });
});
