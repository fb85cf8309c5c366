/**
 * Renders the cloud-init a node boots with, from the resolved topology. Free of cdktf: the stack
 * attaches the result as guestinfo.metadata / guestinfo.userdata (base64), literal strings a
 * reviewer can decode from cdk.tf.json and tests check offline exactly as they boot.
 *
 * Metadata (JSON): instance-id, local-hostname and a netplan v2 static configuration of the HA NIC
 * (the VMware datasource reads it; no vSphere guest customization, which can revert to DHCP).
 * User data: host name; the operators' SSH keys for root (network.adminSshKeys); chrony with the topology's NTP servers (the servers of an HA network must
 * not differ by more than one minute: seed 004, 004_f9c19963f33757ec.txt; seed 002,
 * 002_c6ce0ee242701b9d.txt); the packages the scripts need; the data disk on /opt/IGEL; the host
 * firewall (nftables.service, default-deny inbound, from the firewall matrix); the node's settings
 * and the static scripts; and a run of ums-ha-install (docs/bootstrap.md).
 */
import { gunzipSync } from 'node:zlib';
import { dump } from 'js-yaml';
import type { ResolvedNode, ResolvedTopology } from '../core/model/model';
import { NODE_SCRIPTS } from './generated/scripts';
import { platformEntry, type PlatformBootstrap } from '../core/platform/registry';
import { hostnameYaml, writeFilesItemsYaml, writeFilesYaml, YAML_OPTIONS, type WriteFile } from './cloud-config-yaml';
import { gzipText } from './gzip';
import { NODE_ENV_PATH, renderNodeEnv } from './node-env';
import { FIREWALL_PATH, renderFirewall } from '../core/configs/nftables';

/** Where bootcmd links the data disk, whatever name the kernel gave it (DATA_DISK_SCRIPT). */
const DATA_DISK_LINK = '/dev/ums-data';

/** Where the node scripts go (docs/bootstrap.md). */
export const NODE_PATHS = {
  install: '/usr/local/sbin/ums-ha-install',
  preflight: '/usr/local/lib/ums-ha/ums-ha-preflight',
  preflightCommand: '/usr/local/sbin/ums-ha-preflight',
  installerDriver: '/usr/local/lib/ums-ha/installer.exp',
  datasource: '/usr/local/lib/ums-ha/ums-ha-datasource',
  nftablesConf: '/etc/nftables.conf',
  /**
   * The data disk, as bootcmd links it. Its kernel name is no fixed fact: on vSphere the SCSI
   * disks are probed in parallel, so the data disk is sdb on one boot and sda on the next (seen
   * under qemu even with scsi_mod.scan=sync), and on AWS it is an NVMe or a Xen name.
   */
  dataDisk: DATA_DISK_LINK,
  dataMount: '/opt/IGEL',
} as const;

/**
 * bootcmd (runs before disk_setup on every boot): links the data disk to /dev/ums-data. That is the
 * disk that already holds the `ums-data` file system (a later boot); otherwise the one disk that
 * neither holds the root file system (through partitions, LVM or RAID) nor is in use (no
 * partition, no file system), and is not removable (a VM's floppy drive is a disk to lsblk). A node has exactly the two disks the stack gives it (the instance
 * types ums-ha chooses on AWS have no instance store); anything else stops here, with the disks
 * named, and no disk is formatted: the preflight's disk check then stops the install.
 * `UMS_HA_DATA_LINK` moves the link (tests only).
 */
