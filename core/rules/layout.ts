/**
 * Layout rules. Source: seed 004 (004_f9c19963f33757ec.txt), "Configuration Options": server and
 * load balancer on the same host for fewer than 50,000 devices; load balancers on separate hosts
 * "required if the number of devices > 50,000"; HA without IGEL UMS Load Balancers behind an
 * external load balancer. UMS-LAYOUT-004: the IGEL load balancers take device connections on TCP
 * 30001 (OS 11; seed 004, "Port 30001", services); IGEL OS 12 devices open a WebSocket to a UMS
 * Server on TCP 8443 /device-connector/* (seed 004, "UMS 12 Communication Ports"; IGEL's "UMS
 * Communication Ports" page, IGEL_PORTS_PAGE in ../firewall), so the IGEL load balancers do not
 * balance them; an external load balancer / reverse proxy does (seed 004, "If You Use an External
 * Load Balancer / Reverse Proxy"), for fleets of OS 12 devices only (IGEL_REVERSE_PROXY_PAGE in
 * ../external-lb); for mixed fleets IGEL names the IGEL Cloud Gateway (IGEL_ICG_VS_REVERSE_PROXY_PAGE).
 */
import { agree, num, plural } from '../base/findings';
import { CO_LOCATED_MAX_DEVICES, DEVICES_PER_SERVER, type Role } from '../model/model';
import { join } from '../base/pointer';
import { SEEDS } from '../model/seeds';
import type { Report, TopologyRule } from '../model/rule';

const has = (roles: readonly Role[], role: Role) => roles.includes(role);

