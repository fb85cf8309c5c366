/**
 * The generated external load balancer, run by the real HAProxy in network namespaces this test
 * builds: a load balancer, two fake UMS Servers (Node TLS/TCP listeners, each behind the host
 * firewall ums-ha generates for it) and a device on one bridge. Through the load balancer: the
 * documented HTTPS paths, a WebSocket upgrade on /device-connector/, OS 11 TCP passed through;
 * traffic moves to the other server when one turns sick (the health check) or stops, and back
 * when it recovers. Traffic stays inside the namespaces; every wait is bounded; the namespaces and
 * processes are removed afterwards, also when a test fails. Needs root, iproute2, nftables,
 * haproxy and openssl (.ci/run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderFirewall } from '../../bootstrap/nftables';
import { UMS_WEB_PORT, externalLbPlan, renderExternalLoadBalancer } from '../../topology/external-lb';
import type { ResolvedNode, ResolvedTopology } from '../../topology/model';
import { resolveTopology } from '../../topology/resolve';
import { repoRoot, tempDir } from '../helpers/cli';
import { netnsLan, sh } from '../helpers/netns';
import { isRoot, requireTools } from '../helpers/system';
import { makeTlsDir } from '../helpers/tls';
import { topology } from '../helpers/topology';

requireTools('ip', 'nft', 'haproxy', 'openssl');
if (!isRoot()) throw new Error('the external load balancer namespace test needs root (CI runs as root)');

const fixtures = path.join(repoRoot, '__tests__', 'fixtures');
const dir = tempDir('ums-ha-extlb-netns-');
const prefix = `umslb${process.pid % 100000}`;
const CLUSTER_HOST = 'ums.lbtest.internal';
const hosts = { lb: '10.78.0.10', ums1: '10.78.0.11', ums2: '10.78.0.12', dev: '10.78.0.50' } as const;
type Host = keyof typeof hosts;
type Server = 'ums1' | 'ums2';

// The load balancer's address lies in the device and admin networks: the servers see it as the source.
const t: ResolvedTopology = resolveTopology(
  topology(
    {
      loadBalancing: 'external',
      clusterAddress: `${CLUSTER_HOST}:${UMS_WEB_PORT}`,
      deviceOs: ['os11', 'os12'],
      nodes: [
        { name: 'ums1', roles: ['server'], ip: hosts.ums1 },
        { name: 'ums2', roles: ['server'], ip: hosts.ums2 },
      ],
    },
    { cidr: '10.78.0.0/24', gateway: '10.78.0.1', dns: ['10.78.0.2'], ntpServers: ['10.78.0.2'], firstAddress: '10.78.0.30', deviceCidrs: ['10.78.0.8/29', '10.78.0.48/28'], adminCidrs: ['10.78.0.8/29'] },
  ),
);
const plan = externalLbPlan(t)!;
const tcpPorts = plan.passThrough.map((p) => p.port);

const lan = netnsLan<Host>(prefix, hosts);
const ns = lan.ns;
const procs = lan.procs;
const teardown = lan.teardown;
let tls: { dir: string; cert: string; key: string };

const startFake = (s: Server) => lan.start(s, `fake-${s}`, [process.execPath, path.join(fixtures, 'fake-ums-server.js'), s, tls.cert, tls.key, String(UMS_WEB_PORT), tcpPorts.join(',')], 'ready');

interface HttpsResult { status?: number; body?: { server: string; path: string; forwardedFor: string | null; forwardedProto: string | null }; error?: string }
interface WsResult { status?: number; acceptOk?: boolean; frames?: string[]; error?: string }
interface TcpResult { greetings: string[] }
type Op = { kind: 'https'; path: string } | { kind: 'ws'; path: string } | { kind: 'tcp'; port: number; count: number };

/** Runs the fake device's client in the device namespace against the load balancer. */
function device(ops: Op[]): unknown[] {
  const arg = JSON.stringify({ host: hosts.lb, servername: CLUSTER_HOST, ca: tls.cert, port: plan.port, ops });
  const out = sh('ip', 'netns', 'exec', ns('dev'), process.execPath, path.join(fixtures, 'fake-device-client.js'), arg);
  return JSON.parse(out) as unknown[];
}
const get = (p: string) => device([{ kind: 'https', path: p }])[0] as HttpsResult;

/** Polls until `ok` holds (every 300 ms, at most `ms`); returns the last value and the time taken. */
async function until<T>(ms: number, f: () => T, ok: (v: T) => boolean): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  let value = f();
  while (!ok(value) && Date.now() - start < ms) {
    await new Promise((r) => setTimeout(r, 300));
    value = f();
  }
  return { value, ms: Date.now() - start };
}

