/**
 * Platform rules. Source: seed 004 (004_f9c19963f33757ec.txt), installation requirements: "IGEL
 * UMS HA installation with IGEL UMS Load Balancers is not supported in cloud environments like
 * Azure / AWS as they do not allow broadcast traffic within their networks. The HA installation
 * without IGEL UMS Load Balancers ... is, however, supported in cloud environments as of UMS version
 * 6.10"; "If You Use an External Load Balancer / Reverse Proxy": the FQDN and port go into the
 * Cluster Address. Also seed 002 (002_c6ce0ee242701b9d.txt).
 */
import { carriage, parseClusterAddress, UMS_WEB_PORT } from '../network/external-lb';
import { SEEDS } from '../model/seeds';
import type { TopologyRule } from '../model/rule';
import { platformEntry } from '../platform/registry';

/** The platform drops UDP broadcast (the clouds: its registry entry says broadcast: false). */
export const dropsBroadcast = (platform: string): boolean => platformEntry(platform)?.broadcast === false;
/** First UMS version supporting HA without IGEL load balancers in the cloud (seed 004). */
export const CLOUD_EXTERNAL_MIN_VERSION = { major: 6, minor: 10 } as const;

/** major.minor of an IGEL version string "12.07.100". */
export function majorMinor(version: string): { major: number; minor: number } {
  const [major = '0', minor = '0'] = version.split('.');
  return { major: Number(major), minor: Number(minor) };
}

export const cloudRules: readonly TopologyRule[] = [
  {
    id: 'UMS-CLOUD-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.furtherServers],
    title: 'No IGEL load balancers on AWS, Azure or GCP',
    explanation: 'IGEL UMS Load Balancers and servers find each other by UDP broadcast (6155, 61616); these clouds drop broadcast traffic, so the HA network never forms.',
    check({ doc, topology: t }) {
      if (t.loadBalancing !== 'igel' || !dropsBroadcast(t.platform)) return [];
      return [
        {
          path: doc.spec.loadBalancing !== undefined ? '/spec/loadBalancing' : '/spec/platform',
          message: `IGEL UMS Load Balancers need UDP broadcast (6155, 61616), which ${t.platform} drops: set loadBalancing: external with a clusterAddress (UMS 6.10 or later), or run on vsphere`,
        },
      ];
    },
  },
  {
    id: 'UMS-CLOUD-002',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'External load balancing in the cloud needs UMS 6.10 or later',
    explanation: 'HA without IGEL UMS Load Balancers is supported in cloud environments only as of UMS 6.10.',
    check({ topology: t }) {
      if (t.loadBalancing !== 'external' || !dropsBroadcast(t.platform)) return [];
      const v = majorMinor(t.umsVersion);
      const min = CLOUD_EXTERNAL_MIN_VERSION;
      if (v.major > min.major || (v.major === min.major && v.minor >= min.minor)) return [];
      return [
        {
          path: '/spec/umsVersion',
          message: `HA without IGEL load balancers is supported on ${t.platform} from UMS ${min.major}.${min.minor} on; ${t.umsVersion} given: use UMS ${min.major}.${min.minor} or later`,
        },
      ];
    },
  },
  {
    id: 'UMS-CLOUD-003',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'External load balancing names the cluster address',
    explanation: 'With an external load balancer or reverse proxy, its FQDN and port must be set as the UMS Cluster Address; devices and the bootstrap need it.',
    check({ topology: t }) {
      if (t.loadBalancing !== 'external' || t.clusterAddress) return [];
      return [
        {
          path: '/spec/clusterAddress',
          message: 'loadBalancing external needs clusterAddress: the host:port of the external load balancer or reverse proxy (set as the UMS Cluster Address), e.g. ums.example.internal:8443',
        },
      ];
    },
  },
  {
    id: 'UMS-CLOUD-004',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.updateWithoutDowntimeDe],
    title: 'The Cluster Address port is not a port the load balancer passes through',
    explanation:
      'The generated external load balancer serves HTTPS (the device connector, Web App and Console paths) on the Cluster Address port and passes OS 11 device ports (30001) through untouched; one port cannot be both, or OS 11 devices and HTTPS clients land on the wrong listener.',
    check({ topology: t }) {
      const cluster = t.loadBalancing === 'external' && t.clusterAddress ? parseClusterAddress(t.clusterAddress) : undefined;
      if (!cluster) return [];
      const lb = carriage(t);
      const clash = lb.passThrough.find((p) => p.port === cluster.port);
      if (lb.httpsRows.length === 0 || !clash) return [];
      return [
        {
          path: '/spec/clusterAddress',
          message: `clusterAddress port ${cluster.port} is the port the external load balancer passes through for ${clash.rows.join(', ')} (${clash.purpose}): give the Cluster Address another port, e.g. ${cluster.host}:${UMS_WEB_PORT}`,
        },
      ];
    },
  },
];
