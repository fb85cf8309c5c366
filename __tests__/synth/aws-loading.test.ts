/**
 * The AWS bindings load only when a topology needs them: the app over vSphere files alone reads
 * none of @cdktf/provider-aws, and validate and report of an aws topology load neither cdktf nor
 * a provider. Real processes on the built app (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

const counter = path.join(repoRoot, '__tests__', 'fixtures', 'count-aws-bindings.js');
const forbid = path.join(repoRoot, '__tests__', 'fixtures', 'forbid-cdktf.js');
const dir = tempDir('ums-ha-aws-loading-');

function app(files: string[]): { code: number | null; loaded: number; stderr: string } {
  const topologies = path.join(dir, `t${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(topologies);
  for (const f of files) fs.copyFileSync(path.join(repoRoot, 'topologies', f), path.join(topologies, f));
  const r = spawnSync(process.execPath, ['-r', counter, path.join(repoRoot, 'bin', 'ums-ha-app.js')], {
    encoding: 'utf8',
    cwd: dir,
    timeout: 60_000,
    env: { ...process.env, UMS_TOPOLOGY_DIR: topologies, CDKTF_OUTDIR: path.join(topologies, 'out') },
  });
  const m = /aws-bindings-loaded=(\d+)/.exec(r.stderr);
  return { code: r.status, loaded: m ? Number(m[1]) : -1, stderr: r.stderr };
}

describe('loading the AWS bindings', () => {
  it('an app of vSphere files alone loads none of them; one aws file loads them (control)', () => {
    const vsphere = app(['berlin-small.yaml', 'frankfurt-large.yaml']);
    expect(vsphere.code).toBe(0);
    expect(vsphere.loaded).toBe(0);
    const aws = app(['berlin-small.yaml', 'hamburg-aws.yaml']);
    expect(aws.code).toBe(0);
    expect(aws.loaded).toBeGreaterThan(0);
  });

  it('validate and report of an aws topology load neither cdktf nor a provider', () => {
    for (const args of [['validate', 'topologies/hamburg-aws.yaml'], ['report', 'topologies/hamburg-aws.yaml']]) {
      const r = spawnSync(process.execPath, ['-r', forbid, path.join(repoRoot, 'bin', 'ums-ha.js'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });
});
