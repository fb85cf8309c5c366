/**
 * The generated external load balancer, run by the real HAProxy in network namespaces this test
 * builds, in both modes IGEL documents: `lb` passes TLS through (the default), `lbo` offloads SSL.
 * Both stand in front of the same two fake UMS Servers (Node TLS listeners, each behind the host
 * firewall ums-ha generates for it), reached by a fake OS 12 device on one bridge. The device
 * presents a client certificate signed by a fake EST CA; a certificate of another CA and none at
 * all are tried too. Through `lbo`: the documented HTTPS paths, the WebSocket on /device-connector/
 * with the device certificate forwarded as X-SSL-CERT (URL-encoded PEM, as IGEL's NGINX example
 * passes `$ssl_client_escaped_cert`), refused without a certificate or with one of another CA;
 * through `lb`: the server sees the device's own TLS session (its client certificate, the name it
 * asked for, the server's certificate shown to the device). Traffic moves to the other server when
 * one turns sick or stops, and back. Traffic stays inside the namespaces; every wait is bounded;
 * the namespaces and processes are removed afterwards, also when a test fails. Needs root,
 * iproute2, nftables, haproxy and openssl (.ci/run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderFirewall } from '../../core/configs/nftables';
import { FORWARDED_CERT_HEADER, SERVER_CA_FILE, UMS_WEB_PORT, externalLbPlan, renderExternalLoadBalancer } from '../../core/configs/external-lb';
import type { ResolvedNode, ResolvedTopology } from '../../core/model/model';
import { resolveTopology } from '../../core/model/resolve';
import { validateValue } from '../../core/reader/validate';
import { repoRoot, tempDir } from '../helpers/cli';
import { netnsLan, sh } from '../helpers/netns';
import { isRoot, requireTools } from '../helpers/system';
import { makeCa, makeClientCert, makeServerCert, makeTlsDir } from '../helpers/tls';
import { topology } from '../helpers/topology';

requireTools('ip', 'nft', 'haproxy', 'openssl');
if (!isRoot()) throw new Error('the external load balancer namespace test needs root (CI runs as root)');

const fixtures = path.join(repoRoot, '__tests__', 'fixtures');
const dir = tempDir('ums-ha-extlb-netns-');
const prefix = `umslb${process.pid % 100000}`;
const CLUSTER_HOST = 'ums.lbtest.internal';
const hosts = { lb: '10.78.0.10', lbo: '10.78.0.13', ums1: '10.78.0.11', ums2: '10.78.0.12', dev: '10.78.0.50' } as const;
type Host = keyof typeof hosts;
type Server = 'ums1' | 'ums2';
type Lb = 'lb' | 'lbo';

// OS 12 devices only (UMS-XLB-001). The load balancers' addresses lie in the device and admin
// networks: the servers see them as the source.
const spec = {
  loadBalancing: 'external',
  clusterAddress: `${CLUSTER_HOST}:${UMS_WEB_PORT}`,
  deviceOs: ['os12'],
  nodes: [
    { name: 'ums1', roles: ['server'], ip: hosts.ums1 },
    { name: 'ums2', roles: ['server'], ip: hosts.ums2 },
  ],
};
const network = { cidr: '10.78.0.0/24', gateway: '10.78.0.1', dns: ['10.78.0.2'], ntpServers: ['10.78.0.2'], firstAddress: '10.78.0.30', deviceCidrs: ['10.78.0.8/29', '10.78.0.48/28'], adminCidrs: ['10.78.0.8/29'] };
const passDoc = topology({ ...spec }, network);
const offDoc = topology({ ...spec, externalLoadBalancer: { tls: 'offloading', os12MinimumVersion: '12.3.2' } }, network);
const tPass: ResolvedTopology = resolveTopology(passDoc);
const tOff: ResolvedTopology = resolveTopology(offDoc);

const lan = netnsLan<Host>(prefix, hosts);
const ns = lan.ns;
const procs = lan.procs;
const teardown = lan.teardown;
let tls: ReturnType<typeof makeTlsDir>;
let serverCert: { cert: string; key: string };
let trust: string;
let device: { cert: string; key: string };
let rogue: { cert: string; key: string };
let fingerprints: { cluster: string; server: string };

const startFake = (s: Server) => lan.start(s, `fake-${s}`, [process.execPath, path.join(fixtures, 'fake-ums-server.js'), s, serverCert.cert, serverCert.key, String(UMS_WEB_PORT), ''], 'ready');

interface Seen { tlsPeer: string | null; sni: string | null; forwardedCert: string | null }
interface HttpsResult { status?: number; peerFingerprint?: string; body?: Seen & { server: string; path: string; forwardedFor: string | null; forwardedProto: string | null; serverFingerprint: string }; error?: string }
interface WsResult extends Partial<Seen> { status?: number; acceptOk?: boolean; frames?: string[]; peerFingerprint?: string; error?: string }
type Op = { kind: 'https'; path: string; headers?: Record<string, string> } | { kind: 'ws'; path: string };
type As = 'device' | 'rogue' | 'none';

/** Runs the fake device's client in the device namespace against one load balancer, with the device's certificate, a rogue one, or none. */
function run(lb: Lb, ops: Op[], as: As = 'device'): unknown[] {
  const cert = as === 'device' ? device : as === 'rogue' ? rogue : undefined;
  const arg = JSON.stringify({ host: hosts[lb], servername: CLUSTER_HOST, ca: trust, port: UMS_WEB_PORT, ops, ...(cert ? cert : {}) });
  const out = sh('ip', 'netns', 'exec', ns('dev'), process.execPath, path.join(fixtures, 'fake-device-client.js'), arg);
  return JSON.parse(out) as unknown[];
}
const get = (lb: Lb, p: string, as: As = 'device') => run(lb, [{ kind: 'https', path: p }], as)[0] as HttpsResult;
const ws = (lb: Lb, p: string, as: As = 'device') => run(lb, [{ kind: 'ws', path: p }], as)[0] as WsResult;
const fingerprint = (file: string) => new (require('node:crypto').X509Certificate)(fs.readFileSync(file)).fingerprint256 as string;

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
  tls = makeTlsDir(path.join(dir, 'tls'), [`DNS:${CLUSTER_HOST}`]);
  // The servers' own web certificate (with the cluster FQDN, as IGEL requires of every server's
  // web certificate); HAProxy verifies the servers with it, the device trusts it and the cluster's.
  serverCert = makeServerCert(dir, 'fake-ums-web', [`DNS:${CLUSTER_HOST}`, `IP:${hosts.ums1}`, `IP:${hosts.ums2}`]);
  fs.copyFileSync(serverCert.cert, path.join(tls.dir, SERVER_CA_FILE));
  trust = path.join(dir, 'device-trust.pem');
  fs.writeFileSync(trust, fs.readFileSync(tls.cert, 'utf8') + fs.readFileSync(serverCert.cert, 'utf8'));
  fingerprints = { cluster: fingerprint(tls.cert), server: fingerprint(serverCert.cert) };
  device = makeClientCert(dir, 'fake-device-1', tls.estCa);
  rogue = makeClientCert(dir, 'fake-rogue-device', makeCa(dir, 'fake-other-ca'));
  lan.up();
  for (const s of ['ums1', 'ums2'] as Server[]) {
    const file = path.join(dir, `${s}.nft`);
    fs.writeFileSync(file, renderFirewall(tPass, tPass.nodes.find((n) => n.name === s) as ResolvedNode));
    lan.loadFirewall(s, file);
    await startFake(s);
  }
  for (const [lb, t] of [['lb', tPass], ['lbo', tOff]] as const) {
    const cfg = path.join(dir, `haproxy-${lb}.cfg`);
    fs.writeFileSync(cfg, renderExternalLoadBalancer(t, { tlsDir: tls.dir })!.content);
    sh('haproxy', '-c', '-f', cfg);
    await lan.start(lb, `haproxy-${lb}`, ['haproxy', '-db', '-f', cfg]);
    const up = await until(10000, () => get(lb, '/'), (r) => r.status === 200);
    if (up.value.status !== 200) throw new Error(`the load balancer ${lb} did not answer: ${JSON.stringify(up.value)}`);
  }
}, 90000);

