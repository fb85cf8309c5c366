/**
 * Update rules, comparing the deployed topology with the proposed one. Sources: seed 004
 * (004_f9c19963f33757ec.txt, "Updating the Installation of an HA Network": with short downtime,
 * recommended; without downtime, with copying the database, changes made during the update are
 * lost; Shared Workplace profiles are not served while the first server updates), seed 001
 * (001_de5c957648566345.txt: downgrades only within one major.minor, because the database schema
 * follows major.minor) and seed 000 (000_18dbf9d1c373b09f.txt: update mode, changes lost).
 */
import { SEEDS } from '../model/seeds';
import type { Report, UpdateRule } from '../model/rule';

/** [major, minor, patch] of an IGEL version "12.07.100". */
export function versionParts(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return [a, b, c];
}

export function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** How the proposed version relates to the deployed one, as the UPD rules distinguish it. */
type VersionStep = 'same' | 'upgrade' | 'downgrade-within-minor' | 'downgrade';

function versionStep(deployed: string, proposed: string): VersionStep {
  const order = compareVersions(proposed, deployed);
  if (order === 0) return 'same';
  if (order > 0) return 'upgrade';
  const [x, y] = [versionParts(deployed), versionParts(proposed)];
  return x[0] === y[0] && x[1] === y[1] ? 'downgrade-within-minor' : 'downgrade';
}

