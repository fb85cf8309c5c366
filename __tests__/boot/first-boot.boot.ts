/**
 * Boot tests (`npm run test:boot`): the synthesized vSphere user-data, booted for real. Each node
 * is a qemu guest (TCG) of a Debian 12 template built from Debian packages (image/), one image per
 * network renderer (ifupdown/ENI and netplan), started with the exact extra_config strings of
 * cdk.tf.json as guestinfo, in a lab network namespace with the site's gateway, NTP, installer
 * download and database port (lab.ts). The installer is the FAKE one
 * (__tests__/fixtures/fake-igel-installer.sh) packed as a .bin. Nothing is done by hand on a node:
 * every proof is of the FIRST boot; the operator's one step is the documented token hand-over
 * (README, "Deploy order": ssh root@<first-server-ip> cat /root/IGEL-Network.token).
 *
 *   (a) a first server boots to `installed` on each renderer;
 *   (b) the second server joins with the first one's token; traffic between the two passes on each
 *       HA port of the matrix, traffic from an outsider on the bridge is dropped;
 *   (c) day 2: a load balancer that v2 adds boots beside the running v1 server, whose first-boot
 *       firewall admits it;
 *   (d) that load balancer (separate layout) is `installed` with its own role.
 * At most two guests run at once (2 cores). Boot times to `installed` are printed per renderer.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { FIREWALL_PATH } from '../../core/configs/nftables';
import { firewallMatrix, type FirewallRow } from '../../core/network/matrix';
import type { ResolvedTopology, UmsHaTopologyDocument } from '../../core/model/model';
import { validateValue } from '../../core/reader/validate';
import { requireTools, isRoot } from '../helpers/system';
import { topology } from '../helpers/topology';
import { guestImage, type GuestImage, type Renderer } from './image';
import { Lab, sh, type LabAddresses } from './lab';
import { nodeSpec, synthesize, userData, type SynthesizedSite } from './site';
import { Guest, type Report } from './vm';

requireTools('qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'mkfs.ext4', 'ip', 'nft', 'ssh', 'ssh-keygen', 'socat', 'timeout');
if (!isRoot()) throw new Error('the boot tests create network namespaces and taps and need root (CI runs as root)');

const BOOT_TIMEOUT_MS = Number(process.env.UMS_HA_BOOT_TIMEOUT ?? 1800) * 1000;
const CASE_TIMEOUT_MS = BOOT_TIMEOUT_MS + 10 * 60 * 1000;
const fixtures = path.join(__dirname, '..', 'fixtures');
// Kept files go to /var/tmp: the test run's own temporary folder is removed after the run.
const work = fs.mkdtempSync(path.join(process.env.UMS_HA_BOOT_KEEP ? '/var/tmp' : os.tmpdir(), 'ums-ha-boot-'));
const DB_PASSWORD = `lab-db-${crypto.randomBytes(6).toString('hex')}`;
const INSTALLER_PATH = '/igel/setup-igel-ums-linux_12.07.100.bin';

/** The lab's addresses: those of the synthesized topology (network, database, admin CIDR). */
const addresses: LabAddresses = {
  prefixLength: 24,
  gateway: '10.20.0.1',
  ntp: '10.20.0.10',
  database: { host: '10.20.0.20', port: 5432 },
  admin: '10.40.0.5',
  outsider: '10.20.0.200',
  installer: { port: 8080, urlPath: INSTALLER_PATH, file: path.join(work, 'setup-igel-ums-linux_12.07.100.bin') },
};