export const layoutRules: readonly TopologyRule[] = [
  {
    id: 'UMS-LAYOUT-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'Co-located layout only up to 50,000 devices',
    explanation: 'Above 50,000 devices IGEL requires the load balancers on hosts of their own, so they do not take resources from the servers.',
    check({ doc, topology: t }) {
      if (doc.spec.layout !== 'co-located' || t.devices <= CO_LOCATED_MAX_DEVICES) return [];
      return [
        {
          path: '/spec/layout',
          message: `co-located hosts serve up to ${num(CO_LOCATED_MAX_DEVICES)} devices; ${num(t.devices)} need load balancers on separate hosts: set layout: separate (or auto)`,
        },
      ];
    },
  },
  {
    id: 'UMS-LAYOUT-002',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'The nodes list matches the layout and the counts',
    explanation: 'Each layout fixes what a host runs (co-located: server and load balancer; separate: one role per host; external: servers only) and the sizing fixes how many; a nodes list that disagrees would build another network than the one reviewed.',
    check({ doc, topology: t }) {
      const reports: Report[] = [];
      if (t.layout === 'co-located' && doc.spec.loadBalancers !== undefined && doc.spec.loadBalancers !== t.servers) {
        reports.push({
          path: '/spec/loadBalancers',
          message: `the co-located layout runs one load balancer on every server host, so loadBalancers ${num(doc.spec.loadBalancers)} contradicts ${plural(t.servers, 'server')}: remove loadBalancers, or set layout: separate`,
        });
      }
      const nodes = doc.spec.nodes;
      if (!nodes) return reports;
      nodes.forEach((node, i) => {
        const path = join('/spec/nodes', i, 'roles');
        const both = has(node.roles, 'server') && has(node.roles, 'loadBalancer');
        if (t.layout === 'co-located' && !both) {
          const only = has(node.roles, 'server') ? 'only a server' : 'only a load balancer';
          reports.push({
            path,
            message: `node ${node.name} runs ${only}, but in the co-located layout every host runs a server and a load balancer: set roles: [server, loadBalancer], or set layout: separate`,
          });
        } else if (t.layout === 'separate' && both) {
          reports.push({
            path,
            message: `node ${node.name} runs a server and a load balancer, but the separate layout puts load balancers on hosts of their own: give it one role, or set layout: co-located`,
          });
        } else if (t.layout === 'none' && has(node.roles, 'loadBalancer')) {
          reports.push({
            path,
            message: `node ${node.name} has the role loadBalancer, but loadBalancing external uses no IGEL load balancers: remove the role, or set loadBalancing: igel`,
          });
        }
      });
      const serverNodes = nodes.filter((n) => has(n.roles, 'server')).length;
      const lbNodes = nodes.filter((n) => has(n.roles, 'loadBalancer')).length;
      const serversWhy = doc.spec.servers === undefined ? `${plural(t.devices, 'device')} ${agree(t.devices, 'needs', 'need')} ${t.servers} (at least 2, 1 per 50,000)` : `servers is ${t.servers}`;
      if (serverNodes !== t.servers) {
        reports.push({
          path: '/spec/nodes',
          message: `nodes lists ${plural(serverNodes, 'server')}, but ${serversWhy}: make the nodes list and the server count agree`,
        });
      }
      if (t.layout !== 'none' && lbNodes !== t.loadBalancers) {
        const lbWhy =
          t.layout === 'co-located'
            ? `the co-located layout needs one per server (${t.servers})`
            : doc.spec.loadBalancers === undefined
              ? `${plural(t.servers, 'server')} ${agree(t.servers, 'needs', 'need')} ${t.loadBalancers} (at least 2, 1 per 3 servers)`
              : `loadBalancers is ${t.loadBalancers}`;
        reports.push({
          path: '/spec/nodes',
          message: `nodes lists ${plural(lbNodes, 'load balancer')}, but ${lbWhy}: make the nodes list and the load balancer count agree`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-LAYOUT-003',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'No load balancer layout or count with external load balancing',
    explanation: 'HA without IGEL UMS Load Balancers has none to place or count; a layout or loadBalancers value there means the file says two different things.',
    check({ doc }) {
      if ((doc.spec.loadBalancing ?? 'igel') !== 'external') return [];
      const reports: Report[] = [];
      if (doc.spec.layout !== undefined && doc.spec.layout !== 'auto') {
        reports.push({
          path: '/spec/layout',
          message: `layout ${doc.spec.layout} places IGEL load balancers, but loadBalancing external has none: remove layout, or set loadBalancing: igel`,
        });
      }
      if (doc.spec.loadBalancers !== undefined && doc.spec.loadBalancers !== 0) {
        reports.push({
          path: '/spec/loadBalancers',
          message: `loadBalancers ${num(doc.spec.loadBalancers)} counts IGEL load balancers, but loadBalancing external has none: remove loadBalancers, or set loadBalancing: igel`,
        });
      }
      return reports;
    },
  },
  {
    id: 'UMS-LAYOUT-004',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions, SEEDS.updateWithoutDowntimeDe],
    title: 'OS 12 devices are not balanced by the IGEL load balancers',
    explanation:
      'IGEL UMS Load Balancers forward OS 11 device traffic (TCP 30001) only; IGEL OS 12 devices connect to a UMS Server on TCP 8443 /device-connector/*. With IGEL load balancing, OS 12 devices that all pick one server load it alone. A fleet of OS 12 devices only can move to loadBalancing external (IGEL supports a reverse proxy / external load balancer for OS 12 devices only); a mixed fleet keeps the IGEL load balancers for OS 11 and spreads OS 12 with round-robin DNS, or uses the IGEL Cloud Gateway, which IGEL names for mixed fleets.',
    check({ doc, topology: t }) {
      if (t.loadBalancing !== 'igel' || !t.deviceOs.includes('os12')) return [];
      const servers = t.nodes.filter((n) => has(n.roles, 'server'));
      const count = Math.max(1, servers.length);
      const each = Math.ceil(t.devices / count);
      const share = Math.round((t.devices / DEVICES_PER_SERVER) * 100);
      const one = `if ${t.devices === 1 ? 'the 1 device picks' : `all ${num(t.devices)} devices pick`} one server, it serves ${num(t.devices)} (${share} % of the ${num(DEVICES_PER_SERVER)} one server serves${t.devices > DEVICES_PER_SERVER ? ': overloaded' : ''}) while the other ${plural(count - 1, 'server')} ${count - 1 === 1 ? 'serves' : 'serve'} none; spread evenly it would be ${num(each)} each`;
      const addresses = servers.map((n) => n.ip).filter((ip): ip is string => ip !== null);
      const dns = addresses.length > 0 ? ` (${addresses.map((a) => `${a}:8443`).join(', ')})` : '';
      // IGEL supports a reverse proxy / external load balancer for OS 12 devices only (UMS-XLB-001); the ICG suits mixed fleets.
      const todo = t.deviceOs.includes('os11')
        ? `With OS 11 devices too, an external load balancer is not an option (IGEL supports it for OS 12 devices only, UMS-XLB-001): publish the servers${dns} round-robin in DNS for the OS 12 devices, or connect the mixed fleet through the IGEL Cloud Gateway (IGEL's option for OS 11 and OS 12 devices together; not built by ums-ha)`
        : `Use loadBalancing: external with a clusterAddress (the generated load balancer passes the devices' TLS through to the servers' 8443), or publish the servers${dns} round-robin in DNS for the OS 12 devices`;
      return [
        {
          path: doc.spec.deviceOs !== undefined ? '/spec/deviceOs' : doc.spec.loadBalancing !== undefined ? '/spec/loadBalancing' : '/spec',
          message: `deviceOs includes os12, but the IGEL load balancers carry OS 11 traffic only (TCP 30001): OS 12 devices open their WebSocket to a UMS Server on TCP 8443 /device-connector/* unbalanced; ${one}. ${todo}`,
        },
      ];
    },
  },
];
