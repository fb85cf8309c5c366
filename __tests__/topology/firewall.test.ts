import { deviceAddresses, devicePaths, expectedUnits, firewallMatrix, inboundRows, listeningPorts } from '../../core/network/matrix';
import { renderFirewall } from '../../core/configs/nftables';
import { nodeSettings } from '../../bootstrap/node-env';
import { resolveTopology } from '../../core/model/resolve';
import { topology } from '../helpers/topology';

const rows = (spec: Record<string, unknown>) => firewallMatrix(resolveTopology(topology(spec)));
const key = (r: { protocol: string; port: number; id: string }) => `${r.port}/${r.protocol} ${r.id}`;
const external = { loadBalancing: 'external', clusterAddress: 'ums.example.internal:8443' };

describe('firewall matrix (docs/ports.md)', () => {
  it('co-located, both OS generations', () => {
    expect(rows({}).map(key)).toEqual([
      '6155/udp ha-discovery',
      '61616/tcp ha-messaging',
      '61616/udp ha-messaging-broadcast',
      '8443/tcp device-connector',
      '8443/tcp os11-files',
      '8443/tcp console-webapp',
      '8443/tcp webdav-sync',
      '30001/tcp os11-devices',
      '30001/tcp health-check-lb',
      '30002/tcp lb-forward-co-located',
      '30005/tcp os11-30005-tcp',
      '30005/udp os11-30005-udp',
      '5432/tcp database',
      '443/tcp app-portal',
      '22/tcp ssh-admin',
    ]);
  });

  it('separate layout: load balancers forward to 30001, not 30002', () => {
    const r = rows({ devices: 120000 }).map((x) => x.id);
    expect(r).toContain('lb-forward-separate');
    expect(r).not.toContain('lb-forward-co-located');
  });

  it('external load balancing: no IGEL discovery, devices go to the servers on 30001', () => {
    const r = rows(external);
    expect(r.map((x) => x.id)).not.toContain('ha-discovery');
    expect(r.map((x) => x.id)).not.toContain('health-check-lb');
    expect(r.find((x) => x.id === 'os11-devices')?.to).toEqual(['server']);
  });

  it('OS 12 only: no 30001 or 30005 for devices; OS 11 only: no device connector or App Portal', () => {
    expect(rows({ deviceOs: ['os12'] }).map((x) => x.id).filter((id) => id.startsWith('os11'))).toEqual([]);
    const os11 = rows({ deviceOs: ['os11'] }).map((x) => x.id);
    expect(os11).not.toContain('device-connector');
    expect(os11).not.toContain('app-portal');
  });

  it('30005: the OS 11 device listens and the UMS Server talks; no HA host opens 30005 inbound', () => {
    for (const spec of [{}, { devices: 120000 }, external, { deviceOs: ['os11'] }]) {
      const t = resolveTopology(topology(spec));
      const r30005 = firewallMatrix(t).filter((r) => r.port === 30005);
      expect(r30005.map((r) => `${r.protocol} ${r.from.join()}>${r.to.join()} ${r.direction}`)).toEqual(['tcp server>devices outbound', 'udp server>devices outbound']);
      for (const node of t.nodes) expect(inboundRows(t, node).filter((r) => r.port === 30005)).toEqual([]);
    }
  });

  it('OS 11 devices reach the servers on 8443 for files and firmware, also without OS 12', () => {
    const t = resolveTopology(topology({ deviceOs: ['os11'] }));
    const row = firewallMatrix(t).find((r) => r.port === 8443 && r.from.includes('devices'));
    expect(row).toMatchObject({ id: 'os11-files', to: ['server'], direction: 'inbound' });
    expect(inboundRows(t, t.nodes[0]!).map((r) => r.id)).toContain('os11-files');
  });

  it('broadcast (6155, 61616/udp) only with IGEL load balancers; 61616/tcp messaging in both modes', () => {
    const ext = rows(external);
    expect(ext.filter((r) => r.broadcast)).toEqual([]);
    expect(ext.find((r) => r.id === 'ha-messaging')).toMatchObject({ protocol: 'tcp', port: 61616, from: ['server', 'loadBalancer'], to: ['server', 'loadBalancer'] });
    expect(rows({}).filter((r) => r.broadcast).map(key)).toEqual(['6155/udp ha-discovery', '61616/udp ha-messaging-broadcast']);
  });

  it('without IGEL load balancers the host firewalls accept no broadcast and the preflight sends none; TCP 61616 stays open between the servers', () => {
    const t = resolveTopology(topology(external));
    for (const node of t.nodes) {
      const nft = renderFirewall(t, node);
      expect(nft).not.toMatch(/dport 6155|udp dport 61616|255\.255\.255\.255 \}/);
      expect(nft).toMatch(/ip saddr @ha_hosts ip daddr \S+ tcp dport 61616 accept/);
      expect(nodeSettings(t, node).UMS_HA_BROADCAST_PORTS).toBe('');
    }
    const igel = resolveTopology(topology({}));
    expect(nodeSettings(igel, igel.nodes[0]!).UMS_HA_BROADCAST_PORTS).toBe('6155 61616');
  });

  it('device paths: OS 12 to the servers on 8443 (never to the IGEL load balancers), OS 11 to the load balancers on 30001', () => {
    const t = resolveTopology(topology({ devices: 120000 }));
    const servers = t.nodes.filter((n) => n.roles.includes('server')).map((n) => `${n.ip}:8443`);
    const lbs = t.nodes.filter((n) => !n.roles.includes('server')).map((n) => `${n.ip}:30001`);
    expect(deviceAddresses(t)).toEqual({ os11: lbs, os12: servers });
    // Every configured path ends on a host whose firewall opens that port for devices.
    for (const p of devicePaths(t)) {
      for (const a of p.addresses) {
        const node = t.nodes.find((n) => `${n.ip}:${p.port}` === a)!;
        expect(inboundRows(t, node).some((r) => r.port === p.port && r.from.includes('devices'))).toBe(true);
      }
    }
    const ext = resolveTopology(topology(external));
    expect(deviceAddresses(ext)).toEqual({ os11: ['ums.example.internal:30001'], os12: ['ums.example.internal:8443'] });
    expect(deviceAddresses(resolveTopology(topology({ deviceOs: ['os11'] })))).toEqual({ os11: ['10.20.0.11:30001', '10.20.0.12:30001'] });
  });

  it('uses the database port of the topology, outbound', () => {
    const db = rows({ database: { engine: 'oracle', host: 'db', name: 'x', user: 'u', passwordVariable: 'P' } }).find((x) => x.id === 'database');
    expect(db).toMatchObject({ port: 1521, direction: 'outbound', from: ['server'] });
  });

  it('each node opens the rows of its roles', () => {
    const t = resolveTopology(topology({ devices: 120000 }));
    const [server, , , lb] = t.nodes;
    expect(inboundRows(t, server!).map((r) => r.id)).toEqual(['ha-discovery', 'ha-messaging', 'ha-messaging-broadcast', 'device-connector', 'os11-files', 'console-webapp', 'webdav-sync', 'lb-forward-separate', 'ssh-admin']);
    expect(inboundRows(t, lb!).map((r) => r.id)).toEqual(['ha-discovery', 'ha-messaging', 'ha-messaging-broadcast', 'os11-devices', 'health-check-lb', 'ssh-admin']);
  });

  it('expects the ports and units of seed 004 per role', () => {
    const co = resolveTopology(topology({})).nodes[0]!;
    const sep = resolveTopology(topology({ devices: 120000 }));
    expect(listeningPorts(co)).toEqual([8443, 30001, 30002, 61616]);
    expect(listeningPorts(sep.nodes[0]!)).toEqual([8443, 30001, 61616]);
    expect(listeningPorts(sep.nodes[3]!)).toEqual([30001]);
    expect(expectedUnits(co)).toEqual(['igel-ums-watchdog', 'igel-ums-broker', 'igel-ums-server']);
    expect(expectedUnits(sep.nodes[3]!)).toEqual(['igel-ums-watchdog', 'igel-ums-broker']);
  });
});
