/**
 * External load balancer rules (loadBalancing external, the `externalLoadBalancer` block).
 *
 * Sources (IGEL knowledge base, docs/sources.md):
 * - "Configure the UMS to Integrate Reverse Proxy with SSL Offloading" (IGEL_REVERSE_PROXY_PAGE):
 *   "A reverse proxy / external load balancer can be used if you manage IGEL OS 12 devices only";
 *   requirements of SSL offloading: IGEL UMS 12.04.100 or higher, IGEL OS 12.3.2 or higher.
 * - "IGEL Cloud Gateway vs. Reverse Proxy for the Communication between UMS 12 and IGEL OS Devices"
 *   (IGEL_ICG_VS_REVERSE_PROXY_PAGE): the ICG is "suitable for mixed environments when you manage
 *   both IGEL OS 12 and IGEL OS 11 devices".
 * - "Sizing Guidelines for IGEL UMS 12 and IGEL OS 12" (IGEL_SIZING_UMS12_PAGE): devices outside the
 *   LAN connect through an external reverse proxy, "as an alternative you can use ICG".
 * - Seed 004 (004_f9c19963f33757ec.txt): IGEL UMS Load Balancers take OS 11 devices on TCP 30001
 *   and are not supported in cloud environments (no broadcast); "SSL can be terminated at the
 *   reverse proxy / external load balancer ... or at the UMS Server".
 */
import { IGEL_REVERSE_PROXY_PAGE, OFFLOADING_MIN_OS12_VERSION, OFFLOADING_MIN_UMS_VERSION } from '../network/external-lb';
import { compareVersions } from './upd';
import { SEEDS } from '../model/seeds';
import type { Report, TopologyRule } from '../model/rule';
import { dropsBroadcast } from './cloud';
import { platformEntry } from '../platform/registry';


export const xlbRules: readonly TopologyRule[] = [
  {
    id: 'UMS-XLB-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'An external load balancer serves IGEL OS 12 devices only',
    explanation:
      'IGEL: "A reverse proxy / external load balancer can be used if you manage IGEL OS 12 devices only." OS 11 devices are balanced by the IGEL UMS Load Balancers (TCP 30001); for fleets of OS 11 and OS 12 devices IGEL offers the IGEL Cloud Gateway. In a cloud, where IGEL load balancers cannot run, OS 11 devices have no documented path to an HA network.',
    check({ doc, topology: t }) {
      if (t.loadBalancing !== 'external' || !t.deviceOs.includes('os11')) return [];
      const path = doc.spec.deviceOs !== undefined ? '/spec/deviceOs' : doc.spec.loadBalancing !== undefined ? '/spec/loadBalancing' : '/spec';
      const written = doc.spec.deviceOs === undefined ? 'deviceOs (by default os11 and os12) includes os11' : 'deviceOs includes os11';
      const base = `${written}, but IGEL supports a reverse proxy / external load balancer only for IGEL OS 12 devices (${IGEL_REVERSE_PROXY_PAGE})`;
      if (dropsBroadcast(t.platform)) {
        return [
          {
            path,
            message: `${base}, and on ${t.platform} OS 11 devices have no documented path to an HA network: the IGEL load balancers that carry them (TCP 30001) need broadcast, which ${t.platform} drops (UMS-CLOUD-001). Set deviceOs: [os12]; manage OS 11 devices from an HA network on vsphere with loadBalancing: igel, or through an IGEL Cloud Gateway (IGEL's option for mixed OS 11 and OS 12 fleets; not built by ums-ha)`,
          },
        ];
      }
      return [
        {
          path,
          message: `${base}: for OS 11 devices use loadBalancing: igel (IGEL UMS Load Balancers carry TCP 30001), or the IGEL Cloud Gateway for a mixed OS 11 and OS 12 fleet (not built by ums-ha); or set deviceOs: [os12] if no OS 11 device is managed`,
        },
      ];
    },
  },
  {
    id: 'UMS-XLB-002',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'SSL offloading needs UMS 12.04.100 and IGEL OS 12.3.2 or later',
    explanation:
      'IGEL lists UMS 12.04.100 or higher and IGEL OS 12.3.2 or higher as requirements of a reverse proxy with SSL offloading: older servers do not take the forwarded client certificate, older devices cannot authenticate through it. The oldest OS 12 version of the devices must be named (externalLoadBalancer.os12MinimumVersion) to show it.',
    check({ doc, topology: t }) {
      const x = t.externalLoadBalancer;
      if (t.loadBalancing !== 'external' || x?.tls !== 'offloading') return [];
      const reports: Report[] = [];
      if (compareVersions(t.umsVersion, OFFLOADING_MIN_UMS_VERSION) < 0) {
        reports.push({
          path: '/spec/umsVersion',
          message: `externalLoadBalancer.tls offloading needs UMS ${OFFLOADING_MIN_UMS_VERSION} or later (IGEL, ${IGEL_REVERSE_PROXY_PAGE}); ${t.umsVersion} given: update the UMS first, or use tls: passthrough (TLS ends at the UMS Servers)`,
        });
      }
      if (x.os12MinimumVersion === undefined) {
        reports.push({
          path: doc.spec.externalLoadBalancer?.tls !== undefined ? '/spec/externalLoadBalancer/tls' : '/spec/externalLoadBalancer',
          message: `externalLoadBalancer.tls offloading needs every OS 12 device on IGEL OS ${OFFLOADING_MIN_OS12_VERSION} or later (IGEL, ${IGEL_REVERSE_PROXY_PAGE}): set externalLoadBalancer.os12MinimumVersion to the oldest IGEL OS 12 version of the devices, or use tls: passthrough`,
        });
      } else if (compareVersions(x.os12MinimumVersion, OFFLOADING_MIN_OS12_VERSION) < 0) {
        reports.push({
          path: '/spec/externalLoadBalancer/os12MinimumVersion',
          message: `externalLoadBalancer.tls offloading needs IGEL OS ${OFFLOADING_MIN_OS12_VERSION} or later on every device (IGEL, ${IGEL_REVERSE_PROXY_PAGE}); the oldest devices run ${x.os12MinimumVersion}: update them first, or use tls: passthrough`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-XLB-003',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'SSL offloading is generated for the HAProxy load balancer (vsphere) only',
    explanation:
      'On aws the stack builds a Network Load Balancer, which passes TCP through to the servers (TLS ends at the UMS Servers); it neither ends TLS nor verifies or forwards client certificates, so offloading there would be written in the file but not built.',
    check({ topology: t }) {
      if (t.loadBalancing !== 'external' || t.externalLoadBalancer?.tls !== 'offloading' || platformEntry(t.platform)?.externalLoadBalancer === 'haproxy') return [];
      return [
        {
          path: '/spec/externalLoadBalancer/tls',
          message: `externalLoadBalancer.tls offloading is not what the ${t.platform} stack builds: its Network Load Balancer passes TCP through and TLS ends at the UMS Servers; use tls: passthrough`,
        },
      ];
    },
  },
  {
    id: 'UMS-XLB-004',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'No externalLoadBalancer block with IGEL load balancing',
    explanation: 'The externalLoadBalancer block configures the external load balancer of loadBalancing external; with IGEL load balancers there is none, so the block says something the network does not do.',
    check({ doc, topology: t }) {
      if (t.loadBalancing !== 'igel' || doc.spec.externalLoadBalancer === undefined) return [];
      return [{ path: '/spec/externalLoadBalancer', key: true, message: 'externalLoadBalancer configures the external load balancer of loadBalancing external; with loadBalancing igel there is none: remove the block, or set loadBalancing: external' }];
    },
  },
];