export const updRules: readonly UpdateRule[] = [
  {
    id: 'UMS-UPD-001',
    phase: 'update',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.updateWithoutDowntimeDe],
    title: 'No downgrade to another major.minor',
    explanation: 'The database schema follows the UMS major.minor version; an older major.minor cannot run on it. Going back means a separate HA network and the database backup of that schema.',
    check({ deployed, proposed }) {
      if (versionStep(deployed.umsVersion, proposed.umsVersion) !== 'downgrade') return [];
      return [
        {
          path: '/spec/umsVersion',
          message: `${proposed.umsVersion} is older than the deployed ${deployed.umsVersion} in another major.minor: the database schema cannot go back; install a separate HA network with ${proposed.umsVersion} and restore the database backup taken before the update to ${deployed.umsVersion}`,
        },
      ];
    },
  },
  {
    id: 'UMS-UPD-002',
    phase: 'update',
    severity: 'warning',
    seed: [SEEDS.updateWithoutDowntimeDe],
    title: 'Downgrade within one major.minor',
    explanation: 'Within one major.minor the schema is the same, so a downgrade is possible; restore the matching database backup if the newer version changed data.',
    check({ deployed, proposed }) {
      if (versionStep(deployed.umsVersion, proposed.umsVersion) !== 'downgrade-within-minor') return [];
      return [{ path: '/spec/umsVersion', message: `${proposed.umsVersion} is older than the deployed ${deployed.umsVersion} within the same major.minor: possible, but take a backup first and restore the matching backup if needed` }];
    },
  },
  {
    id: 'UMS-UPD-003',
    phase: 'update',
    severity: 'warning',
    seed: [SEEDS.extensions, SEEDS.updateWithoutDowntime],
    title: 'Update without downtime',
    explanation: 'Without downtime each server works on a copy of the database: changes made during the update are lost, copying the database takes long and device requests interfere with it. IGEL recommends the short-downtime method.',
    check({ method, deployed, proposed }) {
      if (method !== 'no-downtime' || versionStep(deployed.umsVersion, proposed.umsVersion) === 'same') return [];
      return [{ path: '/spec/umsVersion', message: 'update without downtime: changes made in the UMS Console during the update are lost and copying the database takes long; make no changes until every server is back in normal mode, or use --method short-downtime (recommended)' }];
    },
  },
  {
    id: 'UMS-UPD-004',
    phase: 'update',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'Shared Workplace with the short-downtime method',
    explanation: 'While the first server updates, no server talks to the devices, so Shared Workplace users get no user profiles.',
    check({ method, deployed, proposed }) {
      if (method !== 'short-downtime' || !(deployed.sharedWorkplace || proposed.sharedWorkplace) || versionStep(deployed.umsVersion, proposed.umsVersion) === 'same') return [];
      return [{ path: '/spec/sharedWorkplace', message: 'Shared Workplace is in use: while the first server updates, user profiles are not served; schedule the update outside working hours, or use --method no-downtime (with its own risks, UMS-UPD-003)' }];
    },
  },
  {
    id: 'UMS-UPD-005',
    phase: 'update',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.furtherServers],
    title: 'Layout, VLAN, platform or load balancing changes are a rebuild',
    explanation: 'All components must share one VLAN and the load balancer placement follows the layout; changing them, the platform or the kind of load balancing cannot be done host by host. Build a new HA network and move to it.',
    check({ deployed, proposed }) {
      const reports: Report[] = [];
      const changed = (path: string, what: string, from: unknown, to: unknown) => {
        if (from !== to) reports.push({ path, message: `${what} changes from ${String(from)} to ${String(to)}: that is a rebuild, not an update; build a new HA network with the proposed topology, restore the database backup into it and move the devices` });
      };
      changed('/spec/layout', 'the layout', deployed.layout, proposed.layout);
      changed('/spec/network/vlanId', 'the HA VLAN', deployed.network.vlanId, proposed.network.vlanId);
      changed('/spec/platform', 'the platform', deployed.platform, proposed.platform);
      changed('/spec/loadBalancing', 'the load balancing', deployed.loadBalancing, proposed.loadBalancing);
      changed('/metadata/name', 'the topology name', deployed.name, proposed.name);
      return reports;
    },
  },
  {
    id: 'UMS-UPD-006',
    phase: 'update',
    severity: 'error',
    seed: [],
    title: 'A kept node keeps its address, and the HA subnet stays',
    explanation:
      'A running host keeps the address it booted with: its VM ignores later changes to its guestinfo and cloud-init runs once. A node that stays under its name with another address, or a new subnet, would be deployed as if it had moved while the host has not (docs/topology.md, stable addresses).',
    check({ deployed, proposed }) {
      const reports: Report[] = [];
      if (deployed.network.cidr !== proposed.network.cidr) {
        reports.push({ path: '/spec/network/cidr', message: `network.cidr changes from ${deployed.network.cidr} to ${proposed.network.cidr}: the running hosts keep their addresses and netmask; that is a rebuild: build a new HA network on the new subnet and move to it` });
      }
      for (const n of proposed.nodes) {
        const before = deployed.nodes.find((m) => m.name === n.name);
        if (!before || before.ip === n.ip || deployed.network.cidr !== proposed.network.cidr) continue;
        reports.push({
          path: n.pointer ? `${n.pointer}/ip` : '/spec/network/firstAddress',
          message: `node ${n.name} is deployed at ${before.ip ?? 'no address'} and would move to ${n.ip ?? 'no address'}: a running host keeps its address; pin it with ip: ${before.ip ?? ''} (or keep firstAddress), or remove ${n.name} in one change and add a node with a new name in the next`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-UPD-007',
    phase: 'update',
    severity: 'warning',
    seed: [],
    title: 'A new installer file comes with its own checksum',
    explanation:
      'The runbook downloads installer.url and checks it with installer.sha256 (`sha256sum -c`) on every host before it runs: when the version or the file changes and the checksum stays, the check fails on a good file, or was never the checksum of the file it approves.',
    check({ deployed, proposed }) {
      const from = deployed.installer;
      const to = proposed.installer;
      if (to.sha256 === undefined || to.sha256 !== from.sha256) return [];
      const what = [
        ...(proposed.umsVersion !== deployed.umsVersion ? [`umsVersion ${deployed.umsVersion} -> ${proposed.umsVersion}`] : []),
        ...(to.url !== from.url ? [`installer.url ${from.url} -> ${to.url}`] : []),
      ];
      if (what.length === 0) return [];
      return [
        {
          path: '/spec/installer/sha256',
          message: `the installer file changes (${what.join(', ')}) but installer.sha256 stays ${to.sha256}, the checksum of the deployed file: set installer.sha256 to the SHA-256 IGEL publishes for the new installer (or sha256sum of the file you verified), or the runbook's sha256sum -c check refuses it`,
        },
      ];
    },
  },
];
