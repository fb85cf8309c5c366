/**
 * The external load balancer's HAProxy configuration (core/configs/external-lb.ts): what it carries
 * comes from the firewall matrix, every server is a health-checked backend, and HAProxy's own
 * check (`haproxy -c -f`) accepts the file for every example topology with external load
 * balancing. The end-to-end behaviour is in external-lb-netns.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_TLS_DIR,
  EST_CA_FILE,
  EXTERNAL_LB_FILE,
  FORWARDED_CERT_HEADER,
  HEALTH_CHECK,
  UMS_WEB_PORT,
  clusterAddressStep,
  externalLbPlan,
  generatedLoadBalancer,
  renderExternalLoadBalancer,
  writeExternalLoadBalancer,
} from '../../core/configs/external-lb';
import { firewallMatrix, sourceAddresses } from '../../core/network/matrix';
import type { ResolvedTopology } from '../../core/model/model';
import { readTopology } from '../../core/reader/read';
import { resolveTopology } from '../../core/model/resolve';
import { repoRoot, tempDir } from '../helpers/cli';
import { requireTools } from '../helpers/system';
import { makeTlsDir } from '../helpers/tls';
import { awsTopology, check, topology } from '../helpers/topology';
import { renderFirewall } from '../../core/configs/nftables';
import { securityGroupRules } from '../../platforms/aws/placement';
import { buildReport, renderReportMarkdown } from '../../core/reports/report';

requireTools('haproxy', 'openssl');

const dir = tempDir('ums-ha-extlb-');
const tls = makeTlsDir(path.join(dir, 'tls'), ['DNS:ums.example.internal']);
const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };
const offloading = { externalLoadBalancer: { tls: 'offloading', os12MinimumVersion: '12.3.2' } };

/** Every example topology (shipped and fixtures) whose platform gets the HAProxy file (vsphere, external load balancing). */
function externalExamples(): Array<[string, ResolvedTopology]> {
  const dirs = [path.join(repoRoot, 'topologies'), path.join(repoRoot, '__tests__', 'fixtures'), path.join(repoRoot, '__tests__', 'fixtures', 'external-lb')];
  const out: Array<[string, ResolvedTopology]> = [];
  for (const d of dirs) {
    for (const f of fs.readdirSync(d).filter((x) => /\.ya?ml$/.test(x))) {
      const file = path.join(d, f);
      const read = readTopology(file);
      if ('problem' in read) throw new Error(read.problem);
      expect(read.result.findings.filter((x) => x.severity === 'error')).toEqual([]);
      const t = read.result.topology as ResolvedTopology;
      if (generatedLoadBalancer(t) === 'haproxy') out.push([path.relative(repoRoot, file), t]);
    }
  }
  return out;
}

function haproxyCheck(content: string, name: string) {
  const file = path.join(dir, `${name.replace(/[^a-z0-9.-]/gi, '_')}.cfg`);
  fs.writeFileSync(file, content);
  return spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 30000 });
}

const serverLines = (cfg: string, backend: string) => {
  const block = cfg.split(/\n(?=\S)/).find((b) => b.startsWith(`backend ${backend}\n`)) ?? '';
  return block.split('\n').filter((l) => l.trim().startsWith('server '));
};