export const DATA_DISK_SCRIPT = [
  'set -eu',
  `link="\${UMS_HA_DATA_LINK:-${DATA_DISK_LINK}}"`,
  '[ -L "$link" ] && exit 0',
  'udevadm settle || true',
  'disk_of() { lsblk -nrso NAME,TYPE "$1" | awk \'$2 == "disk" { print $1 }\'; }',
  'labelled="$(blkid -L ums-data 2>/dev/null || true)"',
  'if [ -n "$labelled" ]; then ln -s "/dev/$(disk_of "$labelled" | head -n 1)" "$link"; exit 0; fi',
  'roots="$(disk_of "$(findmnt -no SOURCE /)" | tr \'\\n\' \' \')"',
  'empty=""',
  '# A removable drive is no data disk: a VM\'s floppy drive is a "disk" to lsblk, empty without a medium.',
  'for disk in $(lsblk -dnro NAME,TYPE,RM | awk \'$2 == "disk" && $3 == "0" { print $1 }\'); do',
  '  case " $roots" in *" $disk "*) continue ;; esac',
  '  [ "$(lsblk -nro NAME "/dev/$disk" | wc -l)" -eq 1 ] || continue',
  '  [ -z "$(blkid -p -o value -s TYPE "/dev/$disk" 2>/dev/null || true)" ] || continue',
  '  empty="$empty $disk"',
  'done',
  '# shellcheck disable=SC2086 # one word per disk name',
  'set -- $empty',
  'if [ $# -eq 1 ]; then ln -s "/dev/$1" "$link"; exit 0; fi',
  'echo "ums-ha: expected one empty data disk beside the system disk (root on: ${roots% }), found $#:$empty" >&2',
  'exit 1',
  '',
].join('\n');

/** What one node boots with. */
export interface NodeBootstrap {
  /** guestinfo.metadata: JSON (the VMware datasource reads JSON or YAML; JSON has no typing ambiguity). */
  readonly metadata: string;
  /** guestinfo.userdata: `#cloud-config` YAML. */
  readonly userData: string;
}

/** vSphere limits one guestinfo value; each must stay under this after encoding. */
export const GUESTINFO_MAX_BYTES = 64 * 1024;

/** The name the HA NIC gets at first boot (docs/bootstrap.md, The HA NIC). */
export const HA_NIC_NAME = 'ha0';

/**
 * The network config of the HA NIC (netplan v2, as the VMware datasource reads it), in the one form
 * that comes up on the first boot with both renderers cloud-init picks on Debian and Ubuntu
 * (ifupdown/ENI and netplan), tested through cloud-init's own renderers (net-convert):
 * - matched by its static MAC (the stack sets it, the platform's placement.nodeMac) with `set-name`: cloud-init
 *   renames a NIC before it renders only on a MAC match (a `match: {name: ens*}` is renamed on the
 *   second boot at the earliest), and the ENI renderer names the interface after the key, so the
 *   key is the name the NIC gets;
 * - the default route as `gateway4`: `routes: [{to: default}]` is refused by cloud-init 22.4's network
 *   state on ENI and networkd ("Address default is not a valid ip address"), and `to: 0.0.0.0/0`
 *   becomes a `route add` of net-tools there, which minimal templates lack.
 */
export function haNetworkConfig(t: ResolvedTopology, node: ResolvedNode) {
  if (node.ip === null || node.mac === null) throw new Error(`node ${node.name} has no address`);
  if (platformEntry(t.platform)?.bootstrap?.networkConfig !== 'static-mac') throw new Error(`platform ${t.platform} does not configure the HA NIC by its static MAC (its registry entry's bootstrap.networkConfig)`);
  // UMS-NET-002 refuses such a network before synthesis; this guards direct callers.
  const min = platformEntry(t.platform)?.placement?.minPrefixLength?.prefix;
  if (min !== undefined && t.network.prefixLength < min) {
    throw new Error(`network.cidr ${t.network.cidr} is wider than /${min}: the static MACs of its nodes (VMware's manual range, 22 bits) would not be unique`);
  }
  return {
    version: 2,
    ethernets: {
      [HA_NIC_NAME]: {
        match: { macaddress: node.mac },
        'set-name': HA_NIC_NAME,
        dhcp4: false,
        dhcp6: false,
        addresses: [`${node.ip}/${t.network.prefixLength}`],
        gateway4: t.network.gateway,
        nameservers: { addresses: [...t.network.dns] },
      },
    },
  };
}

export function renderMetadata(t: ResolvedTopology, node: ResolvedNode): string {
  const metadata = {
    'instance-id': node.vmName,
    'local-hostname': node.vmName,
    network: haNetworkConfig(t, node),
  };
  return `${JSON.stringify(metadata, null, 1)}\n`;
}

