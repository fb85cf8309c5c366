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
      ['lb1', 4, 4, 20],
      ['lb2', 4, 4, 20],
    ]);
    expect(r.totals).toEqual({ vms: 5, cpus: 32, memoryGb: 56, diskGb: 340 });
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

describe('sizing report: as the seeds write it', () => {
  it('the minimum of a host counts the UMS Web App installed on every server host, and the report shows the sum (seed 004)', () => {
    const r = report({ devices: 120000 });
    const server = r.vms.find((v) => v.name === 'ums1')!;
    const lb = r.vms.find((v) => v.name === 'lb1')!;
    expect(server.minimum).toMatchObject({ memoryGb: 5, diskGb: 3 });
    expect(server.minimum.parts.map((p) => p.component)).toEqual(['UMS Server', 'UMS Web App']);
    expect(lb.minimum).toMatchObject({ memoryGb: 1, diskGb: 1 });
    const co = report({}).vms[0]!;
    expect(co.minimum).toMatchObject({ memoryGb: 6, diskGb: 4 });
    const md = renderReportMarkdown(r);
    expect(md).toContain('| UMS Server 4 + UMS Web App 1 = 5; 2 + 1 = 3 |');
    expect(renderReportMarkdown(report({}))).toContain('UMS Server 4 + UMS Web App 1 + UMS Load Balancer 1 = 6; 2 + 1 + 1 = 4');
  });

  it('says where devices connect, as the stack output does: OS 12 to the servers on 8443, OS 11 to the load balancers', () => {
    const md = renderReportMarkdown(report({ devices: 120000 }));
    expect(md).toContain('- OS 12 devices: the UMS Servers directly on TCP 8443 /device-connector/* (the IGEL load balancers carry OS 11 traffic only): 10.20.0.11:8443, 10.20.0.12:8443, 10.20.0.13:8443.');
    expect(md).toContain('- OS 11 devices: the IGEL load balancers on TCP 30001: 10.20.0.17:30001, 10.20.0.18:30001.');
    expect(renderReportMarkdown(report(external))).toContain('- OS 12 devices: the external load balancer (Cluster Address ums.example.internal:8443)');
  });

  it('30005: the server talks and the device listens, outbound, with no inbound sources', () => {
    const r = report({});
    for (const f of r.firewall.filter((x) => x.port === 30005)) {
      expect(f).toMatchObject({ from: 'servers', to: 'devices', sources: [], portsPage: expect.stringContaining('igel-ums-communication-ports') });
      expect(f.protocol).toMatch(/\(outbound\)$/);
    }
    expect(renderReportMarkdown(r)).toContain('| talks (from) | listens (to) |');
    expect(r.mermaid).toContain('-- "30005 tcp+udp (OS 11)" --> devices');
    expect(r.mermaid).not.toContain('devices -- "30005');
  });

  it('firmware.syncViaWebdav: the step to enable "Synchronize downloaded Universal Firmware Updates" (seed 003), or the step that says it is off', () => {
    const on = report({ firmware: { syncViaWebdav: true } }).postInstall.find((s) => s.id === 'firmware-sync')!;
    expect(on.details.join(' ')).toContain('activate "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories"');
    expect(on.details.join(' ')).toContain('HTTPS (UMS WebDAV)');
    const off = report({ firmware: { syncViaWebdav: false } }).postInstall.find((s) => s.id === 'firmware-sync')!;
    expect(off.details.join(' ')).toContain('leave "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories" off');
  });

  it('after installation: register the UMS only where deviceOs includes os12; the Health Check per load-balancing mode', () => {
    expect(report({}).postInstall.map((s) => s.id)).toContain('register-ums');
    expect(report({ deviceOs: ['os11'] }).postInstall.map((s) => s.id)).not.toContain('register-ums');
    const ext = report(external).postInstall.find((s) => s.id === 'health-check')!.details.join(' ');
    expect(ext).toContain('Watchdog error messages may be ignored');
    expect(ext).not.toContain('6155');
    const md = renderReportMarkdown(report(external));
    expect(md).toContain('## After installation');
    expect(report(external).mermaid).not.toContain('bcast');
  });
});

describe('sizing report: IGEL size class (UMS-RES-003)', () => {
  it.each([
    [14999, 'M/S (HA)', false],
    [15000, 'L (HA)', true],
    [49999, 'L (HA)', true],
    [50000, 'XL (HA)', true],
  ])('%i devices: class %s, standalone Console mandatory: %s', (devices, name, mandatory) => {
    const r = report({ devices, ...(devices >= 50000 ? { layout: 'separate' } : {}) });
    expect(r.sizeClass.name.startsWith(name)).toBe(true);
    expect(r.sizeClass.rows.find((x) => x.component === 'UMS Console on a host of its own')!.igel.startsWith(mandatory ? 'mandatory' : 'optional')).toBe(true);
    expect(r.postInstall.some((s) => s.id === 'console-host')).toBe(mandatory);
  });

  it('shows the figures, the database connections (128 per server) and the latency limits, each with its source', () => {
    const r = report({ devices: 120000, resources: { server: { cpus: 8, memoryGb: 16, diskGb: 100 }, loadBalancer: { cpus: 2 } } });
    const row = (c: string) => r.sizeClass.rows.find((x) => x.component.startsWith(c))!;
    expect(row('UMS Server host')).toMatchObject({ igel: '6 vCPUs, 9 + 1 (Web App) = 10 GB RAM, 25 GB disk', ok: true });
    expect(row('UMS Load Balancer')).toMatchObject({ igel: '4 vCPUs, 4 GB RAM, 2 GB disk', ok: false });
    expect(row('Database connections').topology).toContain('128 × 3 = 384');
    expect(row('Latency').igel).toBe('database <-> UMS Server <= 20 ms; between UMS Servers <= 50 ms; load balancer <-> UMS Server <= 50 ms');
    for (const x of r.sizeClass.rows) expect(x.source).toMatch(/IGEL "/);
    expect(renderReportMarkdown(r)).toMatch(/\| UMS Load Balancer on its own host × 2 \| 4 vCPUs, 4 GB RAM, 2 GB disk \| 2 vCPUs, 4 GB RAM, 20 GB disk \*\*\(below\)\*\* \|/);
  });
});