/** The FAKE installer as a self-extracting .bin, like IGEL's: it runs on a booted host (FAKE_SERVICES=systemd). */
function packInstaller(file: string): string {
  const script = fs.readFileSync(path.join(fixtures, 'fake-igel-installer.sh'), 'utf8');
  const adminCli = fs.readFileSync(path.join(fixtures, 'fake-bin', 'umsadmin-cli'), 'utf8');
  const bin = [
    '#!/usr/bin/env bash',
    "# FAKE IGEL UMS installer for the boot tests (not IGEL's): __tests__/fixtures/fake-igel-installer.sh packed as a .bin.",
    'mkdir -p /var/lib/fake-igel-installer /usr/local/lib/fake-igel',
    // The UMS Administrator command line an installation brings (the FAKE umsadmin-cli of
    // fake-bin/), on the PATH, with its data sources kept on the host. Each data source activated,
    // and the password a data source was created with, go to the answers as lines of their own.
    "cat >/usr/local/lib/fake-igel/umsadmin-cli <<'__FAKE_UMSADMIN__'",
    adminCli.trimEnd(),
    '__FAKE_UMSADMIN__',
    "cat >/usr/local/bin/umsadmin-cli <<'__FAKE_UMSADMIN_WRAPPER__'",
    '#!/usr/bin/env bash',
    "# FAKE umsadmin-cli of the boot tests' fake installer (not IGEL's).",
    'export FAKE_UMSADMIN_STATE=/var/lib/fake-igel-installer/datasources',
    'answers=/var/lib/fake-igel-installer/answers',
    'bash /usr/local/lib/fake-igel/umsadmin-cli "$@" || exit $?',
    // The password file is read here, after the call and before ums-ha-datasource removes it.
    'if [ "${1:-}" = db ] && { [ "${2:-}" = create ] || [ "${2:-}" = activate ]; }; then',
    '  args=("$@"); for ((i = 0; i < ${#args[@]}; i++)); do',
    '    if [ "${args[$i]}" = --password:file ]; then printf \'datasource_password=%s\\n\' "$(cat "${args[$((i + 1))]}")" >>"$answers"; fi',
    '  done',
    '  awk -F\';\' \'$6 == "true" { print "datasource_active=" $1 ";" $2 ";" $3 ";" $4 ";" $5 }\' "$FAKE_UMSADMIN_STATE" >>"$answers"',
    'fi',
    '__FAKE_UMSADMIN_WRAPPER__',
    'chmod 755 /usr/local/bin/umsadmin-cli',
    'export FAKE_RECORD=/var/lib/fake-igel-installer/answers FAKE_ROOT_HOME=/root FAKE_SERVICES=systemd',
    'exec bash <(sed \'1,/^#__FAKE_INSTALLER__$/d\' "$0") "$@"',
    '#__FAKE_INSTALLER__',
    script,
  ].join('\n');
  fs.writeFileSync(file, bin, { mode: 0o755 });
  return crypto.createHash('sha256').update(bin).digest('hex');
}

function siteDocument(name: string, servers: number, loadBalancers: number, sha256: string, sshKey: string): UmsHaTopologyDocument {
  const doc = topology(
    {
      devices: 40000,
      layout: 'separate',
      servers,
      loadBalancers,
      database: {
        engine: 'postgresql',
        host: addresses.database.host,
        port: addresses.database.port,
        name: 'rmdb',
        user: 'igelums',
        passwordVariable: 'UMS_DB_PASSWORD',
        redundancy: 'cluster',
      },
      installer: { url: `http://${addresses.ntp}:${addresses.installer.port}${INSTALLER_PATH}`, sha256 },
    },
    { adminSshKeys: [sshKey] }
  );
  doc.metadata.name = name;
  return doc;
}

function resolved(doc: UmsHaTopologyDocument): ResolvedTopology {
  const r = validateValue(doc);
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return r.topology as ResolvedTopology;
}

// ---- what a report says -------------------------------------------------------------------------

const answers = (r: Report): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const line of (r.sections['fake-installer'] ?? '').split('\n')) {
    const m = /^([a-z_]+)=(.*)$/.exec(line.trim());
    if (m) (out[m[1] as string] ??= []).push(m[2] as string);
  }
  return out;
};

