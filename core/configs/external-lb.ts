/**
 * The external load balancer of a `loadBalancing: external` topology on vsphere, rendered as an
 * HAProxy configuration that ums-ha writes beside the stack (cdktf.out/stacks/<name>/); an aws stack
 * builds a Network Load Balancer instead and gets no HAProxy file. Free of cdktf: a pure function
 * of the resolved topology, plus one small writer for the cdktf app.
 *
 * Sources: seed 004 (004_f9c19963f33757ec.txt), "UMS 12 Communication Ports": OS 12 devices need
 * TCP 8443 `/device-connector/*`, "SSL can be terminated at the reverse proxy / external load
 * balancer (see ... Example for NGINX with SSL Offloading) or at the UMS Server"; the UMS Web App
 * needs `/webapp/*` and `/wums-app/*`, the UMS Console the root `/*`; OS 11 devices TCP 30001.
 * "If You Use an External Load Balancer / Reverse Proxy": its FQDN and port go into UMS
 * Administration > Global Configuration > Server Network Settings > Cluster Address. Seed 001
 * (001_de5c957648566345.txt): the same ports.
 *
 * The two TLS modes (`externalLoadBalancer.tls`) are the two IGEL documents: passthrough, TLS ends
 * at the UMS Server (seed 004), so OS 12 devices' "WebSocket connection with Mutual TLS"
 * (IGEL_NETWORK_CONFIGURATION_PAGE) reaches the server intact; SSL offloading
 * (IGEL_REVERSE_PROXY_PAGE: UMS 12.04.100, IGEL OS 12.3.2, forwarding client certificate
 * processing activated on the UMS, the EST CA client certificate exported to the proxy), where the
 * proxy verifies the device certificate and passes it on as IGEL's NGINX example does
 * (IGEL_NGINX_OFFLOADING_PAGE; FORWARDED_CERT_HEADER). Device registration is plain HTTPS without a
 * client certificate (IGEL_NETWORK_CONFIGURATION_PAGE), so only the WebSocket requires one.
 *
 * What the load balancer carries is read from the firewall matrix (core/network/matrix.ts), never
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
import { firewallMatrix, type FirewallRow } from '../network/matrix';
import type { ResolvedNode, ResolvedTopology } from '../model/model';
import { hasClusterAddressSetting } from '../rules/ver';
import { platformEntry } from '../platform/registry';

/** IGEL "Configure the UMS to Integrate Reverse Proxy with SSL Offloading" (UMS 12.06.100): OS 12 only; the offloading requirements and steps. */
export const IGEL_REVERSE_PROXY_PAGE = 'https://kb.igel.com/en/universal-management-suite/12.06.100/configure-the-ums-to-integrate-reverse-proxy-with-';
/** IGEL "NGINX Example Configuration for Reverse Proxy in IGEL OS with SSL Offloading" (UMS 12.04.120). */
export const IGEL_NGINX_OFFLOADING_PAGE = 'https://kb.igel.com/endpointmgmt-12.04.120/en/nginx-example-configuration-for-as-reverse-proxy-in-igel-os-with-ssl-offloading-126849757.html';
/** IGEL "IGEL UMS Configuration for the External Load Balancer / Reverse Proxy: Example for NGINX with SSL Offloading" (UMS 12.02): the cluster FQDN in the web certificate of all servers. */
export const IGEL_NGINX_OFFLOADING_1202_PAGE = 'https://kb.igel.com/endpointmgmt-12.02/en/igel-ums-configuration-for-the-external-load-balancer-reverse-proxy-example-for-nginx-with-ssl-offloading-90235521.html';
/** IGEL "IGEL Universal Management Suite Network Configuration": HTTPS for the device registration, a WebSocket with mutual TLS for management. */
export const IGEL_NETWORK_CONFIGURATION_PAGE = 'https://kb.igel.com/en/universal-management-suite/12.06.100/igel-universal-management-suite-network-configurat';
/** IGEL "IGEL Cloud Gateway vs. Reverse Proxy for the Communication between UMS 12 and IGEL OS Devices": the ICG suits mixed OS 11 / OS 12 fleets. */
export const IGEL_ICG_VS_REVERSE_PROXY_PAGE = 'https://kb.igel.com/endpointmgmt-12.01/en/igel-cloud-gateway-vs-reverse-proxy-for-the-communication-between-ums-12-and-igel-os-devices-90222095.html';
/** IGEL "Sizing Guidelines for IGEL UMS 12 and IGEL OS 12": reverse proxy, or the ICG as the alternative, for devices outside the LAN. */
export const IGEL_SIZING_UMS12_PAGE = 'https://kb.igel.com/en/universal-management-suite/current/sizing-guidelines-for-igel-ums-12-and-igel-os-12';

