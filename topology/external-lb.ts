/**
 * The external load balancer of a `loadBalancing: external` topology (any platform), rendered as an
 * HAProxy configuration that ums-ha writes beside the stack (cdktf.out/stacks/<name>/). Free of
 * cdktf: a pure function of the resolved topology, plus one small writer for the cdktf app.
 *
 * Sources: seed 004 (004_f9c19963f33757ec.txt), "UMS 12 Communication Ports": OS 12 devices need
 * TCP 8443 `/device-connector/*`, "SSL can be terminated at the reverse proxy / external load
 * balancer (see ... Example for NGINX with SSL Offloading) or at the UMS Server"; the UMS Web App
 * needs `/webapp/*` and `/wums-app/*`, the UMS Console the root `/*`; OS 11 devices TCP 30001.
 * "If You Use an External Load Balancer / Reverse Proxy": its FQDN and port go into UMS
 * Administration > Global Configuration > Server Network Settings > Cluster Address. Seed 001
 * (001_de5c957648566345.txt): the same ports.
 *
 * What the load balancer carries is read from the firewall matrix (topology/firewall.ts), never
 * restated here: every inbound TCP row from devices or admins to the servers on the UMS web port
 * becomes the HTTPS frontend with the documented paths; every other inbound TCP row from devices
 * to the servers becomes a TCP pass-through on the same port. UDP rows and the administrators'
 * other rows (SSH) do not go through the load balancer.
 *
 * Why HAProxy and not NGINX (docs/external-load-balancer.md): open-source HAProxy checks every
 * server actively (NGINX does so only in NGINX Plus; the free version notices a dead server from
 * failed client requests), and it carries the HTTPS paths and the OS 11 TCP pass-through in one
 * program without an extra module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firewallMatrix, type FirewallRow } from './firewall';
import type { ResolvedNode, ResolvedTopology } from './model';
import { hasClusterAddressSetting } from './rules/ver';

/** The UMS web port every documented path lives on (seed 004: "TCP 8443 `/device-connector/*`", `/webapp/*`, `/*`). */
export const UMS_WEB_PORT = 8443;

/** The file written beside the stack. */
export const EXTERNAL_LB_FILE = 'external-load-balancer.haproxy.cfg';

/** Where the generated configuration expects the operator's TLS files (see docs/external-load-balancer.md). */
export const DEFAULT_TLS_DIR = '/etc/haproxy/ums-ha';
/** Certificate and private key (PEM, key after the chain) of the Cluster Address's host name. */
export const CLUSTER_CERT_FILE = 'cluster-address.pem';
/** CA certificate(s) that signed the UMS Servers' web certificates (HAProxy verifies the servers with it). */
export const SERVER_CA_FILE = 'ums-servers-ca.pem';

/** Health checks: every 2 s; 2 failures mark a server down, 2 successes up again (about 4 s to fail over). */
export const HEALTH_CHECK = { interMs: 2000, fall: 2, rise: 2 } as const;

/** A documented path (seed 004) and the backend that serves it. */
export interface LbRoute {
  /** Prefix matched (`/` is the Console's `/*`, the default). */
  readonly prefix: string;
  readonly backend: string;
  readonly what: string;
}

export interface LbPassThrough {
  readonly port: number;
  readonly backend: string;
  /** Matrix rows carried (their ids). */
  readonly rows: readonly string[];
  readonly purpose: string;
}

/** What the load balancer carries, from the firewall matrix: the plan the renderer and the rules share. */
export interface ExternalLbPlan {
  /** The Cluster Address, host:port (seed 004). */
  readonly clusterAddress: string;
  readonly host: string;
  /** The port devices and Consoles connect to for HTTPS (the Cluster Address's port). */
  readonly port: number;
  /** Matrix rows the HTTPS frontend carries (empty: no HTTPS frontend). */
  readonly httpsRows: readonly string[];
  readonly routes: readonly LbRoute[];
  readonly passThrough: readonly LbPassThrough[];
  /** Rows the load balancer does not carry, with why (UDP, administration). */
  readonly notCarried: ReadonlyArray<{ readonly id: string; readonly why: string }>;
  readonly servers: ReadonlyArray<{ readonly name: string; readonly ip: string }>;
}

const fromOutside = (r: FirewallRow) => r.direction === 'inbound' && r.to.includes('server') && (r.from.includes('devices') || r.from.includes('admins'));

/** Splits the Cluster Address (schema: host:port, `definitions.hostPort`). */
export function parseClusterAddress(address: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1] as string, port } : undefined;
}

/**
 * The plan for a topology with external load balancing; undefined for `loadBalancing: igel`.
 * Throws on a topology the rules refuse (no Cluster Address, a server without an address): only
 * valid topologies are rendered.
 */
