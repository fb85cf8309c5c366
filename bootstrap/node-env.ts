/**
 * The settings of one node as a shell file (/etc/ums-ha/node.env) the static scripts source.
 * Every value is single-quoted (a ' becomes '\''), so no topology value is ever read as shell
 * code; the scripts themselves contain no topology value. Secrets are not here: they stay in
 * guestinfo until the install script takes them.
 */
import { MAX_NODE_CLOCK_ERROR_SECONDS } from '../core/model/clock';
import { expectedUnits, firewallMatrix, listeningPorts, outboundRows } from '../core/network/matrix';
import { shellQuote } from '../core/base/shell';
import type { ResolvedNode, ResolvedTopology } from '../core/model/model';
import { hostMinimum, installsWebApp } from '../core/model/resolve';
import { platformEntry } from '../core/platform/registry';

export const NODE_ENV_PATH = '/etc/ums-ha/node.env';


/** Which components the installer installs on this node. */
export function components(node: ResolvedNode): 'server-and-lb' | 'server' | 'lb' {
  const server = node.roles.includes('server');
  const lb = node.roles.includes('loadBalancer');
  return server && lb ? 'server-and-lb' : server ? 'server' : 'lb';
}

export function nodeSettings(t: ResolvedTopology, node: ResolvedNode): Record<string, string> {
  const server = node.roles.includes('server');
  const first = node.index === 0;
  const creates = first && t.networkToken.mode === 'create';
  const peers = t.nodes.filter((n) => n !== node && n.ip);
  const peerChecks: string[] = [];
  for (const row of outboundRows(t, node)) {
    if (row.broadcast || row.protocol !== 'tcp' || row.direction !== 'inbound') continue;
    for (const peer of peers) if (peer.roles.some((r) => row.to.includes(r))) peerChecks.push(`${peer.ip}:${row.port}`);
  }
  const { memoryGb, diskGb } = hostMinimum(node.roles);
  const broadcastPorts = [...new Set(firewallMatrix(t).filter((r) => r.broadcast && r.direction === 'inbound' && node.roles.some((role) => r.from.includes(role))).map((r) => r.port))];
  const db = t.database;
  const bootstrap = platformEntry(t.platform)?.bootstrap;
  const secrets = bootstrap?.secretSettings?.(t, node) ?? {};
  return {
    UMS_HA_TOPOLOGY: t.name,
    UMS_HA_NODE: node.vmName,
    UMS_HA_ROLES: node.roles.join(','),
    UMS_HA_COMPONENTS: components(node),
    UMS_HA_IP: node.ip ?? '',
    UMS_HA_UMS_VERSION: t.umsVersion,
    UMS_HA_INSTALLER_URL: t.installer.url,
    UMS_HA_INSTALLER_SHA256: (t.installer.sha256 ?? '').toLowerCase(),
    UMS_HA_TOKEN: creates ? 'create' : 'join',
    UMS_HA_TOKEN_VARIABLE: t.networkToken.variable,
    UMS_HA_WEBAPP: installsWebApp(node.roles) ? 'yes' : 'no', // OS 12 devices cannot be managed without the Web App (seed 004)
    UMS_HA_DB_ENGINE: server ? db.engine : '',
    UMS_HA_DB_HOST: server ? (db.host ?? '') : '',
    UMS_HA_DB_PORT: server && db.port !== undefined ? String(db.port) : '',
    UMS_HA_DB_NAME: server ? (db.name ?? '') : '',
    UMS_HA_DB_USER: server ? (db.user ?? '') : '',
    // The data source (ums-ha-datasource): sql or kerberos (ad-native is refused, UMS-DB-006); krb5.conf's realm and KDCs.
    UMS_HA_DB_AUTH: server ? (db.authentication === 'kerberos' ? 'kerberos' : 'sql') : '',
    UMS_HA_KRB5_REALM: server && db.kerberos ? db.kerberos.realm : '',
    UMS_HA_KRB5_KDCS: server && db.kerberos ? db.kerberos.kdcs.join(' ') : '',
    UMS_HA_DB_DOMAIN: server && db.kerberos ? (db.kerberos.domain ?? db.kerberos.realm) : '',
    UMS_HA_MAX_SKEW_SECONDS: String(MAX_NODE_CLOCK_ERROR_SECONDS),
    UMS_HA_MIN_MEMORY_MB: String(memoryGb * 1024),
    UMS_HA_MIN_DISK_GB: String(diskGb),
    UMS_HA_DATA_DIR: '/opt/IGEL',
    UMS_HA_PEER_CHECKS: peerChecks.join(' '),
    UMS_HA_BROADCAST: t.network.broadcastAddress,
    UMS_HA_BROADCAST_PORTS: broadcastPorts.join(' '),
    UMS_HA_EXPECT_UNITS: expectedUnits(node).join(' '),
    UMS_HA_EXPECT_PORTS: listeningPorts(node).join(' '),
    // Where the install script takes the secrets from, as the platform says (guestinfo on vSphere,
    // SSM on AWS), and the platform's settings of that source (names only).
    UMS_HA_SECRET_SOURCE: bootstrap?.secretSource ?? 'guestinfo',
    UMS_HA_AWS_REGION: secrets.UMS_HA_AWS_REGION ?? '',
    UMS_HA_DB_PASSWORD_PARAMETER: secrets.UMS_HA_DB_PASSWORD_PARAMETER ?? '',
    UMS_HA_TOKEN_PARAMETER: secrets.UMS_HA_TOKEN_PARAMETER ?? '',
  };
}

export function renderNodeEnv(t: ResolvedTopology, node: ResolvedNode): string {
  const lines = Object.entries(nodeSettings(t, node)).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return `# ums-ha settings of ${node.vmName}, rendered from the topology. Secrets are not here.\n${lines.join('\n')}\n`;
}