/** SSL offloading at a reverse proxy needs UMS 12.04.100 or higher (IGEL_REVERSE_PROXY_PAGE, requirements). */
export const OFFLOADING_MIN_UMS_VERSION = '12.04.100';
/** ... and IGEL OS 12.3.2 or higher on the devices (IGEL_REVERSE_PROXY_PAGE, requirements). */
export const OFFLOADING_MIN_OS12_VERSION = '12.3.2';

/** Dotted versions compared number by number ("12.3.2" vs "12.10.0"): one comparison for every version gate. */
export { compareVersions } from '../rules/upd';

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
/** SSL offloading: the UMS's EST CA certificate, exported from the UMS (IGEL_REVERSE_PROXY_PAGE: "Export the EST CA Client Certificate"); HAProxy verifies the devices' client certificates with it. */
export const EST_CA_FILE = 'ums-est-ca.pem';

/**
 * SSL offloading: the request header that carries the device's client certificate to the UMS
 * Server, in the format of NGINX's `$ssl_client_escaped_cert` (the PEM, URL-encoded), as IGEL's
 * NGINX example passes it (IGEL_NGINX_OFFLOADING_PAGE; docs/sources.md).
 */
export const FORWARDED_CERT_HEADER = 'X-SSL-CERT';

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
  /**
   * passthrough: TCP on the Cluster Address's port to each server's 8443, TLS ends at the UMS
   * Server. offloading: TLS ends here, device client certificates verified against the EST CA and
   * forwarded (IGEL_REVERSE_PROXY_PAGE).
   */
  readonly tls: 'passthrough' | 'offloading';
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
  return { clusterAddress: t.clusterAddress, host: cluster.host, port: cluster.port, httpsRows, routes, passThrough, notCarried, servers, tls: t.externalLoadBalancer?.tls ?? 'passthrough' };
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

/**
 * The UMS-side steps of the load balancer's TLS mode, in order: the cluster FQDN in the web
 * certificate of every server (IGEL: "This FQDN of the UMS cluster must be included into your web
 * certificate, and the corresponding certificate must be assigned to all UMS servers"), and for SSL
 * offloading the steps of IGEL_REVERSE_PROXY_PAGE's process overview.
 */
