/**
 * The sizing review of one topology (`ums-ha report`, and sizing-report.md/.json beside every
 * synthesized stack): the derived counts and why, per-VM sizes and totals, capacity headroom and
 * what one failed server or load balancer leaves, the firewall matrix, the findings and a Mermaid
 * diagram of hosts, roles, the VLAN and the flows; where devices connect; the steps after
 * installation. Sizing facts: seed 004 (004_f9c19963f33757ec.txt, "Configuration Options",
 * "Minimum Requirements": a host's minimum is the sum of its components, the UMS Web App on every
 * server included); flows and device paths: core/network/matrix.ts. After installation: seed 004
 * (register the UMS for OS 12 devices;
 * the Health Check results that may be ignored without IGEL load balancers), seed 003
 * (003_a4f0301adabc394b.txt: "Synchronize downloaded Universal Firmware Updates within UMS WebDAV
 * directories"). SQL Server AD Native is refused on these Linux hosts (UMS-DB-006), so no Windows
 * service logon step.
 */
import { agree, num, plural, printable, type Finding } from '../base/findings';
import { hideCredentials, withoutCredentials } from '../document/credentials';
import { IGEL_PORTS_PAGE, devicePaths, firewallMatrix, sourceAddresses, type DevicePath, type FirewallRow, type Party } from '../network/matrix';
import { DEVICES_PER_SERVER, MIN_LOAD_BALANCERS, MIN_SERVERS, RECOMMENDED_MAX_LOAD_BALANCERS, RECOMMENDED_MAX_SERVERS, SERVERS_PER_LOAD_BALANCER, type ResolvedNode, type ResolvedTopology, type Role } from '../model/model';
import { oneFailure } from '../rules/size';
import { SEEDS } from '../model/seeds';
import { platformEntry } from '../platform/registry';
import { FIRMWARE_UPDATE_GB, PROGRAM_FILES_GB, hostMinimum, requiredServerDiskGb, type MinimumPart } from '../model/resolve';
import type { ValidationResult } from '../reader/validate';
import { EXTERNAL_LB_FILE, clusterAddressStep, generatedLoadBalancer, umsSideSteps } from '../configs/external-lb';
import { hasClusterAddressSetting, UMS12_FIRST_RELEASE } from '../rules/ver';
import { DB_CONNECTIONS_PER_SERVER, LATENCY_LIMITS_MS, LOAD_BALANCER_STANDALONE, SIZING_GUIDELINES, WEB_APP_EXTRA_GB, serverHostMemoryGb, sizeClass, type ClassFigure } from '../model/size-classes';

/** One row of the report's size-class table: IGEL's figure for a component beside this topology's. */
export interface SizeClassRow {
  readonly component: string;
  /** IGEL's figure, as text (vCPUs, RAM, disk, or a limit). */
  readonly igel: string;
  /** What the topology gives, as text. */
  readonly topology: string;
  /** Whether the topology reaches the figure (undefined: the topology cannot say, e.g. latency). */
  readonly ok?: boolean;
  readonly source: string;
}

const figureText = (f: ClassFigure, memory = `${f.memoryGb} GB`) => `${f.cpus} vCPUs, ${memory} RAM, ${f.diskGb} GB disk`;

/** IGEL's size class of the topology with its figures (core/model/size-classes.ts, UMS-RES-003). */
function sizeClassTable(t: ResolvedTopology): { name: string; rows: SizeClassRow[] } {
  const c = sizeClass(t.devices);
  const reaches = (size: { cpus: number; memoryGb: number; diskGb: number }, f: ClassFigure) => size.cpus >= f.cpus && size.memoryGb >= f.memoryGb && size.diskGb >= f.diskGb;
  const server = { ...c.serverHost, memoryGb: serverHostMemoryGb(c) };
  const src = `${SIZING_GUIDELINES}, class ${c.name}`;
  const rows: SizeClassRow[] = [
    {
      component: `UMS Server host${t.layout === 'co-located' ? ' (+ load balancer)' : ''} × ${t.servers}`,
      igel: figureText(server, `${c.serverHost.memoryGb} + ${WEB_APP_EXTRA_GB} (Web App) = ${server.memoryGb} GB`),
      topology: figureText(t.resources.server),
      ok: reaches(t.resources.server, server),
      source: src,
    },
  ];
  if (t.nodes.some((n) => !n.roles.includes('server'))) {
    rows.push({ component: `UMS Load Balancer on its own host × ${t.loadBalancers}`, igel: figureText(LOAD_BALANCER_STANDALONE), topology: figureText(t.resources.loadBalancer), ok: reaches(t.resources.loadBalancer, LOAD_BALANCER_STANDALONE), source: `${SIZING_GUIDELINES}, class XL (HA) (the only standalone load balancer figure)` });
  }
  rows.push({
    component: 'UMS Console on a host of its own',
    igel: `${c.consoleStandalone.mandatory ? 'mandatory' : 'optional'}: ${figureText(c.consoleStandalone)}`,
    topology: 'not part of the stack (see After installation)',
    source: src,
  });
  rows.push({ component: 'External database', igel: `${c.databaseGb} GB; RAM and CPU as the DBMS vendor recommends`, topology: `${t.database.engine}${t.database.host ? ` on ${t.database.host}` : ''}`, source: src });
  rows.push({
    component: 'Database connections',
    igel: `up to ${DB_CONNECTIONS_PER_SERVER} per UMS Server`,
    topology: `up to ${DB_CONNECTIONS_PER_SERVER} × ${t.servers} = ${num(DB_CONNECTIONS_PER_SERVER * t.servers)}: the database must allow them`,
    source: 'IGEL "Microsoft SQL Server/Cluster with Active Directory (AD) Authentication via Kerberos", Configuration Hints',
  });
  rows.push({
    component: 'Latency',
    igel: `database <-> UMS Server <= ${LATENCY_LIMITS_MS.databaseToServer} ms; between UMS Servers <= ${LATENCY_LIMITS_MS.serverToServer} ms; load balancer <-> UMS Server <= ${LATENCY_LIMITS_MS.loadBalancerToServer} ms`,
    topology: 'measure after the deploy (the topology cannot say)',
    source: 'IGEL "Installation and Sizing Guidelines for IGEL UMS", Performance Optimizations, Latencies',
  });
  return { name: `${c.name}: fewer than ${num(c.devicesBelow)} devices`, rows };
}

