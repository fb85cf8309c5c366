/**
 * The cdktf app writes the external load balancer's configuration beside the stack of every
 * topology with `loadBalancing: external`, and only there; over time (v1 external, v2 IGEL load
 * balancing) no stale file is left for an operator to deploy; a refused version keeps the last good
 * stack folder whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { synthesize } from '../../main';
import { EXTERNAL_LB_FILE, renderExternalLoadBalancer } from '../../core/configs/external-lb';
import { resolveTopology } from '../../core/model/resolve';
import { repoRoot, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-synth-extlb-');

describe('the external load balancer beside the stack', () => {
  it('the shipped examples: hamburg-external gets its HAProxy file; the IGEL ones none, and the aws one none (its stack builds a Network Load Balancer)', () => {
    const outdir = path.join(dir, 'examples');
    const result = synthesize({ topologyDir: path.join(repoRoot, 'topologies'), outdir, log: () => {} });
    expect(result.code).toBe(0);
    expect(result.stacks).toEqual(expect.arrayContaining(['hamburg-external', 'berlin-small', 'hamburg-aws']));
    for (const stack of result.stacks) {
      const file = path.join(outdir, 'stacks', stack, EXTERNAL_LB_FILE);
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'sizing-report.json'), 'utf8')) as { loadBalancing: string; platform: string };
      expect(fs.existsSync(file)).toBe(report.loadBalancing === 'external' && report.platform === 'vsphere');
    }
    // The aws stack's report names what it builds, not a file it does not write.
    const aws = fs.readFileSync(path.join(outdir, 'stacks', 'hamburg-aws', 'sizing-report.md'), 'utf8');
    expect(aws).not.toContain('HAProxy configuration');
    expect(aws).toContain('The stack builds a Network Load Balancer');
    expect(fs.existsSync(path.join(outdir, 'stacks', 'hamburg-aws', 'cdk.tf.json'))).toBe(true);
    const cfg = fs.readFileSync(path.join(outdir, 'stacks', 'hamburg-external', EXTERNAL_LB_FILE), 'utf8');
    expect(cfg).toContain('Cluster Address to ums.hamburg.example.internal:8443');
    // Passthrough (its externalLoadBalancer.tls): one TCP backend with every server.
    expect(cfg.match(/^\s+server ums\d /gm)?.length).toBe(3);
    expect(cfg).toMatch(/^frontend ums_tls\n    mode tcp\n/m);
  });

  it('v1 external, v2 IGEL load balancers: the file of v1 is removed; a refused v3 keeps the last good output whole (issue 23.2)', () => {
    const topologies = path.join(dir, 'site', 'topologies');
    const outdir = path.join(dir, 'site', 'cdktf.out');
    fs.mkdirSync(topologies, { recursive: true });
    const file = path.join(topologies, 'site.yaml');
    const lbFile = path.join(outdir, 'stacks', 'test-site', EXTERNAL_LB_FILE);
    const v1 = topology({ loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443' });
    fs.writeFileSync(file, stringify(v1));
    expect(synthesize({ topologyDir: topologies, outdir, log: () => {} }).code).toBe(0);
    expect(fs.readFileSync(lbFile, 'utf8')).toBe(renderExternalLoadBalancer(resolveTopology(v1))!.content);
    fs.writeFileSync(file, stringify(topology()));
    expect(synthesize({ topologyDir: topologies, outdir, log: () => {} }).code).toBe(0);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'test-site', 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(lbFile)).toBe(false);
    fs.writeFileSync(file, stringify(v1));
    synthesize({ topologyDir: topologies, outdir, log: () => {} });
    expect(fs.existsSync(lbFile)).toBe(true);
    fs.writeFileSync(file, stringify(topology({ loadBalancing: 'external', deviceOs: ['os12'] })));
    expect(synthesize({ topologyDir: topologies, outdir, log: () => {} }).code).toBe(1);
    // The stack folder of the last good run, its HAProxy file with it: never a half of each.
    expect(fs.readFileSync(lbFile, 'utf8')).toBe(renderExternalLoadBalancer(resolveTopology(v1))!.content);
  });
});