/** The ruleset of the node's firewall file as nft lists it, loaded into a scratch namespace. */
function expectedRuleset(site: SynthesizedSite, vm: string): string {
  const doc = load(userData(site, vm)) as { write_files: Array<{ path: string; content: string }> };
  const file = doc.write_files.find((f) => f.path === FIREWALL_PATH);
  if (!file) throw new Error(`${vm}: no ${FIREWALL_PATH} in the user-data`);
  const ns = `umsboot${process.pid % 100000}-nft`;
  const ruleset = path.join(work, `${vm}.nft`);
  fs.writeFileSync(ruleset, file.content);
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  sh(['ip', 'netns', 'add', ns]);
  try {
    sh(['ip', 'netns', 'exec', ns, 'nft', '-f', ruleset]);
    return sh(['ip', 'netns', 'exec', ns, 'nft', 'list', 'ruleset']).trim();
  } finally {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}

const times: Array<{ node: string; renderer: Renderer; seconds: number; uptime: number }> = [];

/** (a) and (d): the first boot ended `installed`, with the node's network, firewall, clock and answers. */
function expectInstalled(guest: Guest, r: Report, site: SynthesizedSite, role: 'server' | 'loadBalancer', token: 'create' | string): void {
  const s = r.sections;
  const context = `${guest.spec.name} on ${guest.image.renderer}:\n${s['install-log'] ?? ''}\n${s['cloud-init-warnings'] ?? ''}`;
  // cloud-init finished its first boot without an error, on the VMware guestinfo datasource.
  const result = JSON.parse(s['result.json'] ?? '{}') as { v1?: { errors?: string[]; datasource?: string } };
  expect({ node: guest.spec.name, errors: result.v1?.errors }).toEqual({ node: guest.spec.name, errors: [] });
  expect(s['cloud-init-status']).toMatch(/^status: done$/m);
  expect(s.platform?.split('\n')).toEqual(['vmware', expect.stringMatching(/^guestinfo/)]);
  // The NIC has the node's address and the default route through the site's gateway.
  const addrs = JSON.parse(s['ip-addr'] ?? '[]') as Array<{ ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>;
  const nic = addrs.find((l) => l.addr_info.some((a) => a.family === 'inet' && a.local === guest.spec.ip));
  expect({ node: guest.spec.name, address: nic?.addr_info.find((a) => a.local === guest.spec.ip)?.prefixlen }).toEqual({ node: guest.spec.name, address: addresses.prefixLength });
  const routes = JSON.parse(s['ip-route'] ?? '[]') as Array<{ dst: string; gateway?: string; dev: string }>;
  expect(routes.filter((x) => x.dst === 'default').map((x) => [x.gateway, x.dev])).toEqual([[addresses.gateway, nic?.ifname]]);
  // The firewall loaded is exactly the node's ruleset.
  expect(s.nft).toBe(expectedRuleset(site, guest.spec.name));
  // chrony is synchronized to the lab's NTP server.
  const tracking = (s['chrony-tracking'] ?? '').split(',');
  expect({ source: tracking[1], leap: tracking[13] }).toEqual({ source: addresses.ntp, leap: 'Normal' });
  // Installed, once, with the answers of its role.
  if (!/^\/var\/lib\/ums-ha\/installed: /m.test(s.state ?? '')) throw new Error(`${guest.spec.name} is not installed: ${s.state}\n${context}`);
  expect(s.state).not.toMatch(/\/var\/lib\/ums-ha\/failed/);
  const a = answers(r);
  expect((s['fake-installer'] ?? '').split('\n').filter((l) => l.trim() === 'started').length).toBe(1);
  expect(a.ip).toEqual([guest.spec.ip]);
  if (role === 'server') {
    expect(a.components).toEqual(['2']);
    // The installer asks for no database: the data source is created and activated afterwards
    // through the UMS Administrator's command line (seed 004), once, with the topology's connection.
    expect(a.db_host).toBeUndefined();
    expect({ active: a.datasource_active, password: a.datasource_password }).toEqual({
      active: [`PostgreSQL;${addresses.database.host};${addresses.database.port};rmdb;igelums`],
      password: [DB_PASSWORD],
    });
    expect(s.state).toMatch(/datasource=active/);
    expect(s.units).toMatch(/igel-ums-server\.service\s+loaded\s+active\s+running/);
    expect(s.units).not.toMatch(/igel-ums-broker/);
  } else {
    expect(a.components).toEqual(['3']);
    expect(a.db_host).toBeUndefined();
    expect(a.datasource_active).toBeUndefined();
    expect(a.datasource_password).toBeUndefined();
    expect(s.units).toMatch(/igel-ums-broker\.service\s+loaded\s+active\s+running/);
    expect(s.units).not.toMatch(/igel-ums-server/);
  }
  if (token === 'create') {
    expect(a.token_create).toEqual(['y']);
    expect(s.token).toMatch(/^-rw------- 1 root root \d+ .* \/root\/IGEL-Network\.token$/);
  } else {
    expect(a.token_create).toEqual(['n']);
    expect(a.token_content).toEqual([token]);
  }
  // No secret stays readable in guestinfo once the install is done.
  expect(s['guestinfo-secrets']).toMatch(/^guestinfo\.ums\.db_password=0$/m);
  expect(s['guestinfo-secrets']).toMatch(/^guestinfo\.ums\.network_token=0$/m);
  times.push({ node: guest.spec.name, renderer: guest.image.renderer, seconds: r.seconds, uptime: Math.round(Number(s.uptime)) });
}

// ---- the operator and the probes ----------------------------------------------------------------

const sshKey = path.join(work, 'operator');

/** ssh root@ip as the operator of network.adminCidrs (the README's deploy order). */
function operatorSsh(lab: Lab, ip: string, command: string): string {
  return lab.exec(
    [
      'ssh',
      '-i',
      sshKey,
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      `BindAddress=${lab.addr.admin}`,
      '-o',
      'ConnectTimeout=60',
      `root@${ip}`,
      command,
    ],
    180000
  );
}

/** TCP probes run on a guest: "open", "refused" (the firewall let it through) or "filtered" per host:port. */
function probeFrom(lab: Lab, fromIp: string, targets: Array<[string, number]>): Record<string, string> {
  const script = [
    'for t in ' + targets.map(([h, p]) => `${h}:${p}`).join(' ') + '; do',
    '  out=$(timeout 5 bash -c \'exec 3<>"/dev/tcp/${0%:*}/${0##*:}"\' "$t" 2>&1); rc=$?',
    '  if [ $rc -eq 0 ]; then r=open; elif [ $rc -eq 124 ]; then r=filtered; elif printf %s "$out" | grep -qi refused; then r=refused; else r=filtered; fi',
    '  echo "$t $r"',
    'done',
  ].join('\n');
  const out = operatorSsh(lab, fromIp, script);
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string])
  );
}

