/**
 * The external load balancer as a model: what it carries (read from the firewall matrix), the
 * Cluster Address it is reached by, and the IGEL facts its two TLS modes rest on (pages, versions,
 * the forwarded certificate's header). The rules judge it (core/rules/cloud.ts, xlb.ts), and
 * core/configs/external-lb.ts renders it as an HAProxy configuration; the sources are named there.
 */
import { firewallMatrix, type FirewallRow } from './matrix';
import type { ResolvedNode, ResolvedTopology } from '../model/model';

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
