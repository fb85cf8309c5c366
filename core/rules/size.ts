/**
 * Sizing rules. Source: seed 004 (004_f9c19963f33757ec.txt), "Configuration Options": "1 UMS
 * Server per max. 50,000 devices", "1 LB per max. 3 UMS Servers", "up to 6 UMS Servers", "up to 3
 * UMS Load Balancers", and redundancy from two servers and two load balancers.
 */
import { agree, num, plural } from '../base/findings';
import {
  DEVICES_PER_SERVER,
  MIN_LOAD_BALANCERS,
  MIN_SERVERS,
  RECOMMENDED_MAX_LOAD_BALANCERS,
  RECOMMENDED_MAX_SERVERS,
  SERVERS_PER_LOAD_BALANCER,
} from '../model/model';
import { SEEDS } from '../model/seeds';
import type { ResolvedTopology } from '../model/model';
import type { TopologyContext, TopologyRule } from '../model/rule';

/**
 * What one failed node leaves (UMS-SIZE-007 and the report's failure section use these numbers):
 * seed 004's sizing (1 server per 50,000 devices, 1 load balancer per 3 servers) applied to the
 * nodes that remain when one server, or one separate load balancer, is down.
 */
export interface OneFailure {
  readonly servers: {
    /** Servers left with one down. */
    readonly left: number;
    /** Devices those serve at 50,000 each. */
    readonly capacityDevices: number;
    readonly devices: number;
    readonly ok: boolean;
    /** The server count that survives one failure: ceil(devices / 50,000) + 1. */
    readonly survivingCount: number;
  };
  /** Separate layout only: load balancers left for the servers. */
  readonly loadBalancers?: {
    readonly left: number;
    /** Servers those forward to at 3 each. */
    readonly capacityServers: number;
    readonly servers: number;
    readonly ok: boolean;
    /** The load balancer count that survives one failure: ceil(servers / 3) + 1. */
    readonly survivingCount: number;
  };
}

export function oneFailure(t: ResolvedTopology): OneFailure {
  const left = Math.max(0, t.servers - 1);
  const servers = {
    left,
    capacityDevices: left * DEVICES_PER_SERVER,
    devices: t.devices,
    ok: left * DEVICES_PER_SERVER >= t.devices,
    survivingCount: Math.ceil(t.devices / DEVICES_PER_SERVER) + 1,
  };
  if (t.layout !== 'separate') return { servers };
  const lbLeft = Math.max(0, t.loadBalancers - 1);
  return {
    servers,
    loadBalancers: {
      left: lbLeft,
      capacityServers: lbLeft * SERVERS_PER_LOAD_BALANCER,
      servers: t.servers,
      ok: lbLeft * SERVERS_PER_LOAD_BALANCER >= t.servers,
      survivingCount: Math.ceil(t.servers / SERVERS_PER_LOAD_BALANCER) + 1,
    },
  };
}

/** Where a server count comes from: the explicit key, or the device count it is derived from. */
function serversPath({ doc }: TopologyContext): string {
  return doc.spec.servers === undefined ? '/spec/devices' : '/spec/servers';
}