/** UMS below 12.01.100 has no Cluster Address to set (UMS-VER-002): the devices find the load balancer by name or DHCP. */
function noClusterAddressStep(t: ResolvedTopology): string {
  return `UMS ${t.umsVersion} has no Cluster Address setting (it came with UMS ${UMS12_FIRST_RELEASE}, UMS-VER-002): point the devices to ${t.clusterAddress ?? 'the load balancer'} by the igelrmserver DNS name or DHCP option 224`;
}

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
  /**
   * The smallest size validate accepts for the host, with how it is reached: RAM the sum over its
   * components (UMS-RES-001); disk that sum, and on a server host at least the program files plus
   * the retained firmware updates (UMS-RES-002), whichever is larger (seed 004).
   */
  readonly minimum: {
    readonly memoryGb: number;
    readonly diskGb: number;
    readonly parts: readonly MinimumPart[];
    /** `UMS Server 4 + UMS Web App 1 = 5 (UMS-RES-001)` */
    readonly memoryReason: string;
    /** `max(UMS Server 2 + UMS Web App 1 = 3 (UMS-RES-001), 1 GB program files + 3 firmware updates x 10 GB = 31 (UMS-RES-002)) = 31` */
    readonly diskReason: string;
  };
}

/** A step in the UMS Console or on the hosts once the installation is done. */
export interface PostInstallStep {
  readonly id: string;
  readonly title: string;
  readonly details: readonly string[];
  readonly seed: readonly string[];
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
  /** Listener and talker as IGEL's "UMS Communication Ports" page has them. */
  readonly portsPage?: string;
  /**
   * The sources no node has today: the address slots of the servers and load balancers a later
   * deploy can add within the recommended maxima, admitted from the first boot so that a running
   * host's ruleset stays right when the site grows (docs/topology.md, stable addresses).
   */
  readonly reserved: readonly string[];
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
  /** IGEL's size class for the number of devices, its figures beside the topology's (UMS-RES-003). */
  readonly sizeClass: { readonly name: string; readonly rows: readonly SizeClassRow[] };
  readonly capacity: Headroom & { readonly oneServerDown: Headroom; readonly oneLoadBalancerDown?: Headroom };
  readonly vms: readonly ReportVm[];
  readonly totals: { readonly vms: number; readonly cpus: number; readonly memoryGb: number; readonly diskGb: number };
  readonly firewall: readonly ReportFlow[];
  /** Where devices of each OS generation connect (the same as the stack's device_addresses output). */
  readonly devicePaths: readonly DevicePath[];
  readonly database: { readonly engine: string; readonly host?: string; readonly authentication?: string; readonly redundancy: string };
  readonly postInstall: readonly PostInstallStep[];
  readonly findings: readonly Finding[];
  /** Warnings accepted by spec.exceptions, with the reviewers' reasons. */
  readonly exceptions: ReadonlyArray<Finding & { readonly reason: string }>;
  readonly mermaid: string;
  /** loadBalancing external: what ums-ha generates as the load balancer, its TLS mode, what the servers see as the source, and the post-install Cluster Address step (seed 004). */
  readonly externalLoadBalancer?: ReportExternalLb;
  /** Platform aws with its aws block: where each host runs and what the load balancer serves. */
  readonly aws?: ReportAws;
}

export interface ReportExternalLb {
  /** haproxy: the file beside the stack (vsphere); aws-nlb: the stack's Network Load Balancer; none: not generated (azure, gcp). */
  readonly generated: 'haproxy' | 'aws-nlb' | 'none';
  /** The HAProxy file beside the stack (generated: haproxy only). */
  readonly file?: string;
  readonly clusterAddress: string;
  /** passthrough (TLS ends at the servers) or offloading (TLS ends at the load balancer). */
  readonly tls: 'passthrough' | 'offloading';
  /** The source address the servers see for device and Console traffic through it, and what follows for their firewalls. */
  readonly sourceAddresses: string;
  readonly postInstall: string;
}

/**
 * What the servers see as the source through the generated load balancer, stated once: HAProxy
 * proxies every connection (its own address); the aws Network Load Balancer's target groups are of
 * type instance with client IP preservation, so the servers see the devices' own addresses (AWS,
 * "Edit target group attributes for your Network Load Balancer": instance type target groups
 * preserve the client IPv4 address), and its health checks come from its own addresses.
 */
export const SOURCE_ADDRESS_TEXT: Record<ReportExternalLb['generated'], string> = {
  haproxy:
    'The servers see the load balancer as the source of device and Console traffic (HAProxy proxies each connection, in both TLS modes): its address must lie in network.deviceCidrs and network.adminCidrs, the only sources their firewalls open these ports to.',
  'aws-nlb':
    "The servers see the devices' and Consoles' own addresses: the Network Load Balancer's target groups are of type instance with client IP preservation (AWS: instance type target groups preserve the client IPv4 address). Their security groups and host firewalls admit network.deviceCidrs and network.adminCidrs; the load balancer's health checks come from its own addresses in aws.subnets, which the servers admit on the forwarded ports (row nlb-health-check).",
  none: 'ums-ha generates no load balancer for this platform: the servers see whatever source the site\'s load balancer gives them; it must lie in network.deviceCidrs and network.adminCidrs.',
};

