/**
 * The sizing review of one topology (`ums-ha report`, and sizing-report.md/.json beside every
 * synthesized stack): the derived counts and why, per-VM sizes and totals, capacity headroom and
 * what one failed server or load balancer leaves, the firewall matrix, the findings and a Mermaid
 * diagram of hosts, roles, the VLAN and the flows. Sizing facts: seed 004 (004_f9c19963f33757ec.txt,
 * "Configuration Options"); flows: topology/firewall.ts.
 */
import { num, plural, type Finding } from './findings';
import { firewallMatrix, sourceAddresses, type FirewallRow, type Party } from './firewall';
import { DEVICES_PER_SERVER, SERVERS_PER_LOAD_BALANCER, type ResolvedNode, type ResolvedTopology, type Role } from './model';
import { oneFailure } from './rules/size';
import type { ValidationResult } from './validate';
import { EXTERNAL_LB_FILE, clusterAddressStep } from './external-lb';

export interface CountReason {
  readonly count: number;
  /** given: written in the file; derived: from the sizing rules. */
  readonly source: string;
  /** How the count was reached, with the numbers. */
  readonly reason: string;
}

export interface Headroom {
  /** Devices the remaining servers serve at 50,000 each. */
  readonly capacityDevices: number;
  /** Declared devices as a share of that capacity. */
  readonly utilizationPercent: number;
  readonly ok: boolean;
  readonly text: string;
}

export interface ReportVm {
  readonly name: string;
  readonly vm: string;
  readonly roles: readonly Role[];
  readonly ip: string | null;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly diskGb: number;
}

export interface ReportFlow {
  readonly id: string;
  readonly port: number;
  readonly protocol: string;
  readonly from: string;
  readonly to: string;
  readonly sources: readonly string[];
  readonly purpose: string;
  readonly seed: readonly string[];
}

export interface SizingReport {
  readonly topology: string;
  readonly description?: string;
  readonly umsVersion: string;
  readonly platform: string;
  readonly loadBalancing: string;
  readonly devices: number;
  readonly deviceOs: readonly string[];
  readonly valid: boolean;
  readonly servers: CountReason;
  readonly loadBalancers: CountReason;
  readonly layout: { readonly value: string; readonly reason: string };
  readonly capacity: Headroom & { readonly oneServerDown: Headroom; readonly oneLoadBalancerDown?: Headroom };
  readonly vms: readonly ReportVm[];
  readonly totals: { readonly vms: number; readonly cpus: number; readonly memoryGb: number; readonly diskGb: number };
  readonly firewall: readonly ReportFlow[];
  readonly findings: readonly Finding[];
  /** Warnings accepted by spec.exceptions, with the reviewers' reasons. */
  readonly exceptions: ReadonlyArray<Finding & { readonly reason: string }>;
  readonly mermaid: string;
  /** loadBalancing external: the generated load balancer file and the post-install Cluster Address step (seed 004). */
  readonly externalLoadBalancer?: { readonly file: string; readonly clusterAddress: string; readonly postInstall: string };
}

const PARTY_NAMES: Record<Party, string> = {
  server: 'servers',
  loadBalancer: 'load balancers',
  devices: 'devices',
  admins: 'admins',
  database: 'database',
  appPortal: 'IGEL App Portal',
};

function serversReason(t: ResolvedTopology): CountReason {
  const needed = t.sizing.serversNeeded;
  if (t.sizing.serversSource === 'given') {
    return { count: t.servers, source: 'given', reason: `${num(t.servers)} given; ${num(t.devices)} devices need at least ${needed} (1 per ${num(DEVICES_PER_SERVER)}) and at least 2 for failover (UMS-SIZE-001, UMS-SIZE-003)` };
  }
  return { count: t.servers, source: 'derived', reason: `max(2, ceil(${num(t.devices)} / ${num(DEVICES_PER_SERVER)})) = ${t.servers}: 1 server per ${num(DEVICES_PER_SERVER)} devices, at least 2 for failover` };
}

