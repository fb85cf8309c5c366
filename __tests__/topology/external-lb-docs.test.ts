/**
 * The documentation of the external load balancer says what the code builds: the Network Load
 * Balancer's listeners, which source address the servers see, which platform gets the HAProxy file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadBalancerPorts } from '../../platforms/aws/placement';
import { readTopology } from '../../core/reader/read';
import type { ResolvedTopology } from '../../core/model/model';
import { SOURCE_ADDRESS_TEXT } from '../../core/reports/report';
import { repoRoot } from '../helpers/cli';

const read = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const topologyMd = read('docs/topology.md');
const readme = read('README.md');
const awsSection = topologyMd.slice(topologyMd.indexOf('## Platform aws'));

function shipped(file: string): ResolvedTopology {
  const r = readTopology(path.join(repoRoot, 'topologies', file));
  if ('problem' in r) throw new Error(r.problem);
  return r.result.topology as ResolvedTopology;
}

describe('the docs of the external load balancer match the code', () => {
  it('docs/topology.md names no Network Load Balancer listener the stack does not build (no 30005, no 30001)', () => {
    const row = awsSection.split('\n').find((l) => l.startsWith('| load balancer |'))!;
    expect(row).toBeDefined();
    const ports = [...row.matchAll(/\b(\d{4,5})\b/g)].map((m) => Number(m[1]));
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(loadBalancerPorts(shipped('hamburg-aws.yaml'))).toContain(p);
  });

  it('the source address the servers see behind the NLB is stated once, the same in the docs and the report: the devices\' own (client IP preservation)', () => {
    expect(awsSection).toContain('client IP preservation, so the servers see the devices\' and Consoles\' own addresses');
    expect(SOURCE_ADDRESS_TEXT['aws-nlb']).toContain("The servers see the devices' and Consoles' own addresses");
    expect(awsSection).not.toMatch(/see the load balancer as the source/);
    // HAProxy proxies: there the servers do see the load balancer.
    expect(SOURCE_ADDRESS_TEXT.haproxy).toContain('The servers see the load balancer as the source');
  });

  it('README says the AWS stack builds its Network Load Balancer and only vSphere gets the HAProxy file', () => {
    expect(readme).not.toMatch(/Cloud load balancers \(AWS NLB\/ALB and the like\) are not generated/);
    expect(readme).not.toMatch(/`loadBalancing: external` \(any\s+platform\), `external-load-balancer\.haproxy\.cfg`/);
    expect(readme).toContain('On\n  AWS the stack builds a Network Load Balancer');
    expect(readme).toContain('An AWS stack builds a Network\nLoad Balancer instead and gets no HAProxy file.');
  });
});