export interface ReportAws {
  readonly region: string;
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly instanceType: string | null; readonly zone: string | null }>;
  /** TCP ports of the Network Load Balancer (the device ports of the matrix). */
  readonly loadBalancerPorts: readonly number[];
  /** Security group rules generated from the matrix (and the bootstrap's egress). */
  readonly securityGroupRules: number;
  /** Matrix rows that open nothing on AWS (broadcast: AWS drops it). */
  readonly notOpened: readonly string[];
}

/** The platform's own placement section (platforms/<name>/index.ts, placementReport), when it has one. */
function platformPlacement(t: ResolvedTopology): ReportAws | undefined {
  return platformEntry(t.platform)?.placementReport?.(t) as ReportAws | undefined;
}

const PARTY_NAMES: Record<Party, string> = {
  server: 'servers',
  loadBalancer: 'load balancers',
  devices: 'devices',
  admins: 'admins',
  database: 'database',
  appPortal: 'IGEL App Portal',
  nlb: 'Network Load Balancer',
};

function serversReason(t: ResolvedTopology): CountReason {
  const needed = t.sizing.serversNeeded;
  if (t.sizing.serversSource === 'given') {
    const least = Math.max(MIN_SERVERS, needed);
    return { count: t.servers, source: 'given', reason: `${num(t.servers)} given; validate requires at least max(ceil(${num(t.devices)} / ${num(DEVICES_PER_SERVER)}), ${MIN_SERVERS}) = ${least}: 1 server per ${num(DEVICES_PER_SERVER)} devices (UMS-SIZE-001) and ${MIN_SERVERS} for failover (UMS-SIZE-003)` };
  }
  return { count: t.servers, source: 'derived', reason: `max(ceil(${num(t.devices)} / ${num(DEVICES_PER_SERVER)}), ${MIN_SERVERS}) = ${t.servers}: 1 server per ${num(DEVICES_PER_SERVER)} devices (UMS-SIZE-001) and ${MIN_SERVERS} for failover (UMS-SIZE-003)` };
}

function loadBalancersReason(t: ResolvedTopology): CountReason {
  switch (t.sizing.loadBalancersSource) {
    case 'external':
      return { count: 0, source: 'external', reason: `none: external load balancing through ${t.clusterAddress ?? '(clusterAddress missing)'}` };
    case 'co-located':
      return { count: t.loadBalancers, source: 'co-located', reason: `one on every server host (co-located layout) = ${t.loadBalancers}` };
    case 'given':
      return {
        count: t.loadBalancers,
        source: 'given',
        reason: `${num(t.loadBalancers)} given; validate requires at least max(ceil(${num(t.servers)} / ${SERVERS_PER_LOAD_BALANCER}), ${MIN_LOAD_BALANCERS}) = ${Math.max(MIN_LOAD_BALANCERS, t.sizing.loadBalancersNeeded)}: 1 load balancer per ${SERVERS_PER_LOAD_BALANCER} servers (UMS-SIZE-002) and ${MIN_LOAD_BALANCERS} for failover (UMS-SIZE-004)`,
      };
    default:
      return { count: t.loadBalancers, source: 'derived', reason: `max(ceil(${num(t.servers)} / ${SERVERS_PER_LOAD_BALANCER}), ${MIN_LOAD_BALANCERS}) = ${t.loadBalancers}: 1 load balancer per ${SERVERS_PER_LOAD_BALANCER} servers (UMS-SIZE-002) and ${MIN_LOAD_BALANCERS} for failover (UMS-SIZE-004)` };
  }
}

function layoutReason(t: ResolvedTopology): { value: string; reason: string } {
  if (t.layout === 'none') return { value: 'none', reason: 'loadBalancing external: no IGEL load balancers to place' };
  const why =
    t.layout === 'separate'
      ? t.devices > 50_000
        ? `${num(t.devices)} devices > 50,000 require load balancers on hosts of their own`
        : 'load balancers on hosts of their own, so they take no resources from the servers'
      : `${plural(t.devices, 'device')} <= 50,000: every host runs a server and a load balancer`;
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
    text: `${what}${plural(servers, 'server')} ${agree(servers, 'serves', 'serve')} up to ${num(capacityDevices)} devices; ${num(devices)} declared = ${pct}${ok ? '' : ': overloaded'}`,
  };
}

/** One server down: the numbers of UMS-SIZE-007 (rules/size.ts, oneFailure). */
function serverDown(t: ResolvedTopology): Headroom {
  const f = oneFailure(t).servers;
  const h = headroom(f.left, f.devices, 'With one server down, ');
  return f.ok ? h : { ...h, text: `${h.text} (UMS-SIZE-007: ${plural(f.survivingCount, 'server')} ${agree(f.survivingCount, 'survives', 'survive')} one failure)` };
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
        : `With one load balancer down, ${plural(left, 'load balancer')} ${agree(left, 'forwards', 'forward')} for ${plural(t.servers, 'server')} (IGEL: at most ${SERVERS_PER_LOAD_BALANCER} per load balancer, so up to ${f.capacityServers})${f.ok ? '' : `: overloaded (UMS-SIZE-007: ${plural(f.survivingCount, 'load balancer')} ${agree(f.survivingCount, 'survives', 'survive')} one failure)`}`,
  };
}

