import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildReport, renderReportMarkdown } from '../../core/reports/report';
import { check, nodes, topology } from '../helpers/topology';

const report = (spec: Record<string, unknown>, network: Record<string, unknown> = {}) => buildReport(check(topology(spec, network)))!;
const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('sizing report', () => {
  it('explains each count with the rule and the numbers', () => {
    const r = report({ devices: 120000 });
    expect(r.servers).toEqual({ count: 3, source: 'derived', reason: 'max(ceil(120,000 / 50,000), 2) = 3: 1 server per 50,000 devices (UMS-SIZE-001) and 2 for failover (UMS-SIZE-003)' });
    expect(r.loadBalancers.reason).toBe('max(ceil(3 / 3), 2) = 2: 1 load balancer per 3 servers (UMS-SIZE-002) and 2 for failover (UMS-SIZE-004)');
    // Given counts: the minimum validate requires, as one figure with both reasons.
    const given = report({ devices: 120000, layout: 'separate', servers: 4, loadBalancers: 2 });
    expect(given.servers.reason).toBe('4 given; validate requires at least max(ceil(120,000 / 50,000), 2) = 3: 1 server per 50,000 devices (UMS-SIZE-001) and 2 for failover (UMS-SIZE-003)');
    expect(given.loadBalancers.reason).toBe('2 given; validate requires at least max(ceil(4 / 3), 2) = 2: 1 load balancer per 3 servers (UMS-SIZE-002) and 2 for failover (UMS-SIZE-004)');
    expect(given.loadBalancers.reason).not.toMatch(/at least \d+ \(1 per 3\) and at least 2/);
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
    // A server's disk: the components' sum, or the program files and retained firmware (UMS-RES-002), the larger.
    expect(server.minimum).toMatchObject({ memoryGb: 5, diskGb: 31 });
    expect(server.minimum.parts.map((p) => p.component)).toEqual(['UMS Server', 'UMS Web App']);
    expect(lb.minimum).toMatchObject({ memoryGb: 1, diskGb: 1 });
    const co = report({}).vms[0]!;
    expect(co.minimum).toMatchObject({ memoryGb: 6, diskGb: 31 });
    const md = renderReportMarkdown(r);
    expect(md).toContain(
      '| UMS Server 4 + UMS Web App 1 = 5 (UMS-RES-001) | max(UMS Server 2 + UMS Web App 1 = 3 (UMS-RES-001), 1 GB program files + 3 retained firmware updates x 10 GB = 31 (UMS-RES-002)) = 31 |',
    );
    expect(md).toContain('| UMS Load Balancer 1 = 1 (UMS-RES-001) | UMS Load Balancer 1 = 1 (UMS-RES-001) |');
    expect(md).not.toContain('2 + 1 = 3 |');
    expect(renderReportMarkdown(report({}))).toContain('| UMS Server 4 + UMS Web App 1 + UMS Load Balancer 1 = 6 (UMS-RES-001) | max(UMS Server 2 + UMS Web App 1 + UMS Load Balancer 1 = 4 (UMS-RES-001)');
  });

  it.each([
    ['separate, 3 retained updates', { devices: 120000 }],
    ['co-located, 1 retained update', { devices: 30000, firmware: { retainedUpdates: 1, syncViaWebdav: true } }],
    ['separate, no retained update', { devices: 120000, firmware: { retainedUpdates: 0, syncViaWebdav: true } }],
  ])('every minimum in the report is what validate enforces (%s): at it no finding, one below an error', (_name, spec) => {
    const r = report(spec);
    const rules = ['UMS-SCHEMA', 'UMS-RES-001', 'UMS-RES-002', 'UMS-SIZE-001', 'UMS-SIZE-002', 'UMS-SIZE-003', 'UMS-SIZE-004'];
    const errors = (extra: Record<string, unknown>) => check(topology({ ...spec, ...extra })).findings.filter((f) => rules.includes(f.ruleId)).map((f) => f.ruleId);
    const size = { cpus: 4, memoryGb: 64, diskGb: 500 };
    for (const role of ['server', 'loadBalancer'] as const) {
      const vm = r.vms.find((v) => v.roles[0] === role && v.roles.length === (role === 'server' && r.layout.value === 'co-located' ? 2 : 1));
      if (!vm) continue;
      for (const field of ['memoryGb', 'diskGb'] as const) {
        const other = role === 'server' ? 'loadBalancer' : 'server';
        const at = (n: number) => errors({ resources: { [role]: { ...size, [field]: n }, [other]: size } });
        expect(at(vm.minimum[field])).toEqual([]);
        expect(at(vm.minimum[field] - 1).length).toBeGreaterThan(0);
      }
    }
    // The counts' minimum in the reason: given at it, no finding; one below, an error.
    const least = (reason: string) => Number(/= (\d+)/.exec(reason)![1]);
    const servers = least(r.servers.reason);
    expect(errors({ servers })).toEqual([]);
    expect(errors({ servers: servers - 1 }).length).toBeGreaterThan(0);
    if (r.layout.value === 'separate') {
      const lbs = least(r.loadBalancers.reason);
      expect(errors({ layout: 'separate', loadBalancers: lbs })).toEqual([]);
      expect(errors({ layout: 'separate', loadBalancers: lbs - 1 }).length).toBeGreaterThan(0);
    }
  });

  it('firewall sources: the reserved slots of future nodes are named as such, apart from the nodes of today', () => {
    const r = report({ devices: 120000 });
    const nodeAddresses = r.vms.map((v) => v.ip);
    const messaging = r.firewall.find((f) => f.id === 'ha-messaging')!;
    expect(messaging.reserved.length).toBeGreaterThan(0);
    expect(messaging.reserved).toEqual(messaging.sources.filter((a) => !nodeAddresses.includes(a)));
    for (const a of messaging.reserved) expect(nodeAddresses).not.toContain(a);
    const devices = r.firewall.find((f) => f.id === 'os11-devices')!;
    expect(devices.reserved).toEqual([]);
    const md = renderReportMarkdown(r);
    const row = md.split('\n').find((l) => l.startsWith('| 61616 | tcp |'))!;
    const now = messaging.sources.filter((a) => nodeAddresses.includes(a));
    expect(row).toContain(`| ${now.join(', ')}; reserved slots: ${messaging.reserved.join(', ')} |`);
    expect(md).toContain('"reserved slots": no node has these addresses yet');
  });

  it('the diagram draws every flow between HA nodes of the firewall matrix (30001 health check, 61616/tcp to the load balancers)', () => {
    for (const spec of [{ devices: 120000 }, { devices: 30000 }, external] as Array<Record<string, unknown>>) {
      const r = report(spec);
      const edges = [...r.mermaid.matchAll(/^ {2}(n\d+) (<--|--) "([^"]*)" --> (n\d+)$/gm)].map((m) => ({ a: m[1]!, both: m[2] === '<--', label: m[3]!, b: m[4]! }));
      const id = (name: string) => `n${r.vms.findIndex((v) => v.name === name)}`;
      const rows = r.firewall.filter((f) => /^(servers|load balancers)( and load balancers)?$/.test(f.from) && /^(servers|load balancers)( and load balancers)?$/.test(f.to) && !f.protocol.includes('broadcast'));
      expect(rows.length).toBeGreaterThan(0);
      const plays = (v: (typeof r.vms)[number], parties: string) => (parties.includes('servers') && v.roles.includes('server')) || (parties.includes('load balancers') && v.roles.includes('loadBalancer'));
      for (const row of rows) {
        for (const a of r.vms) {
          for (const b of r.vms) {
            if (a === b || !plays(a, row.from) || !plays(b, row.to)) continue;
            const drawn = edges.some((e) => ((e.a === id(a.name) && e.b === id(b.name)) || (e.both && e.a === id(b.name) && e.b === id(a.name))) && e.label.includes(String(row.port)));
            if (!drawn) throw new Error(`${row.id} (${row.port}) from ${a.name} to ${b.name} is not in the diagram:\n${r.mermaid}`);
          }
        }
      }
    }
    expect(report({ devices: 120000 }).mermaid).toContain('30001/tcp health check');
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
