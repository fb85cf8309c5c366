import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildReport, renderReportMarkdown } from '../../topology/report';
import { check, nodes, topology } from '../helpers/topology';

const report = (spec: Record<string, unknown>, network: Record<string, unknown> = {}) => buildReport(check(topology(spec, network)))!;
const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('sizing report', () => {
  it('explains each count with the rule and the numbers', () => {
    const r = report({ devices: 120000 });
    expect(r.servers).toEqual({ count: 3, source: 'derived', reason: 'max(2, ceil(120,000 / 50,000)) = 3: 1 server per 50,000 devices, at least 2 for failover' });
    expect(r.loadBalancers.reason).toBe('max(2, ceil(3 / 3)) = 2: 1 load balancer per 3 servers, at least 2');
    expect(r.layout).toEqual({ value: 'separate', reason: '120,000 devices > 50,000 require load balancers on hosts of their own (layout auto)' });
  });

  it('states the capacity headroom and what one failure leaves', () => {
    const r = report({ devices: 120000 });
    expect(r.capacity.text).toBe('3 servers serve up to 150,000 devices; 120,000 declared = 80 %');
    expect(r.capacity.oneServerDown).toMatchObject({ capacityDevices: 100000, utilizationPercent: 120, ok: false });
    expect(r.capacity.oneLoadBalancerDown?.text).toBe('With one load balancer down, 1 load balancer forwards for 3 servers (IGEL: at most 3 per load balancer, so up to 3)');
    expect(report({ devices: 90000, servers: 3 }).capacity.oneServerDown.ok).toBe(true);
  });

  it('the failure section and UMS-SIZE-007 give the same numbers', () => {
    for (const [spec, count] of [
      [{ devices: 120000 }, '4 servers survive one failure'],
      [{ devices: 150000, layout: 'separate', servers: 4, loadBalancers: 2 }, '3 load balancers survive one failure'],
    ] as const) {
      const r = report(spec);
      const finding = r.findings.find((f) => f.ruleId === 'UMS-SIZE-007')!;
      expect(finding.message).toContain(count);
      const lines = [r.capacity.oneServerDown.text, r.capacity.oneLoadBalancerDown?.text ?? ''];
      expect(lines.some((l) => l.includes(`UMS-SIZE-007: ${count}`))).toBe(true);
    }
    const r = report({ devices: 120000 });
    expect(r.capacity.oneServerDown.text).toContain('2 servers serve up to 100,000 devices; 120,000 declared');
    expect(r.findings.find((f) => f.ruleId === 'UMS-SIZE-007')!.message).toContain('the 2 left serve up to 100,000 devices (50,000 each), fewer than the 120,000 declared');
    expect(report({ devices: 100000, servers: 3 }).capacity.oneServerDown.text).not.toContain('UMS-SIZE-007');
  });

  it('co-located: one host down takes a server and a load balancer', () => {
    expect(report({ devices: 30000 }).capacity.oneLoadBalancerDown?.text).toMatch(/^With one host down \(its server and its load balancer\), 1 server serve/);
  });

  it('sizes every VM and adds them up', () => {
    const r = report({ devices: 120000, resources: { server: { cpus: 8, memoryGb: 16, diskGb: 100 } } });
    expect(r.vms.map((v) => [v.name, v.cpus, v.memoryGb, v.diskGb])).toEqual([
      ['ums1', 8, 16, 100],
      ['ums2', 8, 16, 100],
      ['ums3', 8, 16, 100],
      ['lb1', 2, 4, 20],
      ['lb2', 2, 4, 20],
    ]);
    expect(r.totals).toEqual({ vms: 5, cpus: 28, memoryGb: 56, diskGb: 340 });
  });

  it('lists the firewall matrix with its sources, and the findings', () => {
    const r = report({ devices: 350001 });
    expect(r.firewall.find((f) => f.id === 'console-webapp')).toMatchObject({ port: 8443, from: 'admins', to: 'servers', sources: ['10.40.0.0/24'] });
    expect(r.findings.map((f) => f.ruleId)).toContain('UMS-SIZE-005');
    expect(renderReportMarkdown(r)).toContain('**warning** `UMS-SIZE-005`');
  });

  it('reports a design with errors, and says it is refused', () => {
    const r = report({ devices: 120000, servers: 2 });
    expect(r.valid).toBe(false);
    expect(renderReportMarkdown(r)).toContain('**The design is refused: see the findings.**');
  });

  it('has nothing to report for a file that fails the schema', () => {
    expect(buildReport(check(topology({ devices: 'many' })))).toBeUndefined();
  });

  it('draws Mermaid diagrams the Mermaid parser accepts, for every layout and device mix', () => {
    const diagrams = [
      report({ devices: 30000 }),
      report({ devices: 300000, loadBalancers: 2 }),
      report({ devices: 120000, ...external }),
      report({ devices: 120000, deviceOs: ['os12'] }),
      report({ devices: 60000, deviceOs: ['os11'], nodes: nodes(2, 2) }),
      report({ devices: 1000 }, { firstAddress: undefined }),
    ].map((r) => r.mermaid);
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 60000 });
    expect(JSON.parse(r.stdout)).toEqual(diagrams.map(() => ({ ok: true, type: 'flowchart-v2' })));
  });

  it('the Mermaid check rejects a broken diagram (control)', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify(['flowchart LR\n  a -- --> ']), encoding: 'utf8', timeout: 60000 });
    expect(JSON.parse(r.stdout)[0].ok).toBe(false);
  });
});