export const sizeRules: readonly TopologyRule[] = [
  {
    id: 'UMS-SIZE-001',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'At least one UMS Server per 50,000 devices',
    explanation: 'IGEL sizes one UMS Server for at most 50,000 devices; fewer servers overload every server and leave no headroom for a failure.',
    check({ topology: t }) {
      const needed = Math.ceil(t.devices / DEVICES_PER_SERVER);
      if (t.servers >= needed) return [];
      return [
        {
          path: '/spec/servers',
          message: `${num(t.devices)} devices need at least ${plural(needed, 'server')}, 1 per ${num(DEVICES_PER_SERVER)}; ${num(t.servers)} given: set servers to ${needed} or more, or remove it to derive the count`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-002',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'At least one load balancer per 3 servers (separate layout)',
    explanation: 'A UMS Load Balancer forwards device requests for at most 3 UMS Servers; with more servers a single load balancer becomes the bottleneck.',
    check({ topology: t }) {
      if (t.layout !== 'separate') return [];
      const needed = Math.ceil(t.servers / SERVERS_PER_LOAD_BALANCER);
      if (t.loadBalancers >= needed) return [];
      return [
        {
          path: '/spec/loadBalancers',
          message: `${plural(t.servers, 'server')} ${agree(t.servers, 'needs', 'need')} at least ${plural(needed, 'load balancer')}, 1 per ${SERVERS_PER_LOAD_BALANCER} servers; ${num(t.loadBalancers)} given: set loadBalancers to ${needed} or more`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-003',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'At least 2 UMS Servers',
    explanation: 'An HA network of one server has no failover: when it stops, no device gets settings.',
    check(ctx) {
      const t = ctx.topology;
      if (t.servers >= MIN_SERVERS) return [];
      return [
        {
          path: serversPath(ctx),
          message: `${plural(t.servers, 'server')} ${agree(t.servers, 'gives', 'give')} no failover: an HA network needs at least ${MIN_SERVERS} servers; set servers to ${MIN_SERVERS} or more`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-004',
    phase: 'topology',
    severity: 'error',
    seed: [SEEDS.extensions],
    title: 'At least 2 IGEL load balancers',
    explanation: 'With one UMS Load Balancer, its failure cuts every device off; IGEL installs at least two so the other takes over.',
    check(ctx) {
      const t = ctx.topology;
      if (t.loadBalancing !== 'igel' || t.loadBalancers >= MIN_LOAD_BALANCERS) return [];
      if (t.layout === 'co-located') {
        return [
          {
            path: serversPath(ctx),
            message: `the co-located layout runs one load balancer per server, so ${plural(t.servers, 'server')} ${agree(t.servers, 'gives', 'give')} ${plural(t.loadBalancers, 'load balancer')}; IGEL load balancing needs at least ${MIN_LOAD_BALANCERS}: set servers to ${MIN_LOAD_BALANCERS} or more`,
          },
        ];
      }
      return [
        {
          path: '/spec/loadBalancers',
          message: `${plural(t.loadBalancers, 'load balancer')} ${agree(t.loadBalancers, 'leaves', 'leave')} no failover: IGEL load balancing needs at least ${MIN_LOAD_BALANCERS}; set loadBalancers to ${MIN_LOAD_BALANCERS} or more`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-005',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'More than 6 servers is beyond the general sizing recommendation',
    explanation: 'IGEL\'s general sizing recommendation covers up to 6 UMS Servers; larger networks need an individual sizing with IGEL.',
    check(ctx) {
      const t = ctx.topology;
      if (t.servers <= RECOMMENDED_MAX_SERVERS) return [];
      return [
        {
          path: serversPath(ctx),
          message: `${plural(t.servers, 'server')} ${agree(t.servers, 'exceeds', 'exceed')} IGEL's general sizing recommendation of up to ${RECOMMENDED_MAX_SERVERS}: have the design reviewed with IGEL or split the devices across HA networks`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-006',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'More than 3 load balancers is beyond the general sizing recommendation',
    explanation: 'IGEL\'s general sizing recommendation covers up to 3 UMS Load Balancers.',
    check(ctx) {
      const t = ctx.topology;
      if (t.loadBalancers <= RECOMMENDED_MAX_LOAD_BALANCERS) return [];
      const path = ctx.doc.spec.loadBalancers !== undefined && t.layout === 'separate' ? '/spec/loadBalancers' : serversPath(ctx);
      const why = t.layout === 'co-located' ? ' (the co-located layout runs one per server)' : '';
      return [
        {
          path,
          message: `${plural(t.loadBalancers, 'load balancer')}${why} ${agree(t.loadBalancers, 'exceeds', 'exceed')} IGEL's general sizing recommendation of up to ${RECOMMENDED_MAX_LOAD_BALANCERS}: have the design reviewed with IGEL`,
        },
      ];
    },
  },
  {
    id: 'UMS-SIZE-007',
    phase: 'topology',
    severity: 'warning',
    seed: [SEEDS.extensions],
    title: 'One failed server or load balancer overloads the rest',
    explanation:
      'IGEL sizes 1 UMS Server per 50,000 devices and 1 UMS Load Balancer per 3 servers; an HA network is there to carry the load when one node fails, so the nodes left after one failure should still be within that sizing: (servers - 1) x 50,000 >= devices and, in the separate layout, (loadBalancers - 1) x 3 >= servers.',
    check(ctx) {
      const t = ctx.topology;
      const f = oneFailure(t);
      const out = [];
      if (!f.servers.ok) {
        out.push({
          path: serversPath(ctx),
          message: `with one of ${plural(t.servers, 'server')} down, the ${num(f.servers.left)} left ${agree(f.servers.left, 'serves', 'serve')} up to ${num(f.servers.capacityDevices)} devices (${num(DEVICES_PER_SERVER)} each), fewer than the ${num(t.devices)} declared: ${f.servers.survivingCount} servers survive one failure (ceil(${num(t.devices)} / ${num(DEVICES_PER_SERVER)}) + 1)`,
        });
      }
      const lb = f.loadBalancers;
      if (lb && !lb.ok) {
        out.push({
          path: ctx.doc.spec.loadBalancers !== undefined ? '/spec/loadBalancers' : serversPath(ctx),
          message: `with one of ${plural(t.loadBalancers, 'load balancer')} down, the ${num(lb.left)} left ${agree(lb.left, 'forwards', 'forward')} for up to ${plural(lb.capacityServers, 'server')} (${SERVERS_PER_LOAD_BALANCER} each), fewer than the ${num(t.servers)} given: ${lb.survivingCount} load balancers survive one failure (ceil(${t.servers} / ${SERVERS_PER_LOAD_BALANCER}) + 1)`,
        });
      }
      return out;
    },
  },
];