function flows(t: ResolvedTopology): ReportFlow[] {
  const nodeAddresses = new Set(t.nodes.map((n) => n.ip));
  return firewallMatrix(t).map((r: FirewallRow) => {
    const sources = r.direction === 'outbound' ? [] : sourceAddresses(t, r);
    return {
    id: r.id,
    port: r.port,
    protocol: `${r.protocol}${r.broadcast ? ' broadcast' : ''}${r.direction === 'outbound' ? ' (outbound)' : ''}`,
    from: r.from.map((p) => PARTY_NAMES[p]).join(' and '),
    to: r.to.map((p) => PARTY_NAMES[p]).join(' and '),
    sources,
    purpose: r.purpose,
    seed: [...r.seed],
    ...(r.portsPage ? { portsPage: IGEL_PORTS_PAGE } : {}),
    // HA sources are host addresses; device and admin sources are CIDRs, never reserved.
    reserved: sources.filter((a) => !a.includes('/') && !nodeAddresses.has(a)),
    };
  });
}

const roleText = (n: ResolvedNode) => (n.roles.length === 2 ? 'server + load balancer' : n.roles[0] === 'server' ? 'server' : 'load balancer');

/**
 * Text from the file inside a quoted Mermaid label: control, line-separator and bidirectional
 * characters escaped (printable), and every character Mermaid or the HTML it renders gives a meaning
 * (`#` entity starts, quotes, `<`, `>`, `&`, `%` of `%%` comments and directives, backticks of
 * Markdown strings, braces and brackets of node shapes) written as Mermaid entity codes (`#35;`).
 * The label shows the text as it is and cannot end the label, the line or the diagram.
 */