export function umsSideSteps(t: ResolvedTopology): string[] {
  const cluster = t.clusterAddress === undefined ? undefined : parseClusterAddress(t.clusterAddress);
  if (t.loadBalancing !== 'external' || !cluster) return [];
  const servers = t.nodes.filter((n) => n.roles.includes('server')).map((n) => n.vmName);
  const steps = [
    `Web certificate: the Cluster Address's host name ${cluster.host} must be in the web certificate assigned to ALL UMS Servers (${servers.join(', ')}): UMS Console > UMS Administration > Global Configuration > Certificate Management > Web (IGEL: the FQDN of the UMS cluster must be included in the web certificate, and that certificate assigned to all UMS Servers; ${IGEL_NGINX_OFFLOADING_1202_PAGE}).`,
  ];
  if (t.externalLoadBalancer?.tls === 'offloading') {
    const dir = DEFAULT_TLS_DIR;
    steps.push(
      `SSL offloading (UMS ${OFFLOADING_MIN_UMS_VERSION} or later, every device on IGEL OS ${OFFLOADING_MIN_OS12_VERSION} or later): activate forwarding client certificate processing on the UMS, then modify the server network settings and set the process configuration, as IGEL's page describes (${IGEL_REVERSE_PROXY_PAGE}). Without it the servers ignore the ${FORWARDED_CERT_HEADER} header and OS 12 devices cannot authenticate.`,
      `Export the EST CA client certificate from the UMS and put it on the load balancer as ${dir}/${EST_CA_FILE} (PEM): the load balancer verifies the devices' client certificates against it.`,
      `Export the UMS web certificate chain, extract its private key and chain (PEM, key after the chain) and put them on the load balancer as ${dir}/${CLUSTER_CERT_FILE}; the CA of the servers' web certificate goes to ${dir}/${SERVER_CA_FILE}. Then check and reload HAProxy (haproxy -c -f).`,
      `Limitation (IGEL): with a reverse proxy, the scan and register command may not be usable, since it needs a direct connection from the device to the UMS.`,
    );
  } else {
    const haproxy = generatedLoadBalancer(t) === 'haproxy';
    steps.push(
      `TLS passthrough: the load balancer forwards TCP to each server's ${UMS_WEB_PORT}; devices see the servers' web certificate (above) and authenticate to the servers themselves.${haproxy ? ` On the load balancer, ${DEFAULT_TLS_DIR}/${SERVER_CA_FILE} holds the CA of that certificate (its health checks verify it).` : ''}`,
    );
  }
  return steps;
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

/**
 * The log-format expression of the forwarded client certificate: the DER certificate as PEM (64
 * characters a line), URL-encoded, the same bytes as NGINX's `$ssl_client_escaped_cert`.
 */
const ESCAPED_CLIENT_CERT = '-----BEGIN%%20CERTIFICATE-----%%0A%[ssl_c_der,base64,regsub(\\"(.{1,64})\\",\\"\\\\1\\\\n\\",g),url_enc]-----END%%20CERTIFICATE-----%%0A';

/**
 * Which external load balancer ums-ha generates for a topology, as its platform's registry entry
 * says: the HAProxy file on vsphere, the stack's Network Load Balancer on aws
 * (platforms/aws/constructs/load-balancer.ts), nothing with IGEL load balancers or on azure and gcp
 * (not synthesized, UMS-PLAT-001). One platform, one load balancer:
 * an aws stack gets no HAProxy file.
 */
export function generatedLoadBalancer(t: Pick<ResolvedTopology, 'loadBalancing' | 'platform'>): 'haproxy' | 'aws-nlb' | undefined {
  if (t.loadBalancing !== 'external') return undefined;
  return platformEntry(t.platform)?.externalLoadBalancer;
}

/** The HAProxy configuration; undefined unless the platform uses it (generatedLoadBalancer: vsphere with external load balancing). */
export function renderExternalLoadBalancer(t: ResolvedTopology, options: RenderOptions = {}): RenderedFile | undefined {
  if (generatedLoadBalancer(t) !== 'haproxy') return undefined;
  const plan = externalLbPlan(t);
  if (!plan) return undefined;
  const tls = options.tlsDir ?? DEFAULT_TLS_DIR;
  if (!/^\/[A-Za-z0-9._/-]*$/.test(tls)) throw new Error(`tlsDir must be an absolute path of letters, digits, . _ - /: ${JSON.stringify(tls)}`);
  const cert = path.posix.join(tls, CLUSTER_CERT_FILE);
  const ca = path.posix.join(tls, SERVER_CA_FILE);
  const estCa = path.posix.join(tls, EST_CA_FILE);
  const offloading = plan.tls === 'offloading';
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
    `# TLS: ${offloading ? `SSL offloading: TLS ends here; OS 12 devices' client certificates are verified against the UMS EST CA and forwarded in ${FORWARDED_CERT_HEADER} (${IGEL_REVERSE_PROXY_PAGE})` : 'passthrough: TCP to each server, TLS ends at the UMS Server (the devices\' mutual TLS reaches it intact)'}`,
    '#',
    '# TLS files the operator provides (ums-ha never writes keys):',
  );
  if (offloading) {
    L.push(`#   ${cert}  certificate chain and private key for ${plan.host} (PEM)`, `#   ${estCa}  the UMS EST CA certificate (UMS: Export the EST CA Client Certificate)`);
  }
  L.push(`#   ${ca}  CA certificate(s) that signed the UMS Servers' web certificates (health checks)`, '#', '# Carried (rows of the firewall matrix):');
  if (plan.httpsRows.length > 0) {
    L.push(
      offloading
        ? `#   HTTPS ${plan.port} -> servers ${UMS_WEB_PORT}: ${plan.httpsRows.join(', ')} (TLS ends here and is renewed to each server)`
        : `#   TLS ${plan.port} -> servers ${UMS_WEB_PORT}, passed through: ${plan.httpsRows.join(', ')} (TLS ends at the UMS Server)`,
    );
  }
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
    '    # Device connections (the WebSocket, or TCP in passthrough) stay open for long.',
    '    timeout tunnel 1h',
    '    timeout check 3s',
  );
  // Every backend checks each server's web server over TLS: any answer but a server error means up.
  const httpCheck = ['    option httpchk', '    http-check send meth GET uri / ver HTTP/1.1 hdr Host ' + plan.host, '    # Any answer but a server error: the UMS web server is up.', '    http-check expect rstatus ^[234]'];
  if (plan.httpsRows.length > 0 && !offloading) {
    // seed 004: "SSL can be terminated ... at the UMS Server": every path on the port goes to the servers as it is.
    L.push(
      '',
      `# TLS passthrough: ${plan.routes.map((r) => `${r.prefix === '/' ? '/*' : `${r.prefix}*`} ${r.what}`).join('; ')}; TLS ends at the UMS Server`,
      'frontend ums_tls',
      '    mode tcp',
      '    option tcplog',
      `    bind :${plan.port}`,
      '    default_backend ums_tls',
      '',
      'backend ums_tls',
      '    mode tcp',
      '    # A device, browser or Console stays on one server (the same server per client address).',
      '    balance source',
      '    hash-type consistent',
      ...httpCheck,
    );
    for (const s of plan.servers) L.push(`    server ${s.name} ${s.ip}:${UMS_WEB_PORT} ${check} check-ssl verify required ca-file ${ca}`);
  }
  if (plan.httpsRows.length > 0 && offloading) {
    L.push(
      '',
      'frontend ums_https',
      '    mode http',
      '    option httplog',
      '    # Devices present a client certificate of the UMS EST CA on the management WebSocket (mutual TLS); registration',
      '    # is plain HTTPS without one. A certificate of another CA fails the TLS handshake.',
      `    bind :${plan.port} ssl crt ${cert} ca-file ${estCa} verify optional`,
      '    option forwardfor',
      '    http-request set-header X-Forwarded-Proto https',
      `    # The forwarded certificate is this load balancer's word alone: never pass on one a client wrote.`,
      `    http-request del-header ${FORWARDED_CERT_HEADER}`,
    );
    const byBackend = new Map<string, string[]>();
    for (const r of plan.routes) if (r.prefix !== '/') byBackend.set(r.backend, [...(byBackend.get(r.backend) ?? []), r.prefix]);
    for (const [backend, prefixes] of byBackend) {
      const exact = prefixes.map((p) => p.replace(/\/$/, ''));
      L.push(`    acl is_${backend} path ${exact.join(' ')}`, `    acl is_${backend} path_beg ${prefixes.join(' ')}`);
    }
    if (byBackend.has('ums_device_connector')) {
      L.push(
        '    acl is_websocket hdr(upgrade) -m str -i websocket',
        '    # The OS 12 management WebSocket only with a verified device certificate (IGEL: a WebSocket connection with Mutual TLS).',
        '    http-request deny deny_status 403 if is_ums_device_connector is_websocket !{ ssl_c_used }',
        `    http-request set-header ${FORWARDED_CERT_HEADER} "${ESCAPED_CLIENT_CERT}" if { ssl_c_used } { ssl_c_verify 0 }`,
      );
    }
    for (const backend of byBackend.keys()) L.push(`    use_backend ${backend} if is_${backend}`);
    L.push(`    default_backend ums_console`);
    const backends = [...new Set(plan.routes.map((r) => r.backend))];
    for (const backend of backends) {
      const what = plan.routes.filter((r) => r.backend === backend);
      L.push('', `# ${what.map((r) => `${r.prefix === '/' ? '/*' : `${r.prefix}*`} ${r.what}`).join('; ')}`, `backend ${backend}`, '    mode http');
      // Devices hold one long WebSocket each: the server with the fewest. Browsers and Consoles keep a session: the same server per client address.
      L.push(backend === 'ums_device_connector' ? '    balance leastconn' : '    balance source\n    hash-type consistent');
      L.push(...httpCheck);
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
 * longer uses it (IGEL load balancing, or a platform whose stack builds its own load balancer).
 */
export function writeExternalLoadBalancer(dir: string, t: ResolvedTopology): void {
  const file = renderExternalLoadBalancer(t);
  if (file) fs.writeFileSync(path.join(dir, file.name), file.content);
  else fs.rmSync(path.join(dir, EXTERNAL_LB_FILE), { force: true });
}