afterAll(teardown);

describe('the generated HAProxy in both TLS modes in front of two fake UMS Servers', () => {
  it('the designs are valid, the modes are the ones generated, and the servers run the generated host firewalls (control)', () => {
    expect(validateValue(passDoc).findings).toEqual([]);
    expect(validateValue(offDoc).findings).toEqual([]);
    expect([externalLbPlan(tPass)!.tls, externalLbPlan(tOff)!.tls]).toEqual(['passthrough', 'offloading']);
    for (const s of ['ums1', 'ums2'] as Server[]) expect(sh('ip', 'netns', 'exec', ns(s), 'nft', 'list', 'table', 'inet', 'ums_ha')).toContain('policy drop');
    // The device certificate is one of the fake EST CA's; the rogue one is not (openssl's own verdict).
    expect(sh('openssl', 'verify', '-CAfile', tls.estCa.cert, device.cert)).toContain(': OK');
    expect(() => sh('openssl', 'verify', '-CAfile', tls.estCa.cert, rogue.cert)).toThrow();
  });

  describe('TLS passthrough (the default)', () => {
    it('the server sees the device\'s own TLS session: its client certificate, the name it asked for; the device sees the server\'s certificate', () => {
      const r = get('lb', '/device-connector/register');
      expect(r.status).toBe(200);
      expect(['ums1', 'ums2']).toContain(r.body?.server);
      expect(r.body?.tlsPeer).toBe('fake-device-1');
      expect(r.body?.sni).toBe(CLUSTER_HOST);
      expect(r.peerFingerprint).toBe(fingerprints.server);
      expect(r.body?.serverFingerprint).toBe(fingerprints.server);
      // Nothing was read or added on the way: no forwarded certificate, no X-Forwarded-*.
      expect(r.body?.forwardedCert).toBeNull();
      expect(r.body?.forwardedFor).toBeNull();
    });

    it('the device\'s WebSocket with mutual TLS reaches a server intact and carries frames both ways', () => {
      const r = ws('lb', '/device-connector/device/ws');
      expect(r.status).toBe(101);
      expect(r.acceptOk).toBe(true);
      expect(r.tlsPeer).toBe('fake-device-1');
      expect(r.forwardedCert).toBe('none');
      expect(r.peerFingerprint).toBe(fingerprints.server);
      const server = /^hello from (ums[12])$/.exec(r.frames?.[0] ?? '')?.[1];
      expect(r.frames?.[1]).toBe(`${server} got ping`);
    });

    it('every documented path passes as it is (the load balancer does not read them)', () => {
      const paths = ['/webapp/', '/wums-app/x', '/', '/device-connector/api'];
      const results = run('lb', paths.map((p) => ({ kind: 'https', path: p }))) as HttpsResult[];
      results.forEach((r, i) => expect(r).toMatchObject({ status: 200, body: { path: paths[i], tlsPeer: 'fake-device-1' } }));
    });
  });

  describe('SSL offloading', () => {
    it('routes the documented paths over HTTPS to a server, path kept, with X-Forwarded-For and -Proto; TLS ends at the load balancer', () => {
      const paths = ['/webapp/', '/webapp/index.html', '/wums-app/x', '/', '/console/start', '/device-connector/api'];
      const results = run('lbo', paths.map((p) => ({ kind: 'https', path: p }))) as HttpsResult[];
      results.forEach((r, i) => {
        expect(r.status).toBe(200);
        expect(['ums1', 'ums2']).toContain(r.body?.server);
        expect(r.body?.path).toBe(paths[i]);
        expect(r.body?.forwardedProto).toBe('https');
        expect(r.body?.forwardedFor).toBe(hosts.dev);
        expect(r.peerFingerprint).toBe(fingerprints.cluster);
        // The server's TLS session is the load balancer's, not the device's.
        expect(r.body?.tlsPeer).toBeNull();
      });
    });

    it('the device\'s WebSocket: its EST CA certificate is verified and reaches the server as X-SSL-CERT, the URL-encoded PEM', () => {
      const pem = fs.readFileSync(device.cert, 'utf8');
      const results = run('lbo', [1, 2, 3, 4].map((i) => ({ kind: 'ws', path: `/device-connector/device/${i}` }))) as WsResult[];
      for (const r of results) {
        expect(r.status).toBe(101);
        expect(r.acceptOk).toBe(true);
        // Byte for byte what NGINX's $ssl_client_escaped_cert holds: the PEM as openssl wrote it, URL-encoded.
        expect(r.forwardedCert).toBe(encodeURIComponent(pem));
        expect(decodeURIComponent(r.forwardedCert!)).toBe(pem);
        expect(r.tlsPeer).toBe('none');
        const server = /^hello from (ums[12])$/.exec(r.frames?.[0] ?? '')?.[1];
        expect(server).toBeDefined();
        expect(r.frames?.[1]).toBe(`${server} got ping`);
      }
      expect(FORWARDED_CERT_HEADER).toBe('X-SSL-CERT');
    });

    it('a device without a certificate is refused the WebSocket (403); registration over plain HTTPS still works, without a certificate header', () => {
      expect(ws('lbo', '/device-connector/device/ws', 'none')).toEqual({ status: 403 });
      const reg = get('lbo', '/device-connector/register', 'none');
      expect(reg.status).toBe(200);
      expect(reg.body?.forwardedCert).toBeNull();
      // Control: the same WebSocket with the device's certificate is accepted.
      expect(ws('lbo', '/device-connector/device/ws').status).toBe(101);
    });

    it('a device with a certificate of another CA is refused in the TLS handshake, whatever the path', () => {
      const r = ws('lbo', '/device-connector/device/ws', 'rogue');
      expect(r.status).toBeUndefined();
      expect(r.error).toBeDefined();
      const h = get('lbo', '/webapp/', 'rogue');
      expect(h.status).toBeUndefined();
      expect(h.error).toBeDefined();
    });

    it('a certificate header written by the client never reaches a server', () => {
      const forged = encodeURIComponent(fs.readFileSync(device.cert, 'utf8'));
      const [r] = run('lbo', [{ kind: 'https', path: '/device-connector/register', headers: { [FORWARDED_CERT_HEADER]: forged } }], 'none') as HttpsResult[];
      expect(r!.status).toBe(200);
      expect(r!.body?.forwardedCert).toBeNull();
    });
  });

  it('a sick server (HTTP 503, TCP still open) is taken out by its health check in both modes, and back when it recovers', async () => {
    const sick = get('lbo', '/').body!.server as Server;
    const other: Server = sick === 'ums1' ? 'ums2' : 'ums1';
    procs.get(`fake-${sick}`)!.kill('SIGUSR1');
    // Control: the first request after it turns sick still reaches it (only the health check moves traffic).
    expect(get('lbo', '/')).toMatchObject({ status: 503, body: { server: sick } });
    const both = () => [get('lbo', '/'), get('lb', '/')];
    const moved = await until(15000, both, (v) => v.every((r) => r.status === 200 && r.body?.server === other));
    for (const r of moved.value) expect(r).toMatchObject({ status: 200, body: { server: other } });
    procs.get(`fake-${sick}`)!.kill('SIGUSR2');
    const back = await until(15000, () => get('lbo', '/'), (r) => r.status === 200 && r.body?.server === sick);
    expect(back.value).toMatchObject({ status: 200, body: { server: sick } });
  }, 45000);

  it('a stopped server: HTTPS and the WebSocket move to the other one in both modes; it rejoins when started again', async () => {
    const gone = get('lbo', '/').body!.server as Server;
    const other: Server = gone === 'ums1' ? 'ums2' : 'ums1';
    const p = procs.get(`fake-${gone}`)!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    const all = () => [...run('lbo', [{ kind: 'https', path: '/' }, { kind: 'https', path: '/webapp/' }, { kind: 'ws', path: '/device-connector/after-stop' }]), ...run('lb', [{ kind: 'https', path: '/' }, { kind: 'ws', path: '/device-connector/after-stop' }])];
    const onOther = (v: unknown[]) => {
      const [a, b, w, pa, pw] = v as [HttpsResult, HttpsResult, WsResult, HttpsResult, WsResult];
      return a.body?.server === other && b.body?.server === other && w.frames?.[0] === `hello from ${other}` && pa.body?.server === other && pw.frames?.[0] === `hello from ${other}`;
    };
    const moved = await until(15000, all, onOther);
    expect(onOther(moved.value)).toBe(true);
    // Started again, it passes its health checks and takes connections again.
    await startFake(gone);
    const rejoined = await until(15000, () => [get('lbo', '/'), get('lb', '/')], (v) => v.every((r) => r.status === 200) && v.some((r) => r.body?.server === gone));
    expect(rejoined.value.every((r) => r.status === 200)).toBe(true);
  }, 60000);
});
