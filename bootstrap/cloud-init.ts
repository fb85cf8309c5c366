/**
 * Renders the cloud-init a node boots with, from the resolved topology. Free of cdktf: the stack
 * attaches the result as guestinfo.metadata / guestinfo.userdata (base64), literal strings a
 * reviewer can decode from cdk.tf.json and tests check offline exactly as they boot.
 *
 * Metadata (JSON): instance-id, local-hostname and a netplan v2 static configuration of the HA NIC
 * (the VMware datasource reads it; no vSphere guest customization, which can revert to DHCP).
 * User data: host name and chrony with the topology's NTP servers: the servers of an HA network
 * must not differ by more than one minute (seed 004, 004_f9c19963f33757ec.txt; seed 002,
 * 002_c6ce0ee242701b9d.txt).
 */
import { stringify } from 'yaml';
import type { ResolvedNode, ResolvedTopology } from '../topology/model';

/** What one node boots with. */
export interface NodeBootstrap {
  /** guestinfo.metadata: JSON (the VMware datasource reads JSON or YAML; JSON has no typing ambiguity). */
  readonly metadata: string;
  /** guestinfo.userdata: `#cloud-config` YAML. */
  readonly userData: string;
}

/** vSphere limits one guestinfo value; each must stay under this after encoding. */
export const GUESTINFO_MAX_BYTES = 64 * 1024;

/**
 * cloud-init reads YAML with PyYAML, a YAML 1.1 parser: emitting with 1.1 rules quotes every
 * string 1.1 would read as something else (a host name like 2023-01-01 is a date there, `no` a
 * boolean, 0755 an octal number).
 */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false } as const;

export function renderMetadata(t: ResolvedTopology, node: ResolvedNode): string {
  if (node.ip === null) throw new Error(`node ${node.name} has no address`);
  const metadata = {
    'instance-id': node.vmName,
    'local-hostname': node.vmName,
    network: {
      version: 2,
      ethernets: {
        ha0: {
          match: { name: 'ens*' },
          'set-name': 'ha0',
          dhcp4: false,
          dhcp6: false,
          addresses: [`${node.ip}/${t.network.prefixLength}`],
          routes: [{ to: 'default', via: t.network.gateway }],
          nameservers: { addresses: [...t.network.dns] },
        },
      },
    },
  };
  return `${JSON.stringify(metadata, null, 1)}\n`;
}

export function renderUserData(t: ResolvedTopology, node: ResolvedNode): string {
  const config = {
    hostname: node.vmName,
    preserve_hostname: false,
    manage_etc_hosts: true,
    timezone: 'Etc/UTC',
    ntp: { enabled: true, ntp_client: 'chrony', servers: [...t.network.ntpServers] },
  };
  return `#cloud-config\n${stringify(config, YAML_OPTIONS)}`;
}

export function renderNodeBootstrap(t: ResolvedTopology, node: ResolvedNode): NodeBootstrap {
  return { metadata: renderMetadata(t, node), userData: renderUserData(t, node) };
}

/** base64 of a guestinfo value, refused when it would exceed vSphere's per-value limit. */
export function encodeGuestinfo(key: string, text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  if (encoded.length > GUESTINFO_MAX_BYTES) {
    throw new Error(`${key} is ${encoded.length} bytes after base64; vSphere allows at most ${GUESTINFO_MAX_BYTES} per guestinfo value`);
  }
  return encoded;
}
