/**
 * Sizing rules. Source: seed 004 (004_f9c19963f33757ec.txt), "Configuration Options": "1 UMS
 * Server per max. 50,000 devices", "1 LB per max. 3 UMS Servers", "up to 6 UMS Servers", "up to 3
 * UMS Load Balancers", and redundancy from two servers and two load balancers.
 */
import { agree, num, plural } from '../findings';
import {
  DEVICES_PER_SERVER,
  MIN_LOAD_BALANCERS,
  MIN_SERVERS,
  RECOMMENDED_MAX_LOAD_BALANCERS,
  RECOMMENDED_MAX_SERVERS,
  SERVERS_PER_LOAD_BALANCER,
} from '../model';
import { SEEDS } from '../seeds';
import type { TopologyContext, TopologyRule } from './rule';

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
];