describe('the external load balancer plan, from the firewall matrix', () => {
  it('is nothing for IGEL load balancing', () => {
    const t = resolveTopology(topology());
    expect(externalLbPlan(t)).toBeUndefined();
    expect(renderExternalLoadBalancer(t)).toBeUndefined();
  });

  it.each([
    ['OS 11 and OS 12', ['os11', 'os12']],
    ['OS 11 only', ['os11']],
    ['OS 12 only', ['os12']],
  ])('%s: HTTPS carries the 8443 rows, pass-through every other device TCP row to the servers, UDP never', (_n, deviceOs) => {
    const t = resolveTopology(topology({ ...external, deviceOs, servers: 3 }));
    const plan = externalLbPlan(t)!;
    const rows = firewallMatrix(t).filter((r) => r.direction === 'inbound' && r.to.includes('server'));
    const deviceTcp = rows.filter((r) => r.protocol === 'tcp' && r.from.includes('devices') && r.port !== UMS_WEB_PORT);
    expect(plan.passThrough.map((p) => p.port)).toEqual([...new Set(deviceTcp.map((r) => r.port))].sort((a, b) => a - b));
    expect(plan.httpsRows).toEqual(rows.filter((r) => r.protocol === 'tcp' && r.port === UMS_WEB_PORT && (r.from.includes('devices') || r.from.includes('admins'))).map((r) => r.id));
    for (const r of rows.filter((x) => x.protocol === 'udp' && x.from.includes('devices'))) expect(plan.notCarried.map((n) => n.id)).toContain(r.id);
    // OS 11 devices: 30001 passed through (seed 004); OS 12: the device connector route.
    expect(plan.passThrough.some((p) => p.port === 30001)).toBe(deviceOs.includes('os11'));
    expect(plan.routes.some((r) => r.prefix === '/device-connector/')).toBe(deviceOs.includes('os12'));
    expect(plan.routes.map((r) => r.prefix)).toEqual(expect.arrayContaining(['/webapp/', '/wums-app/', '/']));
    expect(plan.servers.map((s) => s.name)).toEqual(['ums1', 'ums2', 'ums3']);
    // SSH stays direct: administration never goes through the load balancer.
    expect(plan.passThrough.some((p) => p.port === 22)).toBe(false);
  });

  it('every server of the topology is a health-checked backend of every backend, on the port of its row', () => {
    const t = resolveTopology(topology({ ...external, devices: 200000 }));
    const cfg = renderExternalLoadBalancer(t)!.content;
    const servers = t.nodes.filter((n) => n.roles.includes('server'));
    expect(servers).toHaveLength(4);
    const plan = externalLbPlan(t)!;
    // Passthrough (the default): one TLS backend for every path; plus the passed-through ports.
    const backends = ['ums_tls', ...plan.passThrough.map((p) => p.backend)];
    expect(backends.length).toBeGreaterThanOrEqual(2);
    // Offloading: one backend per documented path group.
    const offCfg = renderExternalLoadBalancer(resolveTopology(topology({ ...external, devices: 200000, ...offloading })))!.content;
    for (const b of new Set(plan.routes.map((r) => r.backend))) {
      expect(serverLines(offCfg, b).map((l) => l.trim().split(/\s+/).slice(1, 3))).toEqual(servers.map((s) => [s.name, `${s.ip}:${UMS_WEB_PORT}`]));
    }
    for (const b of backends) {
      const port = plan.passThrough.find((p) => p.backend === b)?.port ?? UMS_WEB_PORT;
      const lines = serverLines(cfg, b);
      expect(lines.map((l) => l.trim().split(/\s+/).slice(1, 3))).toEqual(servers.map((s) => [s.name, `${s.ip}:${port}`]));
      for (const l of lines) expect(l).toContain(`check inter ${HEALTH_CHECK.interMs} fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise}`);
    }
    // Passthrough (the default): the Cluster Address's port is TCP, TLS ends at the servers; the health check still speaks TLS, verified.
    expect(cfg).toMatch(/^\s+bind :8443$/m);
    expect(cfg).not.toContain(' ssl crt ');
    for (const l of serverLines(cfg, 'ums_tls')) expect(l).toContain(`check-ssl verify required ca-file ${DEFAULT_TLS_DIR}/ums-servers-ca.pem`);
  });

  it('passthrough (the default): one TCP frontend on the Cluster Address port to every server 8443; nothing ends TLS, nothing reads or forwards a certificate', () => {
    const t = resolveTopology(topology({ ...external, deviceOs: ['os12'] }));
    expect(t.externalLoadBalancer).toEqual({ tls: 'passthrough' });
    const cfg = renderExternalLoadBalancer(t)!.content;
    const frontend = cfg.split(/\n(?=\S)/).find((b) => b.startsWith('frontend ums_tls\n'))!;
    expect(frontend).toContain('    mode tcp\n');
    expect(frontend).toContain('    bind :8443\n');
    expect(cfg).not.toMatch(/mode http|ssl crt|verify optional|X-SSL-CERT|ssl_c_/);
    expect(serverLines(cfg, 'ums_tls').map((l) => l.trim().split(/\s+/).slice(1, 3))).toEqual([['ums1', '10.20.0.11:8443'], ['ums2', '10.20.0.12:8443']]);
  });

  it('offloading: TLS ends here, the EST CA verifies device certificates, the WebSocket needs one, and it is forwarded in the header of the IGEL example (URL-encoded PEM)', () => {
    const t = resolveTopology(topology({ ...external, deviceOs: ['os12'], ...offloading }));
    const cfg = renderExternalLoadBalancer(t)!.content;
    expect(cfg).toMatch(new RegExp(`^\\s+bind :8443 ssl crt ${DEFAULT_TLS_DIR}/cluster-address\\.pem ca-file ${DEFAULT_TLS_DIR}/${EST_CA_FILE.replace('.', '\\.')} verify optional$`, 'm'));
    expect(cfg).toContain(`    http-request del-header ${FORWARDED_CERT_HEADER}\n`);
    expect(cfg).toContain('    http-request deny deny_status 403 if is_ums_device_connector is_websocket !{ ssl_c_used }\n');
    expect(cfg).toContain(`    http-request set-header ${FORWARDED_CERT_HEADER} "-----BEGIN%%20CERTIFICATE-----%%0A%[ssl_c_der,base64,`);
    // The header is deleted before it is set: a client's own header never reaches a server.
    expect(cfg.indexOf('del-header')).toBeLessThan(cfg.indexOf('set-header X-SSL-CERT'));
    for (const l of serverLines(cfg, 'ums_device_connector')) expect(l).toContain(`ssl verify required ca-file ${DEFAULT_TLS_DIR}/ums-servers-ca.pem`);
  });

  it('the Cluster Address step carries the exact value, in the file too', () => {
    const t = resolveTopology(topology({ ...external, clusterAddress: 'umsfarm.corp.example:9443' }));
    const cfg = renderExternalLoadBalancer(t)!.content;
    expect(clusterAddressStep('umsfarm.corp.example:9443')).toContain('UMS Administration > Global Configuration > Server Network Settings > Cluster Address to `umsfarm.corp.example:9443`');
    expect(cfg).toContain('Cluster Address to umsfarm.corp.example:9443');
    expect(cfg).toMatch(/^\s+bind :9443$/m);
    expect(renderExternalLoadBalancer(resolveTopology(topology({ ...external, clusterAddress: 'umsfarm.corp.example:9443', ...offloading })))!.content).toMatch(/^\s+bind :9443 ssl crt /m);
  });

  it('refuses what the rules refuse, with one line (no Cluster Address, a server without an address, a bad TLS folder)', () => {
    expect(() => renderExternalLoadBalancer(resolveTopology(topology({ loadBalancing: 'external' })))).toThrow(/needs clusterAddress host:port \(UMS-CLOUD-003\)$/);
    expect(() => renderExternalLoadBalancer(resolveTopology(topology(external, { firstAddress: undefined })))).toThrow(/server ums1 has no address \(UMS-NET-002\)$/);
    const t = resolveTopology(topology(external));
    for (const bad of ['relative/dir', '/etc/x y', '/etc/$(id)', '/etc/a\nglobal']) expect(() => renderExternalLoadBalancer(t, { tlsDir: bad })).toThrow(/^tlsDir must be an absolute path/);
  });

  it('writes the file beside a stack, and removes a stale one when the topology goes back to IGEL load balancing', () => {
    const stack = path.join(dir, 'stack');
    fs.mkdirSync(stack);
    writeExternalLoadBalancer(stack, resolveTopology(topology(external)));
    expect(fs.readFileSync(path.join(stack, EXTERNAL_LB_FILE), 'utf8')).toMatch(/^# External load balancer of the UMS HA network test-site/);
    writeExternalLoadBalancer(stack, resolveTopology(topology()));
    expect(fs.existsSync(path.join(stack, EXTERNAL_LB_FILE))).toBe(false);
  });
});

describe('haproxy -c on every example topology with external load balancing', () => {
  const examples = externalExamples();

  it('there are such examples: a shipped vSphere one and fixtures (control)', () => {
    expect(examples.map(([f]) => f)).toEqual(expect.arrayContaining(['topologies/hamburg-external.yaml', '__tests__/fixtures/external-lb/os12-offloading.yaml']));
    expect(examples.some(([, t]) => t.platform === 'vsphere')).toBe(true);
    // Both modes; and no valid example has OS 11 devices behind an external load balancer (UMS-XLB-001).
    expect(new Set(examples.map(([, t]) => t.externalLoadBalancer?.tls))).toEqual(new Set(['passthrough', 'offloading']));
    expect(examples.filter(([, t]) => t.deviceOs.includes('os11'))).toEqual([]);
  });

  it.each(examples)('%s: HAProxy accepts the generated file as written (the TLS folder is the one difference)', (file, t) => {
    const shipped = renderExternalLoadBalancer(t)!.content;
    const checked = renderExternalLoadBalancer(t, { tlsDir: tls.dir })!.content;
    // The file checked is the file shipped, with the operator's folder pointed at the test's certificates.
    expect(checked.split(tls.dir).join(DEFAULT_TLS_DIR)).toBe(shipped);
    const r = haproxyCheck(checked, file);
    expect(`${r.stdout}${r.stderr}`).toContain('Configuration file is valid');
    expect(r.status).toBe(0);
  });

  it('the check is real: HAProxy refuses the file when a TLS file the operator provides is missing, or a backend line is broken (control)', () => {
    const [, t] = examples.find(([, x]) => x.externalLoadBalancer?.tls === 'offloading')!;
    const missing = haproxyCheck(renderExternalLoadBalancer(t, { tlsDir: path.join(dir, 'no-such-dir') })!.content, 'missing-tls');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/cluster-address\.pem|ums-est-ca\.pem/);
    const broken = renderExternalLoadBalancer(t, { tlsDir: tls.dir })!.content.replace(/ check inter /, ' chek inter ');
    expect(haproxyCheck(broken, 'broken').status).not.toBe(0);
  });

  it('a Cluster Address on the OS 11 port: HAProxy would accept two listeners on one port, so the rule and the renderer refuse it', () => {
    const t = resolveTopology(topology({ ...external, clusterAddress: 'ums.example.internal:30001' }));
    expect(() => renderExternalLoadBalancer(t)).toThrow(/clusterAddress port 30001 is also passed through to the servers \(UMS-CLOUD-004\)$/);
    expect(check(topology({ ...external, clusterAddress: 'ums.example.internal:30001' })).findings.map((f) => f.ruleId)).toContain('UMS-CLOUD-004');
    // Control: the same clash written by hand passes HAProxy's own check (it binds both with SO_REUSEPORT).
    const ok = resolveTopology(topology({ ...external, ...offloading }));
    const cfg = renderExternalLoadBalancer(ok, { tlsDir: tls.dir })!.content;
    const clash = cfg.replace(/bind :\d+ ssl crt/, 'bind :30001 ssl crt');
    expect(clash).not.toBe(cfg);
    expect(haproxyCheck(clash, 'clash').status).toBe(0);
  });
});