function loadBalancersReason(t: ResolvedTopology): CountReason {
  switch (t.sizing.loadBalancersSource) {
    case 'external':
      return { count: 0, source: 'external', reason: `none: external load balancing through ${t.clusterAddress ?? '(clusterAddress missing)'}` };
    case 'co-located':
      return { count: t.loadBalancers, source: 'co-located', reason: `one on every server host (co-located layout) = ${t.loadBalancers}` };
    case 'given':
      return { count: t.loadBalancers, source: 'given', reason: `${num(t.loadBalancers)} given; ${plural(t.servers, 'server')} need at least ${t.sizing.loadBalancersNeeded} (1 per ${SERVERS_PER_LOAD_BALANCER}) and at least 2 (UMS-SIZE-002, UMS-SIZE-004)` };
    default:
      return { count: t.loadBalancers, source: 'derived', reason: `max(2, ceil(${t.servers} / ${SERVERS_PER_LOAD_BALANCER})) = ${t.loadBalancers}: 1 load balancer per ${SERVERS_PER_LOAD_BALANCER} servers, at least 2` };
  }
}

function layoutReason(t: ResolvedTopology): { value: string; reason: string } {
  if (t.layout === 'none') return { value: 'none', reason: 'loadBalancing external: no IGEL load balancers to place' };
  const why =
    t.layout === 'separate'
      ? t.devices > 50_000
        ? `${num(t.devices)} devices > 50,000 require load balancers on hosts of their own`
        : 'load balancers on hosts of their own, so they take no resources from the servers'
      : `${num(t.devices)} devices <= 50,000: every host runs a server and a load balancer`;
  return { value: t.layout, reason: `${why} (${t.sizing.layoutSource === 'given' ? 'given' : 'layout auto'})` };
}

function headroom(servers: number, devices: number, what: string): Headroom {
  const capacityDevices = Math.max(0, servers) * DEVICES_PER_SERVER;
  const utilizationPercent = capacityDevices === 0 ? Infinity : Math.round((devices / capacityDevices) * 100);
  const ok = devices <= capacityDevices;
  const pct = Number.isFinite(utilizationPercent) ? `${utilizationPercent} %` : 'no capacity';
  return {
    capacityDevices,
    utilizationPercent: Number.isFinite(utilizationPercent) ? utilizationPercent : 0,
    ok,
    text: `${what}${plural(servers, 'server')} serve up to ${num(capacityDevices)} devices; ${num(devices)} declared = ${pct}${ok ? '' : ': overloaded'}`,
  };
}

/** One server down: the numbers of UMS-SIZE-007 (rules/size.ts, oneFailure). */
function serverDown(t: ResolvedTopology): Headroom {
  const f = oneFailure(t).servers;
  const h = headroom(f.left, f.devices, 'With one server down, ');
  return f.ok ? h : { ...h, text: `${h.text} (UMS-SIZE-007: ${f.survivingCount} servers survive one failure)` };
}

function lbDown(t: ResolvedTopology): Headroom | undefined {
  if (t.loadBalancing !== 'igel') return undefined;
  if (t.layout === 'co-located') {
    const h = headroom(t.servers - 1, t.devices, 'With one host down (its server and its load balancer), ');
    return h;
  }
  const f = oneFailure(t).loadBalancers!;
  const left = f.left;
  return {
    capacityDevices: f.capacityServers * DEVICES_PER_SERVER,
    utilizationPercent: left > 0 ? Math.round((t.servers / f.capacityServers) * 100) : 0,
    ok: f.ok,
    text:
      left === 0
        ? 'With one load balancer down, none is left: devices cannot reach the servers'
        : `With one load balancer down, ${plural(left, 'load balancer')} forward${left === 1 ? 's' : ''} for ${plural(t.servers, 'server')} (IGEL: at most ${SERVERS_PER_LOAD_BALANCER} per load balancer, so up to ${f.capacityServers})${f.ok ? '' : `: overloaded (UMS-SIZE-007: ${f.survivingCount} load balancers survive one failure)`}`,
  };
}

function flows(t: ResolvedTopology): ReportFlow[] {
  return firewallMatrix(t).map((r: FirewallRow) => ({
    id: r.id,
    port: r.port,
    protocol: `${r.protocol}${r.broadcast ? ' broadcast' : ''}${r.direction === 'outbound' ? ' (outbound)' : ''}`,
    from: r.from.map((p) => PARTY_NAMES[p]).join(' and '),
    to: r.to.map((p) => PARTY_NAMES[p]).join(' and '),
    sources: r.direction === 'outbound' ? [] : sourceAddresses(t, r),
    purpose: r.purpose,
    seed: [...r.seed],
  }));
}