/** A UDP broadcast from one guest on each port, and which of them reached another guest's listener. */
function broadcastFrom(lab: Lab, fromIp: string, toIp: string, ports: number[], tag: string): Record<number, boolean> {
  operatorSsh(lab, fromIp, ports.map((p) => `echo ${tag}-${p} | socat -u - UDP-DATAGRAM:10.20.0.255:${p},broadcast`).join('; '));
  const seen = operatorSsh(lab, toIp, 'sleep 2; cat /var/lib/fake-igel-installer/udp-*.log 2>/dev/null || true');
  return Object.fromEntries(ports.map((p) => [p, seen.includes(`${tag}-${p}`)]));
}

/** A TCP connection from a lab address (the outsider by default): "filtered" when no answer came (dropped). */
function probeFromOutsider(lab: Lab, ip: string, port: number, from = lab.addr.outsider): string {
  const r = lab.try(['socat', '-T5', '/dev/null', `TCP:${ip}:${port},bind=${from},connect-timeout=5`], 15000);
  if (r.status === 0) return 'open';
  return /refused/i.test(r.stderr) ? 'refused' : 'filtered';
}

/** The HA rows of a matrix between two roles (both ends HA hosts). */
function haRows(t: ResolvedTopology, from: 'server' | 'loadBalancer', to: 'server' | 'loadBalancer'): FirewallRow[] {
  return firewallMatrix(t).filter((r) => r.direction === 'inbound' && r.from.includes(from) && r.to.includes(to));
}

// ---- the run ------------------------------------------------------------------------------------

let images: Record<Renderer, GuestImage>;
let labA: Lab;
let labB: Lab;
let v1: UmsHaTopologyDocument;
let v2: UmsHaTopologyDocument;
let firstPhase: SynthesizedSite;
let allPhase: SynthesizedSite;
let v2Site: SynthesizedSite;
let ums1: Guest;
let ums1Report: Report;
let token = '';
const guests: Guest[] = [];
const boot = async (lab: Lab, image: GuestImage, site: SynthesizedSite, vm: string, vars: Record<string, string>): Promise<Guest> => {
  const g = new Guest(lab, image, nodeSpec(site, vm, vars), work);
  guests.push(g);
  await g.boot();
  return g;
};