describe('one platform, one load balancer: what is generated, and what the servers see as the source', () => {
  it('vsphere gets the HAProxy file; aws none (its stack builds a Network Load Balancer); azure and gcp none', () => {
    expect(renderExternalLoadBalancer(resolveTopology(topology({ ...external, deviceOs: ['os12'] })))).toBeDefined();
    const aws = resolveTopology(awsTopology());
    expect(generatedLoadBalancer(aws)).toBe('aws-nlb');
    expect(renderExternalLoadBalancer(aws)).toBeUndefined();
    for (const platform of ['azure', 'gcp']) expect(renderExternalLoadBalancer(resolveTopology(topology({ ...external, deviceOs: ['os12'], platform })))).toBeUndefined();
    const stack = path.join(dir, 'aws-stack');
    fs.mkdirSync(stack);
    fs.writeFileSync(path.join(stack, EXTERNAL_LB_FILE), 'stale');
    writeExternalLoadBalancer(stack, aws);
    expect(fs.existsSync(path.join(stack, EXTERNAL_LB_FILE))).toBe(false);
  });

  it('the reports state the source address once, per generated load balancer: HAProxy proxies, the NLB (instance targets) preserves the devices\' addresses', () => {
    const vs = renderReportMarkdown(buildReport(check(topology({ ...external, deviceOs: ['os12'] })))!);
    expect(vs).toContain('The servers see the load balancer as the source of device and Console traffic');
    expect(vs).toContain('Synthesis writes its HAProxy configuration beside the stack');
    const aws = buildReport(check(awsTopology()))!;
    expect(aws.externalLoadBalancer).toMatchObject({ generated: 'aws-nlb', tls: 'passthrough' });
    expect(aws.externalLoadBalancer!.file).toBeUndefined();
    const md = renderReportMarkdown(aws);
    expect(md).not.toContain('see the load balancer as the source');
    expect(md).not.toContain('HAProxy configuration');
    expect(md).toContain("The servers see the devices' and Consoles' own addresses");
    // The stack's target groups are what the statement rests on: instance targets, client IP preservation on.
    expect(fs.readFileSync(path.join(repoRoot, 'platforms', 'aws', 'constructs', 'load-balancer.ts'), 'utf8')).toMatch(/targetType: 'instance',[\s\S]*preserveClientIp: 'true'/);
  });

  it('aws: the servers admit the Network Load Balancer\'s health checks from its subnets, in the matrix, the host firewall and the security groups', () => {
    const t = resolveTopology(awsTopology());
    const row = firewallMatrix(t).find((r) => r.id === 'nlb-health-check-8443')!;
    expect(row).toMatchObject({ from: ['nlb'], to: ['server'], protocol: 'tcp', port: 8443, direction: 'inbound' });
    expect(sourceAddresses(t, row)).toEqual(['10.20.1.0/24', '10.20.2.0/24']);
    const nft = renderFirewall(t, t.nodes[0]!);
    expect(nft).toContain('set nlb_nets');
    expect(nft).toMatch(/elements = \{ 10\.20\.1\.0\/24, 10\.20\.2\.0\/24 \}/);
    expect(nft).toContain(`ip saddr @nlb_nets ip daddr ${t.nodes[0]!.ip} tcp dport 8443 accept comment "nlb-health-check-8443"`);
    expect(securityGroupRules(t).find((r) => r.group === 'server' && r.direction === 'ingress' && r.port === 8443 && 'group' in r.peer && r.peer.group === 'nlb')?.reasons).toContain('nlb-health-check-8443');
    // vsphere: no such row, no such set (the HAProxy host's address lies in the device and admin networks).
    const vs = resolveTopology(topology({ ...external, deviceOs: ['os12'] }));
    expect(firewallMatrix(vs).some((r) => r.from.includes('nlb'))).toBe(false);
    expect(renderFirewall(vs, vs.nodes[0]!)).not.toContain('nlb_nets');
  });
});