beforeAll(async () => {
  tls = makeTlsDir(path.join(dir, 'tls'), [`DNS:${CLUSTER_HOST}`, `IP:${hosts.ums1}`, `IP:${hosts.ums2}`]);
  lan.up();
  for (const s of ['ums1', 'ums2'] as Server[]) {
    const file = path.join(dir, `${s}.nft`);
    fs.writeFileSync(file, renderFirewall(t, t.nodes.find((n) => n.name === s) as ResolvedNode));
    lan.loadFirewall(s, file);
    await startFake(s);
  }
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, renderExternalLoadBalancer(t, { tlsDir: tls.dir })!.content);
  sh('haproxy', '-c', '-f', cfg);
  await lan.start('lb', 'haproxy', ['haproxy', '-db', '-f', cfg]);
  const up = await until(10000, () => get('/'), (r) => r.status === 200);
  if (up.value.status !== 200) throw new Error(`the load balancer did not answer: ${JSON.stringify(up.value)}`);
}, 60000);

afterAll(teardown);

describe('the generated HAProxy in front of two fake UMS Servers', () => {
  it('the servers run the generated host firewalls, which drop what the matrix does not open (control)', () => {
    for (const s of ['ums1', 'ums2'] as Server[]) expect(sh('ip', 'netns', 'exec', ns(s), 'nft', 'list', 'table', 'inet', 'ums_ha')).toContain('policy drop');
    expect(tcpPorts).toContain(30001);
  });

  it('routes the documented paths over HTTPS to a server, path kept, with X-Forwarded-For and -Proto', () => {
    const paths = ['/webapp/', '/webapp/index.html', '/wums-app/x', '/', '/console/start', '/device-connector/api'];
    const results = device(paths.map((p) => ({ kind: 'https', path: p }))) as HttpsResult[];
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(['ums1', 'ums2']).toContain(r.body?.server);
      expect(r.body?.path).toBe(paths[i]);
      expect(r.body?.forwardedProto).toBe('https');
      expect(r.body?.forwardedFor).toBe(hosts.dev);
    });
  });

  it('a WebSocket upgrade on /device-connector/ reaches a server and carries frames both ways', () => {
    const results = device([1, 2, 3, 4].map((i) => ({ kind: 'ws', path: `/device-connector/device/${i}` }))) as WsResult[];
    for (const r of results) {
      expect(r.status).toBe(101);
      expect(r.acceptOk).toBe(true);
      const server = /^hello from (ums[12])$/.exec(r.frames?.[0] ?? '')?.[1];
      expect(server).toBeDefined();
      expect(r.frames?.[1]).toBe(`${server} got ping`);
    }
  });

  it('OS 11 TCP 30001 is passed through, and both servers are backends (connections held open spread over them)', () => {
    const [r] = device([{ kind: 'tcp', port: 30001, count: 4 }]) as TcpResult[];
    expect(r!.greetings.every((g) => /^fake-ums ums[12] 30001$/.test(g))).toBe(true);
    expect(new Set(r!.greetings)).toEqual(new Set(['fake-ums ums1 30001', 'fake-ums ums2 30001']));
  });

  it('a sick server (HTTP 503, TCP still open) is taken out by its health check, and back when it recovers', async () => {
    const before = get('/');
    const sick = before.body!.server as Server;
    const other: Server = sick === 'ums1' ? 'ums2' : 'ums1';
    procs.get(`fake-${sick}`)!.kill('SIGUSR1');
    // Control: the first request after it turns sick still reaches it (only the health check moves traffic).
    expect(get('/')).toMatchObject({ status: 503, body: { server: sick } });
    const moved = await until(15000, () => get('/'), (r) => r.status === 200 && r.body?.server === other);
    expect(moved.value).toMatchObject({ status: 200, body: { server: other } });
    procs.get(`fake-${sick}`)!.kill('SIGUSR2');
    const back = await until(15000, () => get('/'), (r) => r.status === 200 && r.body?.server === sick);
    expect(back.value).toMatchObject({ status: 200, body: { server: sick } });
  }, 45000);

  it('a stopped server: HTTPS, the WebSocket and 30001 all move to the other one; it rejoins when started again', async () => {
    const gone = get('/').body!.server as Server;
    const other: Server = gone === 'ums1' ? 'ums2' : 'ums1';
    const p = procs.get(`fake-${gone}`)!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    const all = () =>
      device([
        { kind: 'https', path: '/' },
        { kind: 'https', path: '/webapp/' },
        { kind: 'ws', path: '/device-connector/after-stop' },
        { kind: 'tcp', port: 30001, count: 4 },
      ]);
    const onOther = (v: unknown[]) => {
      const [a, b, ws, tcp] = v as [HttpsResult, HttpsResult, WsResult, TcpResult];
      return a.body?.server === other && b.body?.server === other && ws.frames?.[0] === `hello from ${other}` && tcp.greetings.every((g) => g === `fake-ums ${other} 30001`);
    };
    const moved = await until(15000, all, onOther);
    expect(onOther(moved.value)).toBe(true);
    // Started again, it passes its health checks and takes connections again.
    await startFake(gone);
    const rejoined = await until(15000, () => device([{ kind: 'tcp', port: 30001, count: 4 }])[0] as TcpResult, (r) => r.greetings.includes(`fake-ums ${gone} 30001`));
    expect(rejoined.value.greetings).toContain(`fake-ums ${gone} 30001`);
  }, 60000);
});
