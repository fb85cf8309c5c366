/** IPv4 arithmetic for the address plan, on top of ipaddr.js. */
import * as ipaddr from 'ipaddr.js';

export interface Subnet {
  readonly network: number;
  readonly broadcast: number;
  readonly prefixLength: number;
  /** Whether the text had host bits set (10.20.0.5/24). */
  readonly hostBits: boolean;
}

/**
 * Parsed addresses: a topology names the same few addresses many times (slots, owners, firewall
 * sets), and ipaddr.js's validation is the larger part of validating a clean file's addresses.
 * Bounded: cleared when it holds 4,096 texts.
 */
const parsedAddresses = new Map<string, number | undefined>();

/** Parses a dotted quad into a 32-bit unsigned integer; undefined for anything else. */
export function toInt(address: string): number | undefined {
  if (parsedAddresses.has(address)) return parsedAddresses.get(address);
  let n: number | undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) {
    const [a, b, c, d] = ipaddr.IPv4.parse(address).toByteArray() as [number, number, number, number];
    n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  }
  if (parsedAddresses.size >= 4096) parsedAddresses.clear();
  parsedAddresses.set(address, n);
  return n;
}

export function fromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parsed networks, as parsedAddresses: the rules read each device and admin network several times. */
const parsedSubnets = new Map<string, Subnet | undefined>();

/** Parses "a.b.c.d/len"; undefined when it is not IPv4 CIDR notation. */
export function parseSubnet(cidr: string): Subnet | undefined {
  if (parsedSubnets.has(cidr)) return parsedSubnets.get(cidr);
  const subnet = parseSubnetOnce(cidr);
  if (parsedSubnets.size >= 4096) parsedSubnets.clear();
  parsedSubnets.set(cidr, subnet);
  return subnet;
}

function parseSubnetOnce(cidr: string): Subnet | undefined {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.IPv4.parseCIDR(cidr);
  } catch {
    return undefined;
  }
  const [addr, prefixLength] = parsed;
  const host = toInt(addr.toString());
  if (host === undefined) return undefined;
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const network = (host & mask) >>> 0;
  const broadcast = (network | (~mask >>> 0)) >>> 0;
  return { network, broadcast, prefixLength, hostBits: network !== host };
}

export function contains(subnet: Subnet, address: number): boolean {
  return address >= subnet.network && address <= subnet.broadcast;
}

/** Whether the address is usable by a host: inside, and neither the network nor the broadcast address (/31 and /32 excepted). */
export function isHostAddress(subnet: Subnet, address: number): boolean {
  if (!contains(subnet, address)) return false;
  if (subnet.prefixLength >= 31) return true;
  return address !== subnet.network && address !== subnet.broadcast;
}
