/**
 * VM resource rules. Source: seed 004 (004_f9c19963f33757ec.txt), "HA: Installation Requirements":
 * UMS Server at least 4 GB RAM and 2 GB free disk; UMS Load Balancer at least 1 GB RAM and 1 GB
 * disk; UMS Web App 1 GB RAM and 1 GB disk (installed on every server host); file system: 1 GB for
 * the program files and approx. 10 GB per firmware update. A host needs the minimums of all the
 * components it runs added up: a server host its UMS Server and Web App, a co-located host also
 * its load balancer ("the load balancer generates extra load along with the actual UMS Server").
 * UMS-RES-003: IGEL's size classes (core/model/size-classes.ts; "Installation and Sizing Guidelines for
 * IGEL UMS", docs/sources.md).
 */
import { num } from '../base/findings';
import { COMPONENT_MINIMUMS, FIRMWARE_UPDATE_GB, PROGRAM_FILES_GB, hostMinimum, requiredServerDiskGb } from '../model/resolve';
import { SEEDS } from '../model/seeds';
import { LOAD_BALANCER_STANDALONE, SIZING_GUIDELINES, WEB_APP_EXTRA_GB, serverHostMemoryGb, sizeClass } from '../model/size-classes';
import type { Report, TopologyRule } from '../model/rule';

/** Documented minimums per component (seed 004); see COMPONENT_MINIMUMS in ../resolve. */
export const MINIMUMS = COMPONENT_MINIMUMS;

export const resRules: readonly TopologyRule[] = [
  {
    id: 'UMS-RES-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'VM sizes meet the documented minimums',
    explanation: 'A host needs the documented minimums of every component it runs added up: UMS Server 4 GB RAM / 2 GB disk, UMS Web App (on every server host) 1 GB / 1 GB, UMS Load Balancer 1 GB / 1 GB; a server host therefore 5 GB / 3 GB, a co-located host 6 GB / 4 GB.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      const coLocated = t.nodes.some((n) => n.roles.includes('server') && n.roles.includes('loadBalancer'));
      const lbOnly = t.nodes.some((n) => !n.roles.includes('server'));
      const serverMin = hostMinimum(coLocated ? ['server', 'loadBalancer'] : ['server']);
      const server = {
        memoryGb: serverMin.memoryGb,
        diskGb: serverMin.diskGb,
        what: `${coLocated ? 'co-located hosts run' : 'server hosts run'} ${serverMin.parts.map((p) => `a ${p.component} (${p.memoryGb} GB RAM, ${p.diskGb} GB disk)`).join(' and ')}, which`,
      };
      const checks = [
        { role: 'server' as const, min: server, given: doc.spec.resources?.server, size: t.resources.server, applies: t.servers > 0 },
        { role: 'loadBalancer' as const, min: { ...MINIMUMS.loadBalancer, what: 'a UMS Load Balancer' }, given: doc.spec.resources?.loadBalancer, size: t.resources.loadBalancer, applies: lbOnly },
      ];
      for (const c of checks) {
        if (!c.applies) continue;
        for (const field of ['memoryGb', 'diskGb'] as const) {
          if (c.size[field] >= c.min[field]) continue;
          const label = field === 'memoryGb' ? 'RAM' : 'disk';
          const path = c.given?.[field] !== undefined ? `/spec/resources/${c.role}/${field}` : `/spec/resources/${c.role}`;
          reports.push({
            path,
            message: `${c.role} VMs get ${num(c.size[field])} GB of ${label}, but ${c.min.what} need at least ${c.min[field]} GB in all: set ${field} to ${c.min[field]} or more`,
          });
        }
      }
      return reports;
    },
  },
  {
    id: 'UMS-RES-002',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions, SEEDS.fileSync],
    title: 'Server data disk holds the program files and the retained firmware updates',
    explanation: 'Every UMS Server keeps its own copy of each Universal Firmware Update (synchronized over WebDAV), about 10 GB each, next to 1 GB of program files; a full disk stops downloads and synchronization.',
    check({ doc, topology: t }) {
      if (t.servers === 0) return [];
      const needed = requiredServerDiskGb(t.firmware.retainedUpdates);
      const disk = t.resources.server.diskGb;
      if (disk >= needed) return [];
      const path = doc.spec.resources?.server?.diskGb !== undefined ? '/spec/resources/server/diskGb' : '/spec/resources/server';
      return [
        {
          path,
          message: `server data disk ${num(disk)} GB is too small for ${PROGRAM_FILES_GB} GB of program files plus ${t.firmware.retainedUpdates} retained firmware updates x ${FIRMWARE_UPDATE_GB} GB = ${num(needed)} GB: set diskGb to ${needed} or more, or lower firmware.retainedUpdates`,
        },
      ];
    },
  },
  {
    id: 'UMS-RES-003',
    phase: 'topology',
    severity: 'warning',
    seed: [],
    title: 'VM sizes reach IGEL\'s size class for the number of devices',
    explanation:
      'IGEL\'s Installation and Sizing Guidelines give vCPUs, RAM and disk per host for each class of HA installation: M/S (< 15,000 devices) 6 CPUs, 9 GB + 1 GB for the Web App, 25 GB per server host; L (< 50,000) 4 CPUs, 6 GB + 1 GB, 25 GB with the UMS Console on a host of its own; XL (< 300,000) 6 CPUs, 9 GB + 1 GB, 25 GB per server and 4 CPUs, 4 GB, 2 GB per standalone load balancer. The documented minimums (UMS-RES-001) are far below them.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      const c = sizeClass(t.devices);
      const lbOnly = t.nodes.some((n) => !n.roles.includes('server'));
      const checks = [
        { role: 'server' as const, min: { ...c.serverHost, memoryGb: serverHostMemoryGb(c) }, what: `a UMS Server host of class ${c.name} (RAM: ${c.serverHost.memoryGb} GB + ${WEB_APP_EXTRA_GB} GB for the UMS Web App)`, applies: t.servers > 0 },
        { role: 'loadBalancer' as const, min: LOAD_BALANCER_STANDALONE, what: 'a load balancer on a host of its own (the figure IGEL gives in class XL)', applies: lbOnly },
      ];
      for (const k of checks) {
        if (!k.applies) continue;
        const size = t.resources[k.role];
        const given = doc.spec.resources?.[k.role];
        for (const field of ['cpus', 'memoryGb', 'diskGb'] as const) {
          if (size[field] >= k.min[field]) continue;
          const label = field === 'cpus' ? 'vCPUs' : field === 'memoryGb' ? 'GB of RAM' : 'GB of disk';
          reports.push({
            path: given?.[field] !== undefined ? `/spec/resources/${k.role}/${field}` : `/spec/resources/${k.role}`,
            message: `${k.role} VMs get ${num(size[field])} ${label}, but ${SIZING_GUIDELINES} gives ${k.min[field]} for ${k.what} (${num(t.devices)} devices): set ${field} to ${k.min[field]} or more`,
          });
        }
      }
      return reports;
    },
  },
];
