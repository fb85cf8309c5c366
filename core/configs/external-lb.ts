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
import type { ResolvedTopology } from '../model/model';
import { platformEntry } from '../platform/registry';
import { hasClusterAddressSetting } from '../rules/ver';
import { CLUSTER_CERT_FILE, DEFAULT_TLS_DIR, EST_CA_FILE, EXTERNAL_LB_FILE, type ExternalLbPlan, externalLbPlan, FORWARDED_CERT_HEADER, HEALTH_CHECK, IGEL_NGINX_OFFLOADING_1202_PAGE, IGEL_REVERSE_PROXY_PAGE, type LbPassThrough, type LbRoute, OFFLOADING_MIN_OS12_VERSION, OFFLOADING_MIN_UMS_VERSION, parseClusterAddress, SERVER_CA_FILE, UMS_WEB_PORT } from '../network/external-lb';

export * from '../network/external-lb';

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

/** What every section of the HAProxy file reads: the plan, the operator's TLS files, the server check options. */
interface HaproxyContext {
  readonly t: ResolvedTopology;
  readonly plan: ExternalLbPlan;
  /** Certificate chain and key of the Cluster Address's host (SSL offloading). */
  readonly cert: string;
  /** The CA of the servers' web certificates (health checks, and TLS to the servers). */
  readonly ca: string;
  /** The UMS EST CA (SSL offloading: the devices' client certificates). */
  readonly estCa: string;
  /** The health check options of every server line (HEALTH_CHECK). */
  readonly check: string;
}

/** The HAProxy configuration; undefined unless the platform uses it (generatedLoadBalancer: vsphere with external load balancing). */
export function renderExternalLoadBalancer(t: ResolvedTopology, options: RenderOptions = {}): RenderedFile | undefined {
  if (generatedLoadBalancer(t) !== 'haproxy') return undefined;
  const plan = externalLbPlan(t);
  if (!plan) return undefined;
  const tls = options.tlsDir ?? DEFAULT_TLS_DIR;
  if (!/^\/[A-Za-z0-9._/-]*$/.test(tls)) throw new Error(`tlsDir must be an absolute path of letters, digits, . _ - /: ${JSON.stringify(tls)}`);
  const c: HaproxyContext = {
    t,
    plan,
    cert: path.posix.join(tls, CLUSTER_CERT_FILE),
    ca: path.posix.join(tls, SERVER_CA_FILE),
    estCa: path.posix.join(tls, EST_CA_FILE),
    check: `check inter ${HEALTH_CHECK.interMs} fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise}`,
  };
  const https = plan.httpsRows.length === 0 ? [] : plan.tls === 'offloading' ? [...offloadingFrontend(c), ...offloadingBackends(c)] : tlsPassthroughSections(c);
  const L = [...headerComment(c), ...GLOBAL_AND_DEFAULTS, ...https, ...plan.passThrough.flatMap((p) => tcpPassThroughSections(c, p))];
  return { name: EXTERNAL_LB_FILE, content: `${L.join('\n')}\n` };
}

/**
 * The comment at the top: where the file comes from, the Cluster Address and its post-install step
 * (seed 004, 004_f9c19963f33757ec.txt, "If You Use an External Load Balancer / Reverse Proxy"; no
 * such setting before UMS-VER-002's version), the TLS mode, the operator's TLS files and the rows of
 * the firewall matrix the file carries or does not carry.
 */
function headerComment({ t, plan, cert, ca, estCa }: HaproxyContext): string[] {
  const offloading = plan.tls === 'offloading';
  const L = [
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
  ];
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
  return L;
}

/** The global and defaults sections: TLS 1.2 at least, and long tunnels for the devices' connections. */
const GLOBAL_AND_DEFAULTS: readonly string[] = [
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
];

/** Every backend checks each server's web server over TLS: any answer but a server error means up. */
function httpCheck(plan: ExternalLbPlan): string[] {
  return ['    option httpchk', '    http-check send meth GET uri / ver HTTP/1.1 hdr Host ' + plan.host, '    # Any answer but a server error: the UMS web server is up.', '    http-check expect rstatus ^[234]'];
}

/** The documented paths of a group of routes, as a comment (`/*` for the root). */
const routesText = (routes: readonly LbRoute[]) => routes.map((r) => `${r.prefix === '/' ? '/*' : `${r.prefix}*`} ${r.what}`).join('; ');

/**
 * TLS passthrough: one TCP frontend on the Cluster Address's port to each server's 8443. Seed 004
 * (004_f9c19963f33757ec.txt), "UMS 12 Communication Ports": "SSL can be terminated ... at the UMS
 * Server": every path on the port goes to the servers as it is.
 */
function tlsPassthroughSections({ plan, ca, check }: HaproxyContext): string[] {
  return [
    '',
    `# TLS passthrough: ${routesText(plan.routes)}; TLS ends at the UMS Server`,
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
    ...httpCheck(plan),
    ...plan.servers.map((s) => `    server ${s.name} ${s.ip}:${UMS_WEB_PORT} ${check} check-ssl verify required ca-file ${ca}`),
  ];
}

/**
 * SSL offloading, the frontend: TLS ends here, the devices' client certificates are verified against
 * the UMS EST CA and forwarded in FORWARDED_CERT_HEADER as IGEL's NGINX example does
 * (IGEL_REVERSE_PROXY_PAGE, IGEL_NGINX_OFFLOADING_PAGE); the documented paths of seed 004
 * (004_f9c19963f33757ec.txt), "UMS 12 Communication Ports", choose the backend.
 */
function offloadingFrontend({ plan, cert, estCa }: HaproxyContext): string[] {
  const L = [
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
  ];
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
  return L;
}

/** SSL offloading, the backends: one per group of documented paths, TLS renewed to each server's 8443. */
function offloadingBackends({ plan, ca, check }: HaproxyContext): string[] {
  const L: string[] = [];
  for (const backend of new Set(plan.routes.map((r) => r.backend))) {
    L.push('', `# ${routesText(plan.routes.filter((r) => r.backend === backend))}`, `backend ${backend}`, '    mode http');
    // Devices hold one long WebSocket each: the server with the fewest. Browsers and Consoles keep a session: the same server per client address.
    L.push(backend === 'ums_device_connector' ? '    balance leastconn' : '    balance source\n    hash-type consistent');
    L.push(...httpCheck(plan));
    for (const s of plan.servers) L.push(`    server ${s.name} ${s.ip}:${UMS_WEB_PORT} ssl verify required ca-file ${ca} ${check}`);
  }
  return L;
}

/** A TCP pass-through of device rows on another port (seed 004, "UMS 12 Communication Ports": OS 11 devices TCP 30001). */
function tcpPassThroughSections({ plan, check }: HaproxyContext, p: LbPassThrough): string[] {
  return [
    '', `# ${p.purpose}`, `frontend ums_tcp_${p.port}_in`, '    mode tcp', '    option tcplog', `    bind :${p.port}`, `    default_backend ${p.backend}`,
    '', `backend ${p.backend}`, '    mode tcp', '    balance leastconn',
    ...plan.servers.map((s) => `    server ${s.name} ${s.ip}:${p.port} ${check}`),
  ];
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