export function mermaidText(s: string): string {
  return printable(s).replace(/[#"<>&%`{}[\]()|;\\]/g, (c) => (c === '"' ? '#quot;' : `#${c.charCodeAt(0)};`));
}

/** A Mermaid flowchart: the HA VLAN with its hosts, devices, admins, the database, the flows. */
export function mermaidDiagram(t: ResolvedTopology): string {
  const q = mermaidText;
  const lines = ['flowchart LR'];
  const os11 = t.deviceOs.includes('os11');
  const os12 = t.deviceOs.includes('os12');
  lines.push(`  devices["Devices<br/>${q(t.network.deviceCidrs.join(', '))}"]`);
  lines.push(`  admins["Admins<br/>${q(t.network.adminCidrs.join(', '))}"]`);
  lines.push(`  db[("Database<br/>${q(`${t.database.engine} ${t.database.host ?? ''}:${t.database.port ?? ''}`)}")]`);
  if (t.loadBalancing === 'external') lines.push(`  ext["External load balancer<br/>${q(t.clusterAddress ?? '')}"]`);
  lines.push(`  subgraph vlan["HA VLAN ${t.network.vlanId} · ${q(t.network.cidr)}"]`);
  t.nodes.forEach((n, i) => lines.push(`    n${i}["${q(n.vmName)}<br/>${roleText(n)}<br/>${n.ip ?? 'no address'}"]`));
  if (t.loadBalancing === 'igel') lines.push(`    bcast(("broadcast<br/>${t.network.broadcastAddress}"))`);
  lines.push('  end');
  const servers = t.nodes.map((n, i) => ({ n, id: `n${i}` })).filter((x) => x.n.roles.includes('server'));
  const lbs = t.nodes.map((n, i) => ({ n, id: `n${i}` })).filter((x) => x.n.roles.includes('loadBalancer'));
  // Broadcast only with IGEL load balancers (core/network/matrix.ts).
  if (t.loadBalancing === 'igel') t.nodes.forEach((_n, i) => lines.push(`  n${i} -. "6155 + 61616/udp" .- bcast`));
  if (t.loadBalancing === 'external') {
    if (os11) lines.push('  devices -- "30001/tcp (OS 11)" --> ext');
    if (os12) lines.push('  devices -- "8443/tcp (OS 12)" --> ext');
    for (const s of servers) lines.push(`  ext -- "${[os11 ? '30001' : '', os12 ? '8443' : ''].filter(Boolean).join(', ')}/tcp" --> ${s.id}`);
  } else if (os11) {
    for (const x of lbs) lines.push(`  devices -- "30001/tcp (OS 11)" --> ${x.id}`);
  }
  for (const s of servers) {
    if (os12 && t.loadBalancing === 'igel') lines.push(`  devices -- "8443/tcp (OS 12, unbalanced)" --> ${s.id}`);
    if (os11) lines.push(`  devices -- "8443/tcp files, firmware (OS 11)" --> ${s.id}`);
    if (os11) lines.push(`  ${s.id} -- "30005 tcp+udp (OS 11)" --> devices`);
    lines.push(`  admins -- "8443/tcp console" --> ${s.id}`);
    lines.push(`  ${s.id} -- "${t.database.port ?? ''}/tcp" --> db`);
  }
  lines.push(...haEdges(t));
  return `${lines.join('\n')}\n`;
}

/** Short edge labels of the matrix rows between HA nodes (the rest read `<port>/<protocol>`). */
const HA_EDGE_LABELS: Record<string, string> = {
  'webdav-sync': '8443 WebDAV',
  'health-check-lb': '30001/tcp health check',
  'lb-forward-separate': '30001/tcp forwarding',
  'lb-forward-co-located': '30002/tcp forwarding',
};

/**
 * The diagram's edges between HA nodes, from the firewall matrix (one source of truth): every
 * inbound row from HA roles to HA roles (broadcast aside: the broadcast node shows it), for every
 * two nodes whose roles it joins. Two directions with the same labels are one `<-->` edge.
 */
function haEdges(t: ResolvedTopology): string[] {
  const HA: readonly Party[] = ['server', 'loadBalancer'];
  const rows = firewallMatrix(t).filter((r) => r.direction === 'inbound' && !r.broadcast && r.from.every((p) => HA.includes(p)) && r.to.every((p) => HA.includes(p)));
  const has = (n: ResolvedNode, parties: readonly Party[]) => parties.some((p) => n.roles.includes(p as Role));
  const labels = (a: ResolvedNode, b: ResolvedNode) =>
    rows.filter((r) => has(a, r.from) && has(b, r.to)).map((r) => HA_EDGE_LABELS[r.id] ?? `${r.port}/${r.protocol}`).filter((l, i, all) => all.indexOf(l) === i);
  const out: string[] = [];
  t.nodes.forEach((a, i) => {
    t.nodes.forEach((b, j) => {
      if (j <= i) return;
      const there = labels(a, b);
      const back = labels(b, a);
      if (there.length > 0 && there.join() === back.join()) {
        out.push(`  n${i} <-- "${there.join(', ')}" --> n${j}`);
        return;
      }
      if (there.length > 0) out.push(`  n${i} -- "${there.join(', ')}" --> n${j}`);
      if (back.length > 0) out.push(`  n${j} -- "${back.join(', ')}" --> n${i}`);
    });
  });
  return out;
}

function databaseText(t: ResolvedTopology): string {
  const db = t.database;
  switch (db.redundancy) {
    case 'cluster':
      return `cluster (${db.host ?? ''} is the cluster's listener or virtual name)`;
    case 'replicated':
      return 'replicated (a primary with a standby the DBA fails over to)';
    case 'single':
      return `single host, accepted: ${db.singleHostReason ?? '(no reason given: UMS-DB-004)'}`;
    default:
      return 'not named: one host without redundancy (UMS-DB-004)';
  }
}

/**
 * Health Check expectations (seed 004, "UMS HA Health Check"): with IGEL load balancers every tab
 * must pass; without them the Port 30001 and Port 30002 checks have no load balancer to test, the
 * Watchdog errors and, in different subnets or a cloud, the Messaging results may be ignored.
 */
export function healthCheckExpectations(t: ResolvedTopology): string[] {
  if (t.loadBalancing === 'igel' && t.layout === 'separate') {
    // Seed 004, "IGEL UMS HA Services and Processes": a host with only the UMS Server listens on 30001;
    // 30002 is the port of a server that shares its host with a load balancer.
    return [
      'Messaging (ActiveMQ 61616, discovery 6155), WebDav (8443), Port 30001 and Certificates pass.',
      'Port 30002: the servers run on hosts of their own and listen on 30001 (the load balancers forward there); no server listens on 30002, so that check is not expected to pass.',
    ];
  }
  if (t.loadBalancing === 'igel') {
    return ['Messaging (ActiveMQ 61616, discovery 6155), WebDav (8443), Port 30001, Port 30002 and Certificates pass.'];
  }
  return [
    'WebDav (8443) passes between every two servers.',
    'Messaging: the servers reach each other over TCP 61616 on the HA VLAN; IGEL: the Messaging results may be ignored for HA without IGEL load balancers in different subnets or a cloud environment.',
    'Watchdog error messages may be ignored: HA without IGEL load balancers (seed 004).',
    'Port 30001, Port 30002 and Certificates test the IGEL load balancers: there are none, so they are not expected to pass.',
  ];
}

/** Steps after the installation that the stack cannot do (UMS Console, or Windows service settings). */
export function postInstallSteps(t: ResolvedTopology): PostInstallStep[] {
  return [...externalLbPostInstall(t), ...consoleHostPostInstall(t), ...registrationPostInstall(t), firmwareSyncPostInstall(t), healthCheckPostInstall(t)];
}

/**
 * The UMS side of an external load balancer. Seed 004 (004_f9c19963f33757ec.txt), "If You Use an
 * External Load Balancer / Reverse Proxy": the Cluster Address; the TLS mode's steps from IGEL's
 * reverse proxy page (core/configs/external-lb.ts, the same text as the report's External load
 * balancer section).
 */
function externalLbPostInstall(t: ResolvedTopology): PostInstallStep[] {
  if (!(t.loadBalancing === 'external' && t.clusterAddress)) return [];
  const { extensions } = SEEDS;
  const steps: PostInstallStep[] = [];
  if (hasClusterAddressSetting(t.umsVersion)) {
    steps.push({ id: 'cluster-address', title: 'Set the Cluster Address', details: [`${clusterAddressStep(t.clusterAddress)}.`], seed: [extensions] });
  }
  steps.push({
    id: 'external-lb-tls',
    title: t.externalLoadBalancer?.tls === 'offloading' ? 'Prepare the UMS for SSL offloading at the load balancer' : 'Prepare the web certificate for the load balancer',
    details: umsSideSteps(t),
    seed: [extensions],
  });
  return steps;
}

/** A standalone UMS Console where IGEL's size class makes it mandatory (SIZING_GUIDELINES, core/model/size-classes.ts). */
function consoleHostPostInstall(t: ResolvedTopology): PostInstallStep[] {
  const c = sizeClass(t.devices);
  if (!c.consoleStandalone.mandatory) return [];
  return [
    {
      id: 'console-host',
      title: 'Install the UMS Console on a host of its own',
      details: [
        `IGEL's size class ${c.name} makes a standalone UMS Console mandatory (${figureText(c.consoleStandalone)}); the server host figures assume the Console does not run there (${SIZING_GUIDELINES}). Install it on an administrators' host with the ${t.umsVersion} installer (Console only) and connect it to a server on 8443.`,
      ],
      seed: [],
    },
  ];
}

/** Seed 004 (004_f9c19963f33757ec.txt), "Adding Further Servers to the HA Network", "Checking the Installation": register the UMS after the installation for IGEL OS 12 devices. */
function registrationPostInstall(t: ResolvedTopology): PostInstallStep[] {
  if (!t.deviceOs.includes('os12')) return [];
  return [
    {
      id: 'register-ums',
      title: 'Register the UMS for IGEL OS 12 devices',
      details: ['For the management of IGEL OS 12 devices the UMS must be registered after the installation (IGEL: "Registering the IGEL UMS").'],
      seed: [SEEDS.extensions],
    },
  ];
}

/** Seed 003 (003_a4f0301adabc394b.txt): "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories", on or off. */
function firmwareSyncPostInstall(t: ResolvedTopology): PostInstallStep {
  const { fileSync } = SEEDS;
  if (t.firmware.syncViaWebdav) {
    return {
      id: 'firmware-sync',
      title: 'Enable the firmware synchronization between the servers',
      details: [
        'UMS Console > UMS Administration > Global Configuration > Universal Firmware Update: activate "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories".',
        'When adding a firmware update (Universal Firmware Update > Check for new firmware updates), set a WebDAV directory as the target path and HTTPS (UMS WebDAV) as protocol: only then are updates synchronized, and OS 11 devices download them over 8443 from a server that has them.',
        'Check: Synchronization Status lists every server once a download is complete.',
      ],
      seed: [fileSync],
    };
  }
  return {
    id: 'firmware-sync',
    title: 'Firmware updates are not synchronized between the servers',
    details: ['firmware.syncViaWebdav is false: leave "Synchronize downloaded Universal Firmware Updates within UMS WebDAV directories" off and download every Universal Firmware Update on each server that should serve it; a device is sent the connection data of a server that has the update.'],
    seed: [fileSync],
  };
}

/** Seed 004 (004_f9c19963f33757ec.txt), "UMS HA Health Check": what passes, and what may be ignored (healthCheckExpectations). */
function healthCheckPostInstall(t: ResolvedTopology): PostInstallStep {
  return {
    id: 'health-check',
    title: 'Run the UMS HA Health Check',
    details: ['UMS Console > Help > UMS HA Health Check.', ...healthCheckExpectations(t)],
    seed: [SEEDS.extensions],
  };
}

function externalLbSummary(t: ResolvedTopology, clusterAddress: string): ReportExternalLb {
  const generated = generatedLoadBalancer(t) ?? 'none';
  return {
    generated,
    ...(generated === 'haproxy' ? { file: EXTERNAL_LB_FILE } : {}),
    clusterAddress,
    tls: t.externalLoadBalancer?.tls ?? 'passthrough',
    sourceAddresses: SOURCE_ADDRESS_TEXT[generated],
    postInstall: hasClusterAddressSetting(t.umsVersion) ? clusterAddressStep(clusterAddress) : noClusterAddressStep(t),
  };
}

/** The minimum validate enforces for a host of these roles (UMS-RES-001, UMS-RES-002), with its reasons. */
function vmMinimum(t: ResolvedTopology, roles: readonly Role[]): ReportVm['minimum'] {
  const m = hostMinimum(roles);
  const sum = (field: 'memoryGb' | 'diskGb') => `${m.parts.map((p) => `${p.component} ${p[field]}`).join(' + ')} = ${m[field]} (UMS-RES-001)`;
  const memoryReason = sum('memoryGb');
  if (!roles.includes('server')) return { ...m, memoryReason, diskReason: sum('diskGb') };
  const retained = t.firmware.retainedUpdates;
  const firmware = requiredServerDiskGb(retained);
  const diskGb = Math.max(m.diskGb, firmware);
  const files = `${PROGRAM_FILES_GB} GB program files + ${plural(retained, 'retained firmware update')} x ${FIRMWARE_UPDATE_GB} GB = ${num(firmware)} (UMS-RES-002)`;
  return { ...m, diskGb, memoryReason, diskReason: `max(${sum('diskGb')}, ${files}) = ${num(diskGb)}` };
}

/** The report model; undefined when the file did not pass the schema (nothing resolved to report). */
export function buildReport(result: ValidationResult): SizingReport | undefined {
  const t = result.topology;
  if (!t) return undefined;
  const vms: ReportVm[] = t.nodes.map((n) => ({ name: n.name, vm: n.vmName, roles: [...n.roles], ip: n.ip, ...n.size, minimum: vmMinimum(t, n.roles) }));
  const total = (f: (v: ReportVm) => number) => vms.reduce((a, v) => a + f(v), 0);
  const capacity = headroom(t.servers, t.devices, '');
  const oneLoadBalancerDown = lbDown(t);
  const aws = platformPlacement(t);
  // A credential-shaped value (UMS-DB-002) is hidden wherever it was copied or derived to.
  return hideCredentials<SizingReport>({
    topology: t.name,
    // Free text that looks like a credential is never copied into the report (UMS-DB-002 reports it).
    ...(t.description !== undefined ? { description: withoutCredentials(t.description) } : {}),
    umsVersion: t.umsVersion,
    platform: t.platform,
    loadBalancing: t.loadBalancing,
    devices: t.devices,
    deviceOs: [...t.deviceOs],
    valid: result.valid,
    servers: serversReason(t),
    loadBalancers: loadBalancersReason(t),
    layout: layoutReason(t),
    sizeClass: sizeClassTable(t),
    capacity: { ...capacity, oneServerDown: serverDown(t), ...(oneLoadBalancerDown ? { oneLoadBalancerDown } : {}) },
    vms,
    totals: { vms: vms.length, cpus: total((v) => v.cpus), memoryGb: total((v) => v.memoryGb), diskGb: total((v) => v.diskGb) },
    firewall: flows(t),
    devicePaths: devicePaths(t),
    database: {
      engine: t.database.engine,
      ...(t.database.host !== undefined ? { host: t.database.host } : {}),
      ...(t.database.authentication !== undefined ? { authentication: t.database.authentication } : {}),
      redundancy: databaseText(t),
    },
    postInstall: postInstallSteps(t),
    findings: [...result.findings],
    exceptions: (result.suppressed ?? []).map((s) => ({ ...s.finding, reason: withoutCredentials(s.reason) })),
    // Credentials hidden before the labels are escaped (an escaped secret would no longer be found to hide).
    mermaid: mermaidDiagram(hideCredentials(t, result.value)),
    ...(t.loadBalancing === 'external' && t.clusterAddress ? { externalLoadBalancer: externalLbSummary(t, t.clusterAddress) } : {}),
    ...(aws ? { aws } : {}),
  }, result.value);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * Free text from the file (description, names, exception reasons, finding messages) as inert
 * Markdown: control characters escaped, HTML (`<!--`, tags, entities) written as entities, and the
 * characters that start emphasis, links, images, code and table cells backslash-escaped; a leading
 * heading, list or quote marker is escaped too. It renders as the text it is, and cannot hide or
 * restyle the rest of the report.
 */
export function inertMarkdown(s: string): string {
  return printable(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}
const md = inertMarkdown;
/**
 * The report's own sentences with names from the file in them (post-install steps): control
 * characters escaped and no HTML can start (`<!--`, a tag), so nothing hides the rest of the
 * report; the sentence's own Markdown (code spans, `>` between menu items) stays as written.
 */
function withoutHtml(s: string): string {
  return printable(s).replace(/<(?=[!/?A-Za-z])/g, '&lt;');
}
/** A code span that no backtick in `s` can close early (CommonMark: a longer fence). */
function code(s: string): string {
  const text = printable(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

/** The sizing review as Markdown: one function per section, each ending with a blank line. */
export function renderReportMarkdown(r: SizingReport): string {
  return [
    ...headerSection(r),
    ...sizingSection(r),
    ...capacitySection(r),
    ...vmSection(r),
    ...awsSection(r),
    ...devicePathSection(r),
    ...firewallSection(r),
    ...externalLbSection(r),
    ...postInstallSection(r),
    ...findingsSection(r),
    ...diagramSection(r),
  ].join('\n');
}

/** The title, the file's description and the verdict in one sentence. */
function headerSection(r: SizingReport): string[] {
  return [
    `# Sizing review: ${md(r.topology)}`,
    '',
    ...(r.description ? [md(r.description), ''] : []),
    `UMS ${r.umsVersion} on ${r.platform}, ${plural(r.devices, 'device')} (${r.deviceOs.join(', ')}), load balancing ${r.loadBalancing}. ${r.valid ? 'The design passes every rule.' : '**The design is refused: see the findings.**'}`,
    '',
  ];
}

/** The counts and why (seed 004, "Configuration Options"), and IGEL's size class (SIZING_GUIDELINES). */
function sizingSection(r: SizingReport): string[] {
  return [
    '## Sizing', '', '| | count | why |', '| --- | --- | --- |',
    `| UMS Servers | ${r.servers.count} | ${cell(r.servers.reason)} |`,
    `| UMS Load Balancers | ${r.loadBalancers.count} | ${cell(r.loadBalancers.reason)} |`,
    `| layout | ${r.layout.value} | ${cell(r.layout.reason)} |`, '',
    `IGEL size class ${r.sizeClass.name} (UMS-RES-003 warns below its figures):`, '', '| component | IGEL | this topology | source |', '| --- | --- | --- | --- |',
    ...r.sizeClass.rows.map((row) => `| ${row.component} | ${cell(row.igel)} | ${cell(row.topology)}${row.ok === false ? ' **(below)**' : ''} | ${cell(row.source)} |`),
    '',
  ];
}

/** Headroom, and what one failed server or load balancer leaves (seed 004: one UMS Server per 50,000 devices, one load balancer per 3 servers). */
function capacitySection(r: SizingReport): string[] {
  return [
    '## Capacity',
    '',
    `- ${r.capacity.text.charAt(0).toUpperCase()}${r.capacity.text.slice(1)}.`,
    `- ${r.capacity.oneServerDown.text}.`,
    ...(r.capacity.oneLoadBalancerDown ? [`- ${r.capacity.oneLoadBalancerDown.text}.`] : []),
    '',
  ];
}

/** The VMs against the minimums validate enforces (seed 004, "Minimum Requirements"), and the database. */
function vmSection(r: SizingReport): string[] {
  return [
    '## Virtual machines', '', '| node | VM | roles | address | vCPUs | RAM (GB) | data disk (GB) | minimum RAM (GB) | minimum data disk (GB) |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.vms.map((v) => `| ${md(v.name)} | ${md(v.vm)} | ${v.roles.join(' + ')} | ${v.ip ?? '—'} | ${v.cpus} | ${v.memoryGb} | ${v.diskGb} | ${v.minimum.memoryReason} | ${v.minimum.diskReason} |`),
    `| **total** | ${r.totals.vms} VMs | | | ${r.totals.cpus} | ${r.totals.memoryGb} | ${r.totals.diskGb} | | |`, '',
    'The minimums are what validate enforces (seed 004): RAM and disk are the sums over the components on the host, the UMS Web App on every server host (UMS-RES-001); a server\'s data disk also holds 1 GB of program files plus about 10 GB per retained firmware update (UMS-RES-002), so the larger of the two counts. Each VM also has the template\'s system disk.', '',
    `Database: ${md(r.database.engine)}${r.database.host ? ` on ${md(r.database.host)}` : ''}${r.database.authentication ? `, authentication ${md(r.database.authentication)}` : ''}; redundancy: ${md(r.database.redundancy)}.`, '',
  ];
}

/** The AWS placement: instance types, zones, the Network Load Balancer and the security groups (platforms/aws/placement.ts). */
function awsSection(r: SizingReport): string[] {
  if (!r.aws) return [];
  const a = r.aws;
  return [
    '## AWS placement', '', `Region ${a.region}; one EC2 instance per host, IMDSv2 required, encrypted EBS data volume of the size above.`, '',
    '| node | instance type | availability zone |', '| --- | --- | --- |',
    ...a.hosts.map((h) => `| ${md(h.name)} | ${h.instanceType ?? '—'} | ${h.zone ?? '—'} |`),
    '', `Network Load Balancer: TCP ${a.loadBalancerPorts.join(', ')}, one target group with a health check per port. ${a.securityGroupRules} security group rules generated from the firewall matrix below${a.notOpened.length > 0 ? `; not opened on AWS (broadcast, which AWS drops): ${a.notOpened.join(', ')}` : ''}.`, '',
  ];
}

/** Where devices connect, configured or told by the server (devicePaths, core/network/matrix.ts). */
function devicePathSection(r: SizingReport): string[] {
  return [
    '## Where devices connect',
    '',
    ...r.devicePaths.map((p) => `- ${p.text}: ${p.addresses.join(', ') || '—'}${p.how === 'told' ? ' (sent by the server, not configured on the devices)' : ''}.`),
    ...(r.devicePaths.length === 0 ? ['- No device path.'] : []),
    '',
  ];
}

/** The firewall matrix (core/network/matrix.ts; IGEL's UMS Communication Ports, IGEL_PORTS_PAGE). */
function firewallSection(r: SizingReport): string[] {
  const sourcesText = (f: ReportFlow) => {
    const now = f.sources.filter((a) => !f.reserved.includes(a));
    return f.reserved.length === 0 ? now.join(', ') || '—' : `${now.join(', ') || '—'}; reserved slots: ${f.reserved.join(', ')}`;
  };
  const out = ['## Firewall matrix', '', '| port | protocol | talks (from) | listens (to) | sources | purpose | source |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const f of r.firewall) {
    out.push(`| ${f.port} | ${f.protocol} | ${f.from} | ${f.to} | ${cell(sourcesText(f))} | ${cell(f.purpose)} | ${[...f.seed.map((s) => s.slice(0, 3)), ...(f.portsPage ? ['ports page'] : [])].join(', ') || '—'} |`);
  }
  out.push('', `Every host denies inbound traffic except the inbound rows, each from its sources only; outbound rows are flows an HA host starts, with nothing opened inbound (docs/ports.md). "ports page": IGEL's UMS Communication Ports, ${IGEL_PORTS_PAGE}.`, '');
  if (r.firewall.some((f) => f.reserved.length > 0)) {
    out.push(`"reserved slots": no node has these addresses yet; they are the address slots of the nodes a later deploy can add within IGEL's general sizing recommendation (up to ${RECOMMENDED_MAX_SERVERS} servers and ${RECOMMENDED_MAX_LOAD_BALANCERS} load balancers), admitted from the first boot so that the running hosts need no firewall change when the site grows (docs/topology.md, stable addresses).`, '');
  }
  return out;
}

/** The generated load balancer, its TLS mode and the Cluster Address step (core/configs/external-lb.ts; seed 004). */
function externalLbSection(r: SizingReport): string[] {
  const x = r.externalLoadBalancer;
  if (!x) return [];
  const what =
    x.generated === 'haproxy'
      ? `Synthesis writes its HAProxy configuration beside the stack: \`${x.file ?? ''}\` (docs/external-load-balancer.md).`
      : x.generated === 'aws-nlb'
        ? 'The stack builds a Network Load Balancer (TCP listeners from the firewall matrix, see AWS placement); no HAProxy file is written.'
        : 'ums-ha generates no load balancer for this platform.';
  const mode = x.tls === 'offloading' ? 'SSL offloading: TLS ends at the load balancer, which verifies the devices\' client certificates against the UMS EST CA and forwards them to the servers.' : 'TLS passthrough: TLS ends at the UMS Servers; the devices\' mutual TLS reaches them intact.';
  return ['## External load balancer', '', what, '', mode, '', `Post-install step: ${x.postInstall}.`, '', x.sourceAddresses, ''];
}

/** The steps after the installation (postInstallSteps), numbered. */
function postInstallSection(r: SizingReport): string[] {
  const out = ['## After installation', ''];
  r.postInstall.forEach((step, i) => {
    out.push(`${i + 1}. **${step.title}**`);
    for (const d of step.details) out.push(`   - ${withoutHtml(d)}`);
  });
  out.push('');
  return out;
}

/** The findings, and the exceptions the file accepts with their reasons. */
function findingsSection(r: SizingReport): string[] {
  const out = ['## Findings', ''];
  if (r.findings.length === 0) out.push('None.');
  for (const f of r.findings) out.push(`- **${f.severity}** \`${f.ruleId}\` at ${code(f.path || '/')}${f.line > 0 ? ` (line ${f.line})` : ''}: ${md(f.message)}`);
  out.push('');
  if (r.exceptions.length > 0) {
    out.push('## Accepted exceptions', '');
    for (const e of r.exceptions) out.push(`- \`${e.ruleId}\` at ${code(e.path || '/')}: ${md(e.message)}. **Accepted:** ${md(e.reason)}`);
    out.push('');
  }
  return out;
}

/** The Mermaid diagram of hosts, roles, the VLAN and the flows. */
function diagramSection(r: SizingReport): string[] {
  return ['## Diagram', '', '```mermaid', r.mermaid.trimEnd(), '```', ''];
}