describe('the sizing report names the load balancer file and the Cluster Address step', () => {
  it('with its exact value for external load balancing, not at all for IGEL load balancing', () => {
    const ext = buildReport(check(topology({ loadBalancing: 'external', clusterAddress: 'lb.site.example:8443' })))!;
    expect(ext.externalLoadBalancer).toMatchObject({ generated: 'haproxy', file: EXTERNAL_LB_FILE, clusterAddress: 'lb.site.example:8443', tls: 'passthrough', postInstall: clusterAddressStep('lb.site.example:8443') });
    expect(renderReportMarkdown(ext)).toContain('Post-install step: In the UMS Console, set UMS Administration > Global Configuration > Server Network Settings > Cluster Address to `lb.site.example:8443`');
    const igel = buildReport(check(topology()))!;
    expect(igel.externalLoadBalancer).toBeUndefined();
    // No step and no section; the accepted UMS-LAYOUT-004 advice may still name a Cluster Address as an option.
    expect(renderReportMarkdown(igel)).not.toContain('Server Network Settings > Cluster Address to');
    expect(renderReportMarkdown(igel)).not.toContain('## External load balancer');
    expect(igel.postInstall.map((s) => s.id)).not.toContain('cluster-address');
    // The After installation list carries the same step as the External load balancer section.
    expect(ext.postInstall.find((s) => s.id === 'cluster-address')?.details).toEqual([`${clusterAddressStep('lb.site.example:8443')}.`]);
  });

  it('the UMS-side steps of each TLS mode: the cluster FQDN in every server\'s web certificate; for offloading the forwarding activation and the EST CA export', () => {
    const pass = buildReport(check(topology({ ...external, deviceOs: ['os12'] })))!;
    const passSteps = pass.postInstall.find((s) => s.id === 'external-lb-tls')!.details.join('\n');
    expect(passSteps).toContain('ums.example.internal must be in the web certificate assigned to ALL UMS Servers (test-site-ums1, test-site-ums2)');
    expect(passSteps).not.toContain('EST CA');
    const off = buildReport(check(topology({ ...external, deviceOs: ['os12'], ...offloading })))!;
    const offSteps = off.postInstall.find((s) => s.id === 'external-lb-tls')!.details.join('\n');
    expect(offSteps).toContain('must be in the web certificate assigned to ALL UMS Servers');
    expect(offSteps).toContain('activate forwarding client certificate processing on the UMS');
    expect(offSteps).toContain(`Export the EST CA client certificate from the UMS and put it on the load balancer as ${DEFAULT_TLS_DIR}/${EST_CA_FILE}`);
    expect(offSteps).toContain('scan and register');
    expect(renderReportMarkdown(off)).toContain('SSL offloading: TLS ends at the load balancer');
  });
});