const file = (path: string, permissions: string, content: string): WriteFile => ({ path, owner: 'root:root', permissions, content });

/** The static scripts as write_files items, rendered once: they are the same on every node. */
let staticItems: string | undefined;
function staticWriteFiles(): string {
  staticItems ??= writeFilesItemsYaml([
    file(NODE_PATHS.install, '0700', NODE_SCRIPTS['ums-ha-install.sh']),
    file(NODE_PATHS.preflight, '0755', NODE_SCRIPTS['ums-ha-preflight.sh']),
    file(NODE_PATHS.installerDriver, '0755', NODE_SCRIPTS['installer.exp']),
    file(NODE_PATHS.datasource, '0700', NODE_SCRIPTS['ums-ha-datasource.sh']),
  ]);
  return staticItems;
}

/**
 * Operator access (network.adminSshKeys): the keys for root (cloud-init's ssh module writes
 * top-level keys to the default user and, with disable_root false, to root without the
 * "login as ubuntu" prefix), password login off. The firewall opens TCP 22 only from
 * network.adminCidrs (matrix row ssh-admin). Without keys the template's defaults stay.
 */
function sshConfig(t: ResolvedTopology) {
  const keys = t.network.adminSshKeys;
  return keys.length === 0 ? {} : { disable_root: false, ssh_pwauth: false, ssh_authorized_keys: [...keys] };
}

/** The bootstrap differences of the topology's platform (its registry entry's data). */
export function platformBootstrap(t: Pick<ResolvedTopology, 'platform'>): PlatformBootstrap {
  const bootstrap = platformEntry(t.platform)?.bootstrap;
  if (!bootstrap) throw new Error(`platform ${t.platform} has no node bootstrap (no registered platform entry with bootstrap data)`);
  return bootstrap;
}

/** The parts of a node's cloud-config that are the same on every node of a topology. */
function sharedConfig(t: ResolvedTopology) {
  const platform = platformBootstrap(t);
  const dataDisk = NODE_PATHS.dataDisk;
  return {
    preserve_hostname: false,
    ...sshConfig(t),
    manage_etc_hosts: true,
    // cloud-init's locale module would set en_US.UTF-8 (update-locale of the locales package, and a
    // generated locale): a template without them fails the module on every boot, and cloud-init's
    // status turns to error. 'false' (a string: the only type the 22.4 schema accepts) turns the
    // module off, so the template keeps its own locale (docs/bootstrap.md, The VM template).
    locale: 'false',
    timezone: 'Etc/UTC',
    ntp: { enabled: true, ntp_client: 'chrony', servers: [...t.network.ntpServers] },
    package_update: true,
    // The platform's own (open-vm-tools on vSphere; python3 on AWS, which reads the SSM answers).
    packages: ['chrony', 'nftables', 'expect', 'curl', 'socat', ...platform.packages],
    // The data disk link on every platform, then the platform's own commands, if any.
    bootcmd: [['sh', '-c', DATA_DISK_SCRIPT], ...(platform.bootcmd ?? []).map((c) => [...c])],
    disk_setup: { [dataDisk]: { table_type: 'gpt', layout: true, overwrite: false } },
    fs_setup: [{ label: 'ums-data', filesystem: 'ext4', device: dataDisk, partition: 'auto' }],
    mounts: [['LABEL=ums-data', NODE_PATHS.dataMount, 'ext4', 'defaults,nofail', '0', '2']],
    runcmd: [
      ['systemctl', 'enable', '--now', 'nftables.service'],
      ['ln', '-sf', NODE_PATHS.preflight, NODE_PATHS.preflightCommand],
      [NODE_PATHS.install],
    ],
  };
}

