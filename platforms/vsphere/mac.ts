/**
 * The static MAC address of a vSphere node's HA NIC, derived from the node's address.
 *
 * cloud-init renames a NIC (`set-name`) only when its network config matches the NIC by MAC
 * address (`match: {macaddress}`); a match by name is not renamed on the first boot. vSphere
 * generates a MAC only when the VM is created, so the stack gives every NIC a static one, known at
 * synthesis, and the metadata matches it (docs/bootstrap.md, The HA NIC).
 *
 * VMware's range for manually set MACs is 00:50:56:00:00:00-00:50:56:3F:FF:FF (OUI 00:50:56,
 * first free byte at most 0x3F: vSphere Networking, "VMware OUI in Static MAC Addresses",
 * docs/sources.md). Its 22 free bits are the low 22 bits of the node's IPv4 address, so the MAC
 * follows the same rules as the address: a node keeps it whatever is added or removed around it
 * (stable addresses, docs/topology.md), and two nodes of one HA network (prefix /10 or longer, so
 * the host part fits in 22 bits) never share one, as they never share an address.
 */
import { toInt } from '../../core/model/ipv4';

/** Bits of VMware's manual MAC range after 00:50:56 (first byte 0x00-0x3F). */
export const VMWARE_STATIC_MAC_BITS = 22;

/** The longest network prefix whose host part no longer fits the range: /9 and shorter. */
export const STATIC_MAC_MIN_PREFIX = 32 - VMWARE_STATIC_MAC_BITS;

/** The node's static MAC, lower-case and colon-separated (as cloud-init and vSphere write it). */
export function staticMac(address: string): string {
  const n = toInt(address);
  if (n === undefined) throw new Error(`no static MAC for ${JSON.stringify(address)}: not an IPv4 address`);
  const low = n & ((1 << VMWARE_STATIC_MAC_BITS) - 1);
  return ['00', '50', '56', low >>> 16, (low >>> 8) & 255, low & 255].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}