const roleText = (n: ResolvedNode) => (n.roles.length === 2 ? 'server + load balancer' : n.roles[0] === 'server' ? 'server' : 'load balancer');

/** A Mermaid flowchart: the HA VLAN with its hosts, devices, admins, the database, the flows. */
export function mermaidDiagram(t: ResolvedTopology): string {
  const q = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  const os11 = t.deviceOs.includes('os11');
  const os12 = t.deviceOs.includes('os12');
  lines.push(`  devices["Devices<br/>${q(t.network.deviceCidrs.join(', '))}"]`);
  lines.push(`  admins["Admins<br/>${q(t.network.adminCidrs.join(', '))}"]`);
  lines.push(`  db[("Database<br/>${q(`${t.database.engine} ${t.database.host ?? ''}:${t.database.port ?? ''}`)}")]`);
  if (t.loadBalancing === 'external') lines.push(`  ext["External load balancer<br/>${q(t.clusterAddress ?? '')}"]`);
  lines.push(`  subgraph vlan["HA VLAN ${t.network.vlanId} · ${q(t.network.cidr)}"]`);
  t.nodes.forEach((n, i) => lines.push(`    n${i}["${q(n.vmName)}<br/>${roleText(n)}<br/>${n.ip ?? 'no address'}"]`));
  lines.push(`    bcast(("broadcast<br/>${t.network.broadcastAddress}"))`);
  lines.push('  end');
  const servers = t.nodes.map((n, i) => ({ n, id: `n${i}` })).filter((x) => x.n.roles.includes('server'));
  const lbs = t.nodes.map((n, i) => ({ n, id: `n${i}` })).filter((x) => x.n.roles.includes('loadBalancer'));
  const bport = t.loadBalancing === 'igel' ? '6155 + 61616/udp' : '61616/udp';
  t.nodes.forEach((_n, i) => lines.push(`  n${i} -. "${bport}" .- bcast`));
  const deviceTargets = t.loadBalancing === 'external' ? [{ id: 'ext' }] : os11 ? lbs : [];
  if (os11) for (const x of deviceTargets) lines.push(`  devices -- "30001/tcp (OS 11)" --> ${x.id}`);
  if (t.loadBalancing === 'external') for (const s of servers) lines.push(`  ext -- "30001, 8443/tcp" --> ${s.id}`);
  for (const s of servers) {
    if (os12 && t.loadBalancing === 'igel') lines.push(`  devices -- "8443/tcp (OS 12)" --> ${s.id}`);
    if (os11 && t.loadBalancing === 'igel') lines.push(`  devices -- "30005 tcp+udp (OS 11)" --> ${s.id}`);
    lines.push(`  admins -- "8443/tcp console" --> ${s.id}`);
    lines.push(`  ${s.id} -- "${t.database.port ?? ''}/tcp" --> db`);
  }
  if (t.layout === 'separate') for (const l of lbs) for (const s of servers) lines.push(`  ${l.id} -- "30001/tcp" --> ${s.id}`);
  if (t.layout === 'co-located') for (const l of lbs) for (const s of servers) if (l.id !== s.id) lines.push(`  ${l.id} -- "30002/tcp" --> ${s.id}`);
  for (let i = 0; i < servers.length; i++) {
    for (let j = i + 1; j < servers.length; j++) lines.push(`  ${servers[i]!.id} <-- "8443 WebDAV, 61616/tcp" --> ${servers[j]!.id}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The report model; undefined when the file did not pass the schema (nothing resolved to report). */
export function buildReport(result: ValidationResult): SizingReport | undefined {
  const t = result.topology;
  if (!t) return undefined;
  const vms: ReportVm[] = t.nodes.map((n) => ({ name: n.name, vm: n.vmName, roles: [...n.roles], ip: n.ip, ...n.size }));
  const total = (f: (v: ReportVm) => number) => vms.reduce((a, v) => a + f(v), 0);
  const capacity = headroom(t.servers, t.devices, '');
  const oneLoadBalancerDown = lbDown(t);
  return {
    topology: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    umsVersion: t.umsVersion,
    platform: t.platform,
    loadBalancing: t.loadBalancing,
    devices: t.devices,
    deviceOs: [...t.deviceOs],
    valid: result.valid,
    servers: serversReason(t),
    loadBalancers: loadBalancersReason(t),
    layout: layoutReason(t),
    capacity: { ...capacity, oneServerDown: serverDown(t), ...(oneLoadBalancerDown ? { oneLoadBalancerDown } : {}) },
    vms,
    totals: { vms: vms.length, cpus: total((v) => v.cpus), memoryGb: total((v) => v.memoryGb), diskGb: total((v) => v.diskGb) },
    firewall: flows(t),
    findings: [...result.findings],
    exceptions: (result.suppressed ?? []).map((s) => ({ ...s.finding, reason: s.reason })),
    mermaid: mermaidDiagram(t),
    ...(t.loadBalancing === 'external' && t.clusterAddress ? { externalLoadBalancer: { file: EXTERNAL_LB_FILE, clusterAddress: t.clusterAddress, postInstall: clusterAddressStep(t.clusterAddress) } } : {}),
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderReportMarkdown(r: SizingReport): string {
  const out: string[] = [];
  out.push(`# Sizing review: ${r.topology}`, '');
  if (r.description) out.push(r.description, '');
  out.push(`UMS ${r.umsVersion} on ${r.platform}, ${num(r.devices)} devices (${r.deviceOs.join(', ')}), load balancing ${r.loadBalancing}. ${r.valid ? 'The design passes every rule.' : '**The design is refused: see the findings.**'}`, '');
  out.push('## Sizing', '', '| | count | why |', '| --- | --- | --- |');
  out.push(`| UMS Servers | ${r.servers.count} | ${cell(r.servers.reason)} |`);
  out.push(`| UMS Load Balancers | ${r.loadBalancers.count} | ${cell(r.loadBalancers.reason)} |`);
  out.push(`| layout | ${r.layout.value} | ${cell(r.layout.reason)} |`, '');
  out.push('## Capacity', '');
  out.push(`- ${r.capacity.text.charAt(0).toUpperCase()}${r.capacity.text.slice(1)}.`);
  out.push(`- ${r.capacity.oneServerDown.text}.`);
  if (r.capacity.oneLoadBalancerDown) out.push(`- ${r.capacity.oneLoadBalancerDown.text}.`);
  out.push('', '## Virtual machines', '', '| node | VM | roles | address | vCPUs | RAM (GB) | data disk (GB) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const v of r.vms) out.push(`| ${v.name} | ${v.vm} | ${v.roles.join(' + ')} | ${v.ip ?? '—'} | ${v.cpus} | ${v.memoryGb} | ${v.diskGb} |`);
  out.push(`| **total** | ${r.totals.vms} VMs | | | ${r.totals.cpus} | ${r.totals.memoryGb} | ${r.totals.diskGb} |`, '');
  out.push('Data disks hold the UMS installation and, on servers, 1 GB of program files plus about 10 GB per retained firmware update; each VM also has the template\'s system disk.', '');
  out.push('## Firewall matrix', '', '| port | protocol | from | to | sources | purpose | source |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of r.firewall) {
    out.push(`| ${f.port} | ${f.protocol} | ${f.from} | ${f.to} | ${cell(f.sources.join(', ') || '—')} | ${cell(f.purpose)} | ${f.seed.map((s) => s.slice(0, 3)).join(', ') || '—'} |`);
  }
  out.push('', 'Every host denies inbound traffic except these rows, each from its sources only (docs/ports.md).', '');
  if (r.externalLoadBalancer) {
    const x = r.externalLoadBalancer;
    out.push('## External load balancer', '', `Synthesis writes its HAProxy configuration beside the stack: \`${x.file}\` (docs/external-load-balancer.md).`, '', `Post-install step: ${x.postInstall}.`, '', 'The servers see the load balancer as the source of device and Console traffic: its address must lie in network.deviceCidrs and network.adminCidrs, the only sources their firewalls open these ports to.', '');
  }
  out.push('## Findings', '');
  if (r.findings.length === 0) out.push('None.');
  for (const f of r.findings) out.push(`- **${f.severity}** \`${f.ruleId}\` at \`${f.path || '/'}\`${f.line > 0 ? ` (line ${f.line})` : ''}: ${f.message}`);
  if (r.exceptions.length > 0) {
    out.push('', '## Accepted exceptions', '');
    for (const e of r.exceptions) out.push(`- \`${e.ruleId}\` at \`${e.path || '/'}\`: ${e.message}. **Accepted:** ${e.reason}`);
  }
  out.push('', '## Diagram', '', '```mermaid', r.mermaid.trimEnd(), '```', '');
  return out.join('\n');
}