beforeAll(async () => {
  const log = (line: string) => process.stdout.write(`boot tests: ${line}\n`);
  const started = Date.now();
  images = { eni: guestImage('eni', log), netplan: guestImage('netplan', log) };
  log(`guest images ready in ${Math.round((Date.now() - started) / 1000)} s (eni built in ${images.eni.buildSeconds} s, netplan in ${images.netplan.buildSeconds} s; 0 = cached)`);
  sh(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'operator@boot-lab', '-f', sshKey]);
  const pub = fs.readFileSync(`${sshKey}.pub`, 'utf8').trim();
  const sha256 = packInstaller(addresses.installer.file);
  v1 = siteDocument('boot-lab', 2, 2, sha256, pub);
  v2 = siteDocument('boot-lab', 3, 3, sha256, pub);
  firstPhase = synthesize(v1, path.join(work, 'v1-first'), 'first-server');
  allPhase = synthesize(v1, path.join(work, 'v1-all'), 'all');
  v2Site = synthesize(v2, path.join(work, 'v2-all'), 'all');
  labA = new Lab('a', addresses);
  labB = new Lab('b', addresses);
  await labA.up();
  await labB.up();
}, 60 * 60 * 1000);

afterAll(() => {
  for (const g of guests) g.stop();
  labA?.teardown();
  labB?.teardown();
  if (times.length > 0) {
    const rows = times.map((t) => `boot to installed  ${t.renderer.padEnd(8)} ${t.node.padEnd(6)} ${String(t.seconds).padStart(5)} s (guest uptime ${t.uptime} s)`);
    process.stdout.write(`\n${rows.join('\n')}\n`);
  }
  if (process.env.UMS_HA_BOOT_KEEP) process.stdout.write(`boot tests: consoles and reports kept in ${work}\n`);
  else fs.rmSync(work, { recursive: true, force: true });
});

