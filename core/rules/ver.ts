/**
 * Version gates: what a UMS version must be for a feature the topology uses. Sources (docs/sources.md):
 * IGEL's UMS release notes, "Notes for Release IGEL UMS 12.01.110", section "Release 12.01.100":
 * "Introduced new scalable, stateless, websocket-based communication protocol for OS12 devices" and
 * "Added: UMS cluster public address for load distribution of specific device calls" (the Cluster
 * Address); IGEL's "Sizing Guidelines for IGEL UMS 12 and IGEL OS 12": "UMS version 12.01.100 or
 * higher ... IGEL OS 12.01 or higher". Seed 004 (004_f9c19963f33757ec.txt): the Cluster Address
 * takes the FQDN and port of an external load balancer. The 6.10 gate for HA without IGEL load
 * balancers in a cloud is UMS-CLOUD-002 (seed 004; release notes 6.10.100: "Communication between
 * UMS Servers in HA environment installed on distributed subnets").
 */
import { compareVersions } from './upd';
import { SEEDS } from '../model/seeds';
import type { TopologyRule } from '../model/rule';

/** The first UMS release that manages IGEL OS 12 devices (Unified Protocol) and has the Cluster Address. */
export const UMS12_FIRST_RELEASE = '12.01.100';

export const verRules: readonly TopologyRule[] = [
  {
    id: 'UMS-VER-001',
    phase: 'topology',
    severity: 'error',
    seed: [],
    title: 'IGEL OS 12 devices need UMS 12',
    explanation:
      'IGEL OS 12 devices talk to the UMS over the Unified Protocol (a WebSocket on the UMS web port, with client certificates), which UMS 12.01.100 introduced; UMS 6 cannot manage them (IGEL release notes 12.01.100; Sizing Guidelines for UMS 12: UMS 12.01.100 or higher).',
    check({ topology: t }) {
      if (!t.deviceOs.includes('os12') || compareVersions(t.umsVersion, UMS12_FIRST_RELEASE) >= 0) return [];
      return [
        {
          path: '/spec/umsVersion',
          message: `deviceOs includes os12, but UMS ${t.umsVersion} cannot manage IGEL OS 12 devices: the Unified Protocol they use came with UMS ${UMS12_FIRST_RELEASE}; set umsVersion to ${UMS12_FIRST_RELEASE} or later, or remove os12 from deviceOs`,
        },
      ];
    },
  },
  {
    id: 'UMS-VER-002',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'The Cluster Address exists from UMS 12.01.100',
    explanation:
      'Seed 004 has the external load balancer\'s FQDN and port set as the Cluster Address (Server Network Settings); IGEL added that setting ("UMS cluster public address") with UMS 12.01.100. Below it there is nothing to set: the report and the runbooks leave the step out, and devices must be pointed to the load balancer by the igelrmserver DNS name or DHCP option 224.',
    check({ topology: t }) {
      if (t.loadBalancing !== 'external' || compareVersions(t.umsVersion, UMS12_FIRST_RELEASE) >= 0) return [];
      return [
        {
          path: '/spec/umsVersion',
          message: `UMS ${t.umsVersion} has no Cluster Address setting (it came with UMS ${UMS12_FIRST_RELEASE}): clusterAddress only names the external load balancer here, and no step sets it in the UMS; point the devices to it by the igelrmserver DNS name or DHCP option 224, or use UMS ${UMS12_FIRST_RELEASE} or later`,
        },
      ];
    },
  },
];

/** Whether UMS `version` has the Cluster Address setting (UMS-VER-002). */
export function hasClusterAddressSetting(version: string): boolean {
  return compareVersions(version, UMS12_FIRST_RELEASE) >= 0;
}