export function externalLbPlan(t: ResolvedTopology): ExternalLbPlan | undefined {
  if (t.loadBalancing !== 'external') return undefined;
  const cluster = t.clusterAddress === undefined ? undefined : parseClusterAddress(t.clusterAddress);
  if (!cluster || t.clusterAddress === undefined) throw new Error(`${t.name}: loadBalancing external needs clusterAddress host:port (UMS-CLOUD-003)`);
  const servers = t.nodes
    .filter((n: ResolvedNode) => n.roles.includes('server'))
    .map((n) => {
      if (n.ip === null) throw new Error(`${t.name}: server ${n.name} has no address (UMS-NET-002)`);
      return { name: n.name, ip: n.ip };
    });
  const { httpsRows, passThrough, notCarried } = carriage(t);
  if (httpsRows.length > 0 && passThrough.some((p) => p.port === cluster.port)) throw new Error(`${t.name}: clusterAddress port ${cluster.port} is also passed through to the servers (UMS-CLOUD-004)`);
  const routes: LbRoute[] = [];
  if (httpsRows.length > 0) {
    // seed 004: OS 12 devices on /device-connector/* (a WebSocket); the Web App on /webapp/* and /wums-app/*; the Console on /*.
    if (t.deviceOs.includes('os12')) routes.push({ prefix: '/device-connector/', backend: 'ums_device_connector', what: 'OS 12 devices (WebSocket)' });
    routes.push({ prefix: '/webapp/', backend: 'ums_webapp', what: 'UMS Web App' });
    routes.push({ prefix: '/wums-app/', backend: 'ums_webapp', what: 'UMS Web App' });
    routes.push({ prefix: '/', backend: 'ums_console', what: 'UMS Console' });
  }
  return { clusterAddress: t.clusterAddress, host: cluster.host, port: cluster.port, httpsRows, routes, passThrough, notCarried, servers };
}

/**
 * Which matrix rows the load balancer carries and how (total: never throws, so the rules use it
 * too): HTTPS rows, TCP pass-through ports, rows not carried.
 */
export function carriage(t: ResolvedTopology): Pick<ExternalLbPlan, 'httpsRows' | 'passThrough' | 'notCarried'> {
  const httpsRows: string[] = [];
  const tcp = new Map<number, { rows: string[]; purposes: string[] }>();
  const notCarried: Array<{ id: string; why: string }> = [];
  for (const row of firewallMatrix(t).filter(fromOutside)) {
    if (row.protocol === 'udp') {
      notCarried.push({ id: row.id, why: `UDP ${row.port}: not proxied; the servers take it directly` });
    } else if (row.port === UMS_WEB_PORT) {
      httpsRows.push(row.id);
    } else if (row.from.includes('devices')) {
      const entry = tcp.get(row.port) ?? { rows: [], purposes: [] };
      entry.rows.push(row.id);
      entry.purposes.push(row.purpose);
      tcp.set(row.port, entry);
    } else {
      notCarried.push({ id: row.id, why: `TCP ${row.port} from administrators: straight to each host, not through the load balancer` });
    }
  }
  const passThrough = [...tcp.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, e]) => ({ port, backend: `ums_tcp_${port}`, rows: e.rows, purpose: [...new Set(e.purposes)].join('; ') }));
  return { httpsRows, passThrough, notCarried };
}

/** The post-install step that points the UMS at the load balancer (seed 004), with its exact value. */
export function clusterAddressStep(clusterAddress: string): string {
  return `In the UMS Console, set UMS Administration > Global Configuration > Server Network Settings > Cluster Address to \`${clusterAddress}\` (the FQDN and port of the external load balancer; seed 004)`;
}

export interface RenderOptions {
  /** Folder of the operator's TLS files. @default DEFAULT_TLS_DIR */
  readonly tlsDir?: string;
}

export interface RenderedFile {
  readonly name: string;
  readonly content: string;
}