describe('first boot for real (qemu TCG, Debian 12 template, exact guestinfo of cdk.tf.json)', () => {
  test(
    '(a) the first server boots to installed on ENI (ifupdown) and on netplan',
    async () => {
      const vars = { UMS_DB_PASSWORD: DB_PASSWORD };
      // The first deploy phase: the first server only (README, "Deploy order"), one per renderer, in two labs.
      ums1 = await boot(labA, images.eni, firstPhase, 'ums1', vars);
      const netplan = await boot(labB, images.netplan, firstPhase, 'ums1', vars);
      const [eni, np] = await Promise.allSettled([ums1.report(BOOT_TIMEOUT_MS), netplan.report(BOOT_TIMEOUT_MS)]);
      netplan.stop();
      if (eni.status === 'rejected') throw eni.reason;
      ums1Report = eni.value;
      expectInstalled(ums1, ums1Report, firstPhase, 'server', 'create');
      if (np.status === 'rejected') throw np.reason;
      expectInstalled(netplan, np.value, firstPhase, 'server', 'create');
    },
    CASE_TIMEOUT_MS
  );

  test(
    "(b) the second server joins with the first one's token; HA traffic passes both ways, an outsider is dropped",
    async () => {
      expect(ums1Report).toBeDefined();
      // The operator's step of the deploy order: the token from the first server, as TF_VAR_UMS_NETWORK_TOKEN.
      // As the shell's $(...) of the README takes it: without the trailing newline.
      token = operatorSsh(labA, ums1.spec.ip, 'cat /root/IGEL-Network.token').replace(/\n+$/, '');
      expect(token).toMatch(/\S/);
      const ums2 = await boot(labA, images.eni, allPhase, 'ums2', { UMS_DB_PASSWORD: DB_PASSWORD, UMS_NETWORK_TOKEN: token });
      try {
        expectInstalled(ums2, await ums2.report(BOOT_TIMEOUT_MS), allPhase, 'server', token);

        const t = resolved(v1);
        const rows = haRows(t, 'server', 'server');
        const tcp = [...new Set(rows.filter((r) => r.protocol === 'tcp' && !r.broadcast).map((r) => r.port))].sort();
        const udp = [...new Set(rows.filter((r) => r.protocol === 'udp').map((r) => r.port))].sort();
        expect(tcp.length).toBeGreaterThan(0);
        const listening = (guestIp: string) => operatorSsh(labA, guestIp, 'ss -Hltn');
        const expectOpen = (from: Guest, to: Guest) => {
          const got = probeFrom(
            labA,
            from.spec.ip,
            tcp.map((p) => [to.spec.ip, p])
          );
          const want = Object.fromEntries(tcp.map((p) => [`${to.spec.ip}:${p}`, listening(to.spec.ip).includes(`:${p} `) ? 'open' : 'refused']));
          expect({ from: from.spec.name, to: to.spec.name, got }).toEqual({ from: from.spec.name, to: to.spec.name, got: want });
        };
        expectOpen(ums1, ums2);
        expectOpen(ums2, ums1);
        expect(broadcastFrom(labA, ums1.spec.ip, ums2.spec.ip, udp, 'b12')).toEqual(Object.fromEntries(udp.map((p) => [p, true])));
        expect(broadcastFrom(labA, ums2.spec.ip, ums1.spec.ip, udp, 'b21')).toEqual(Object.fromEntries(udp.map((p) => [p, true])));
        // An address of the bridge that no row admits: every port of both servers drops it (no answer,
        // not even a refusal), while the same port answers the operator's address (adminCidrs).
        const ports = [...new Set([...tcp, 22, 8443, 30001])];
        for (const g of [ums1, ums2]) {
          expect(Object.fromEntries(ports.map((p) => [p, probeFromOutsider(labA, g.spec.ip, p)]))).toEqual(Object.fromEntries(ports.map((p) => [p, 'filtered'])));
          expect(probeFromOutsider(labA, g.spec.ip, 8443, labA.addr.admin)).toBe('open');
        }
      } finally {
        ums2.stop();
      }
    },
    CASE_TIMEOUT_MS
  );

  test(
    "(c)+(d) day 2: a load balancer v2 adds boots to installed with its role; the v1 server's first-boot firewall admits it",
    async () => {
      expect(ums1Report).toBeDefined();
      expect(token).toMatch(/\S/);
      expect(firstPhase.vms).not.toContain('lb3');
      const lb3 = await boot(labA, images.netplan, v2Site, 'lb3', { UMS_DB_PASSWORD: DB_PASSWORD, UMS_NETWORK_TOKEN: token });
      try {
        expectInstalled(lb3, await lb3.report(BOOT_TIMEOUT_MS), v2Site, 'loadBalancer', token);
        // ums1 still runs the ruleset of its first boot (v1), with nothing done on it since.
        expect(operatorSsh(labA, ums1.spec.ip, 'nft list ruleset').trim()).toBe(ums1Report.sections.nft);
        const t = resolved(v2);
        const toServer = [
          ...new Set(
            haRows(t, 'loadBalancer', 'server')
              .filter((r) => r.protocol === 'tcp' && !r.broadcast)
              .map((r) => r.port)
          ),
        ].sort();
        const toLb = [
          ...new Set(
            haRows(t, 'server', 'loadBalancer')
              .filter((r) => r.protocol === 'tcp' && !r.broadcast)
              .map((r) => r.port)
          ),
        ].sort();
        const udp = [
          ...new Set(
            haRows(t, 'loadBalancer', 'server')
              .filter((r) => r.protocol === 'udp')
              .map((r) => r.port)
          ),
        ].sort();
        expect(toServer.length).toBeGreaterThan(0);
        const passes = (x: string) => x === 'open' || x === 'refused';
        const lbToServer = probeFrom(
          labA,
          lb3.spec.ip,
          toServer.map((p) => [ums1.spec.ip, p])
        );
        expect(Object.entries(lbToServer).filter(([, x]) => !passes(x))).toEqual([]);
        expect(lbToServer[`${ums1.spec.ip}:30001`]).toBe('open');
        const serverToLb = probeFrom(
          labA,
          ums1.spec.ip,
          toLb.map((p) => [lb3.spec.ip, p])
        );
        expect(Object.entries(serverToLb).filter(([, x]) => !passes(x))).toEqual([]);
        expect(broadcastFrom(labA, lb3.spec.ip, ums1.spec.ip, udp, 'c31')).toEqual(Object.fromEntries(udp.map((p) => [p, true])));
      } finally {
        lb3.stop();
      }
    },
    CASE_TIMEOUT_MS
  );
});