/** The node's own files; the static scripts (staticWriteFiles) continue this list. */
function nodeWriteFiles(t: ResolvedTopology, node: ResolvedNode) {
  return [
    file(NODE_ENV_PATH, '0600', renderNodeEnv(t, node)),
    file(FIREWALL_PATH, '0600', renderFirewall(t, node)),
    file(NODE_PATHS.nftablesConf, '0644', `#!/usr/sbin/nft -f\nflush ruleset\ninclude "${FIREWALL_PATH}"\n`),
  ];
}

/**
 * The node's cloud-config as one object: what renderUserData writes, without the static scripts
 * at the end of write_files.
 */
export function userDataConfig(t: ResolvedTopology, node: ResolvedNode): Record<string, unknown> {
  return { hostname: node.vmName, ...sharedConfig(t), write_files: nodeWriteFiles(t, node) };
}

/** The YAML of sharedConfig, once per topology: every node of it has the same text there. */
const sharedYaml = new WeakMap<ResolvedTopology, string>();

/**
 * The node's `#cloud-config` user-data. Written in parts (each a block of top-level keys or list
 * items, which YAML renders independently of its neighbours): the host name, the shared block
 * (rendered once per topology), the node's files and the static scripts (rendered once). A test
 * checks that the text equals the dump of userDataConfig with the static items appended.
 */
export function renderUserData(t: ResolvedTopology, node: ResolvedNode): string {
  let shared = sharedYaml.get(t);
  if (shared === undefined) {
    shared = dump(sharedConfig(t), YAML_OPTIONS);
    sharedYaml.set(t, shared);
  }
  return ['#cloud-config\n', hostnameYaml(node.vmName), shared, writeFilesYaml(nodeWriteFiles(t, node)), staticWriteFiles()].join('');
}

export function renderNodeBootstrap(t: ResolvedTopology, node: ResolvedNode): NodeBootstrap {
  return { metadata: renderMetadata(t, node), userData: renderUserData(t, node) };
}

/** An encoded guestinfo value and its `.encoding`. */
export interface GuestinfoValue {
  readonly value: string;
  readonly encoding: 'base64' | 'gzip+base64';
}

/**
 * Encodes a guestinfo value (gzip+base64 when `gzip`), refused when it would exceed vSphere's
 * per-value limit. gzip output is deterministic here (no timestamp), so synthesis stays
 * byte-identical; the static scripts every user-data ends with are compressed once (gzip.ts).
 * Decode for review with `base64 -d` (and `| gunzip`).
 */
export function encodeGuestinfo(key: string, text: string, options: { gzip?: boolean } = {}): GuestinfoValue {
  const value = (options.gzip ? gzipText(text, staticWriteFiles()) : Buffer.from(text, 'utf8')).toString('base64');
  if (value.length > GUESTINFO_MAX_BYTES) {
    throw new Error(`${key} is ${value.length} bytes after encoding; vSphere allows at most ${GUESTINFO_MAX_BYTES} per guestinfo value`);
  }
  return { value, encoding: options.gzip ? 'gzip+base64' : 'base64' };
}