/** The HAProxy configuration; undefined for `loadBalancing: igel`. */
export function renderExternalLoadBalancer(t: ResolvedTopology, options: RenderOptions = {}): RenderedFile | undefined {
  const plan = externalLbPlan(t);
  if (!plan) return undefined;
  const tls = options.tlsDir ?? DEFAULT_TLS_DIR;
  if (!/^\/[A-Za-z0-9._/-]*$/.test(tls)) throw new Error(`tlsDir must be an absolute path of letters, digits, . _ - /: ${JSON.stringify(tls)}`);
  const cert = path.posix.join(tls, CLUSTER_CERT_FILE);
  const ca = path.posix.join(tls, SERVER_CA_FILE);
  const check = `check inter ${HEALTH_CHECK.interMs} fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise}`;
  const L: string[] = [];
  L.push(
    `# External load balancer of the UMS HA network ${t.name}, generated by ums-ha (docs/external-load-balancer.md).`,
    '# Regenerate it from the topology instead of editing it; check it with: haproxy -c -f <this file>',
    '#',
    `# Cluster Address: ${plan.clusterAddress}`,
    hasClusterAddressSetting(t.umsVersion)
      ? `# After the installation: ${clusterAddressStep(plan.clusterAddress).replace(/`/g, '')}.`
      : `# UMS ${t.umsVersion} has no Cluster Address setting (UMS-VER-002): point the devices here by the igelrmserver DNS name or DHCP option 224.`,
    '#',
    '# TLS files the operator provides (ums-ha never writes keys):',
    `#   ${cert}  certificate chain and private key for ${plan.host} (PEM)`,
    `#   ${ca}  CA certificate(s) that signed the UMS Servers' web certificates`,
    '#',
    '# Carried (topology/firewall.ts rows):',
  );
  if (plan.httpsRows.length > 0) L.push(`#   HTTPS ${plan.port} -> servers ${UMS_WEB_PORT}: ${plan.httpsRows.join(', ')} (TLS ends here and is renewed to each server)`);
  for (const p of plan.passThrough) L.push(`#   TCP ${p.port} -> servers ${p.port}, passed through: ${p.rows.join(', ')} (${p.purpose})`);
  for (const n of plan.notCarried) L.push(`#   not carried: ${n.id}: ${n.why}`);
  L.push(
    '',
    'global',
    '    log /dev/log local0',
    '    user haproxy',
    '    group haproxy',
    '    ssl-default-bind-options ssl-min-ver TLSv1.2',
    '    ssl-default-server-options ssl-min-ver TLSv1.2',
    '',
    'defaults',
    '    log global',
    '    option dontlognull',
    '    retries 2',
    '    option redispatch',
    '    timeout connect 5s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    # WebSocket (device connector) and OS 11 connections stay open for long.',
    '    timeout tunnel 1h',
    '    timeout check 3s',
  );
  if (plan.httpsRows.length > 0) {
    L.push('', 'frontend ums_https', '    mode http', '    option httplog', `    bind :${plan.port} ssl crt ${cert}`, '    option forwardfor', '    http-request set-header X-Forwarded-Proto https');
    const byBackend = new Map<string, string[]>();
    for (const r of plan.routes) if (r.prefix !== '/') byBackend.set(r.backend, [...(byBackend.get(r.backend) ?? []), r.prefix]);
    for (const [backend, prefixes] of byBackend) {
      const exact = prefixes.map((p) => p.replace(/\/$/, ''));
      L.push(`    acl is_${backend} path ${exact.join(' ')}`, `    acl is_${backend} path_beg ${prefixes.join(' ')}`);
    }
    for (const backend of byBackend.keys()) L.push(`    use_backend ${backend} if is_${backend}`);
    L.push(`    default_backend ums_console`);
    const backends = [...new Set(plan.routes.map((r) => r.backend))];
    for (const backend of backends) {
      const what = plan.routes.filter((r) => r.backend === backend);
      L.push('', `# ${what.map((r) => `${r.prefix === '/' ? '/*' : `${r.prefix}*`} ${r.what}`).join('; ')}`, `backend ${backend}`, '    mode http');
      // Devices hold one long WebSocket each: the server with the fewest. Browsers and Consoles keep a session: the same server per client address.
      L.push(backend === 'ums_device_connector' ? '    balance leastconn' : '    balance source\n    hash-type consistent');
      L.push('    option httpchk', '    http-check send meth GET uri / ver HTTP/1.1 hdr Host ' + plan.host, '    # Any answer but a server error: the UMS web server is up.', '    http-check expect rstatus ^[234]');
      for (const s of plan.servers) L.push(`    server ${s.name} ${s.ip}:${UMS_WEB_PORT} ssl verify required ca-file ${ca} ${check}`);
    }
  }
  for (const p of plan.passThrough) {
    L.push('', `# ${p.purpose}`, `frontend ums_tcp_${p.port}_in`, '    mode tcp', '    option tcplog', `    bind :${p.port}`, `    default_backend ${p.backend}`);
    L.push('', `backend ${p.backend}`, '    mode tcp', '    balance leastconn');
    for (const s of plan.servers) L.push(`    server ${s.name} ${s.ip}:${p.port} ${check}`);
  }
  return { name: EXTERNAL_LB_FILE, content: `${L.join('\n')}\n` };
}

/**
 * Writes the configuration into a stack's folder, or removes a stale one when the topology no
 * longer uses external load balancing (the one call the cdktf app makes).
 */
export function writeExternalLoadBalancer(dir: string, t: ResolvedTopology): void {
  const file = renderExternalLoadBalancer(t);
  if (file) fs.writeFileSync(path.join(dir, file.name), file.content);
  else fs.rmSync(path.join(dir, EXTERNAL_LB_FILE), { force: true });
}