/** Decodes a guestinfo value as cloud-init does (for tests and reviewers' tooling). */
export function decodeGuestinfo(value: string, encoding: string): string {
  const bytes = Buffer.from(value, 'base64');
  return (encoding === 'gzip+base64' ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** EC2 accepts at most 16 KB of user data before base64 (AWS EC2 User Guide, "Instance user data"). */
export const EC2_USER_DATA_MAX_BYTES = 16 * 1024;

/**
 * A node's user-data for EC2 (user_data_base64): the same #cloud-config as on vSphere, gzipped
 * deterministically (cloud-init detects gzip), refused when it exceeds EC2's limit.
 */
export function encodeEc2UserData(key: string, text: string): string {
  const bytes = gzipText(text, staticWriteFiles());
  if (bytes.length > EC2_USER_DATA_MAX_BYTES) {
    throw new Error(`${key} is ${bytes.length} bytes gzipped; EC2 allows at most ${EC2_USER_DATA_MAX_BYTES} bytes of user data`);
  }
  return bytes.toString('base64');
}

/** gzip's fixed header and trailer: what a gzip member adds around its deflate stream. */
const GZIP_FRAME_BYTES = 18;
/** What a deflate stream can add to incompressible input: 5 bytes per stored block of at most 65,535 bytes, and the final flush. */
function deflateBound(n: number): number {
  return n + 5 * Math.ceil((n + 1) / 16_383) + 16;
}

/**
 * Why a node's user data would not fit its platform's limit (its registry entry's bootstrap.userData:
 * EC2: 16,384 bytes gzipped; vSphere: 65,536
 * bytes per guestinfo value after gzip and base64, and the metadata after base64), in the words
 * synthesis would stop with; undefined when it fits. Exact where it matters: the text is
 * compressed only when an upper bound of its compressed size is over the limit (most topologies
 * are far below it, and validate stays fast).
 */
export function userDataOverLimit(t: ResolvedTopology, node: ResolvedNode): string | undefined {
  if (node.ip === null) return undefined;
  const text = renderUserData(t, node);
  const tail = staticWriteFiles();
  const headBytes = Buffer.byteLength(text, 'utf8') - (text.endsWith(tail) ? Buffer.byteLength(tail, 'utf8') : 0);
  const tailBytes = text.endsWith(tail) ? tailOf(tail) : 0;
  const bound = GZIP_FRAME_BYTES + deflateBound(headBytes) + tailBytes;
  const base64 = (n: number) => 4 * Math.ceil(n / 3);
  const limit = platformBootstrap(t).userData;
  const words = (name: string, size: number, how: string) => `${name.split('{node}').join(node.vmName)} is ${size} bytes ${how}; ${limit.limit.split('{max}').join(String(limit.maxBytes))}`;
  if (limit.counted === 'gzip') {
    if (bound <= limit.maxBytes) return undefined;
    const size = gzipText(text, tail).length;
    return size > limit.maxBytes ? words(limit.name, size, 'gzipped') : undefined;
  }
  if (limit.metadata) {
    const metadata = base64(Buffer.byteLength(renderMetadata(t, node), 'utf8'));
    if (metadata > limit.maxBytes) return words(limit.metadata.name, metadata, 'after encoding');
  }
  if (base64(bound) <= limit.maxBytes) return undefined;
  const size = base64(gzipText(text, tail).length);
  return size > limit.maxBytes ? words(limit.name, size, 'after gzip and base64') : undefined;
}

/**
 * The first node whose user data would not fit its platform's limit, with the reason; undefined
 * when all fit (UMS-PLAT-002 through the platform entry's userDataProblem). A topology below
 * USER_DATA_RENDER_FROM renders nothing.
 */
export function userDataProblem(t: ResolvedTopology): { node: ResolvedNode; problem: string } | undefined {
  if (!mayExceedUserDataLimit(t)) return undefined;
  for (const node of t.nodes) {
    const problem = userDataOverLimit(t, node);
    if (problem !== undefined) return { node, problem };
  }
  return undefined;
}

/**
 * Below these, no node's user data comes near a platform's limit, whatever the other fields hold
 * within the schema's bounds (the worst case, every other string and list at its maximum, is
 * measured in __tests__/rules/plat.test.ts): validate renders nothing for such a topology, so the
 * check costs a clean file nothing. Past any of them, the user data is rendered and measured.
 */
export const USER_DATA_RENDER_FROM = { textCharacters: 4096, networks: 32, nodes: 12 } as const;

/** The characters of every string of a value (names, addresses, keys, URLs...). */
export function textCharacters(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textCharacters(v), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + textCharacters(v), 0);
  return 0;
}

export function mayExceedUserDataLimit(t: ResolvedTopology): boolean {
  const { textCharacters: text, networks, nodes } = USER_DATA_RENDER_FROM;
  return t.nodes.length > nodes || t.network.deviceCidrs.length + t.network.adminCidrs.length > networks || textCharacters(t) > text;
}

/** The compressed size of the static tail, once. */
let tailDeflated: number | undefined;
function tailOf(tail: string): number {
  tailDeflated ??= gzipText(tail).length - GZIP_FRAME_BYTES;
  return tailDeflated;
}
