/**
 * Stable addresses (docs/topology.md): a node keeps its name, its address and its VM resource
 * address whatever is added or removed around it. v1 is a valid design; v2 only adds or removes
 * servers, load balancers or both (counts for derived nodes, entries for listed nodes); every node
 * in both must have the same name and address in both resolutions and both syntheses, and the same
 * `vsphere_virtual_machine.<name>`.
 */
import fc from 'fast-check';
import { renderFirewall } from '../../core/configs/nftables';
import { staticMac } from '../../platforms/vsphere/mac';
import { admittedAddresses } from '../../core/model/resolve';
import { validateValue } from '../../core/reader/validate';
import type { UmsHaTopologyDocument } from '../../core/model/model';
import { decode, synthStack } from '../helpers/synth';
import { topology } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_PROPERTY_RUNS ?? 25);

type Shape = { layout: 'separate' | 'co-located' | 'external'; servers: number; loadBalancers: number };

/** A design with derived nodes of this shape; devices as many as every count of the pair serves. */
function derived(shape: Shape, devices: number): UmsHaTopologyDocument {
  const lb =
    shape.layout === 'external'
      ? { loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443' }
      : shape.layout === 'separate'
        ? { layout: 'separate', loadBalancers: shape.loadBalancers }
        : { layout: 'co-located' };
  return topology({ devices, servers: shape.servers, ...lb });
}

/** A design that lists its nodes (some with an explicit ip outside the slot block). */
function listed(shape: Shape, devices: number, servers: number[], lbs: number[], pinned: Set<string>): UmsHaTopologyDocument {
  const coLocated = shape.layout === 'co-located';
  const nodes = [
    ...servers.map((k) => ({ name: `ums${k}`, roles: coLocated ? ['server', 'loadBalancer'] : ['server'] })),
    ...(shape.layout === 'separate' ? lbs.map((k) => ({ name: `lb${k}`, roles: ['loadBalancer'] })) : []),
  ].map((n) => (pinned.has(n.name) ? { ...n, ip: `10.20.0.${100 + (n.name.startsWith('lb') ? 50 : 0) + Number(n.name.replace(/\D/g, ''))}` } : n));
  const doc = derived({ ...shape, servers: servers.length, loadBalancers: lbs.length }, devices);
  return { ...doc, spec: { ...doc.spec, nodes } } as UmsHaTopologyDocument;
}

const layout = fc.constantFrom<Shape['layout']>('separate', 'co-located', 'external');
const subset = (max: number) => fc.subarray(Array.from({ length: max }, (_, i) => i + 1), { minLength: 2 });

/** At least ceil(servers / 3) load balancers (UMS-SIZE-002), so the design stays valid. */
const enoughLbs = (lbs: number[], servers: number) => {
  const out = [...lbs];
  for (let k = 1; out.length < Math.ceil(servers / 3); k++) if (!out.includes(k)) out.push(k);
  return out.sort((a, b) => a - b);
};

/** A pair (v1, v2) that differs only in which nodes exist. */
const pair = fc.oneof(
  fc.record({ layout, s1: fc.integer({ min: 2, max: 8 }), s2: fc.integer({ min: 2, max: 8 }), l1: fc.integer({ min: 2, max: 4 }), l2: fc.integer({ min: 2, max: 4 }) }).map((p) => {
    const devices = p.layout === 'co-located' ? 30000 : Math.min(p.s1, p.s2) * 50000 - 1;
    const v = (servers: number, lbs: number) => derived({ layout: p.layout, servers, loadBalancers: Math.max(lbs, Math.ceil(servers / 3)) }, devices);
    return { v1: v(p.s1, p.l1), v2: v(p.s2, p.l2), pinned: new Set<string>() };
  }),
  fc.record({ layout, a: subset(8), b: subset(8), la: subset(4), lb: subset(4), pinned: fc.subarray(['ums1', 'ums3', 'ums7', 'lb2', 'lb4']) }).map((p) => {
    const devices = p.layout === 'co-located' ? 30000 : Math.min(p.a.length, p.b.length) * 50000 - 1;
    const pinned = new Set(p.pinned);
    const shape = { layout: p.layout, servers: 0, loadBalancers: 0 };
    return { v1: listed(shape, devices, p.a, enoughLbs(p.la, p.a.length), pinned), v2: listed(shape, devices, p.b, enoughLbs(p.lb, p.b.length), pinned), pinned };
  }),
);

/**
 * Name -> address and static MAC of every VM in a synthesis, from the VM resource key, its NIC and
 * its guestinfo metadata (which must match the NIC by that MAC).
 */
function synthesizedAddresses(doc: UmsHaTopologyDocument): Map<string, { vm: string; ip: string; mac: string }> {
  const { json } = synthStack({ topology: doc });
  const out = new Map<string, { vm: string; ip: string; mac: string }>();
  for (const [key, vm] of Object.entries(json.resource.vsphere_virtual_machine ?? {})) {
    const meta = JSON.parse(decode(vm as Record<string, unknown>, 'guestinfo.metadata')) as { network: { ethernets: { ha0: { addresses: string[]; match: { macaddress: string } } } } };
    const nic = (vm as { network_interface: Array<{ mac_address: string; use_static_mac: boolean }> }).network_interface[0]!;
    expect(nic.use_static_mac).toBe(true);
    expect(meta.network.ethernets.ha0.match.macaddress).toBe(nic.mac_address);
    out.set(key, { vm: (vm as { name: string }).name, ip: (meta.network.ethernets.ha0.addresses[0] as string).split('/')[0] as string, mac: nic.mac_address });
  }
  return out;
}

describe('stable addresses (property over added and removed nodes)', () => {
  it('every node in v1 and v2 keeps its name, address, static MAC and vsphere_virtual_machine.<name>', () => {
    let compared = 0;
    fc.assert(
      fc.property(pair, ({ v1, v2, pinned }) => {
        const r1 = validateValue(v1);
        const r2 = validateValue(v2);
        expect(r1.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(r2.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const t1 = r1.topology!;
        const t2 = r2.topology!;
        const s1 = synthesizedAddresses(v1);
        const s2 = synthesizedAddresses(v2);
        for (const n of t1.nodes) {
          const m = t2.nodes.find((x) => x.name === n.name);
          if (!m) continue;
          compared++;
          expect([m.name, m.vmName, m.ip]).toEqual([n.name, n.vmName, n.ip]);
          // In both syntheses: the resource vsphere_virtual_machine.<name> exists with that address.
          expect(s1.get(n.name)).toEqual({ vm: n.vmName, ip: n.ip, mac: staticMac(n.ip!) });
          expect(s2.get(n.name)).toEqual({ vm: n.vmName, ip: n.ip, mac: staticMac(n.ip!) });
        }
        // No two VMs of one synthesis share a MAC (they share no address).
        for (const s of [s1, s2]) expect(new Set([...s.values()].map((v) => v.mac)).size).toBe(s.size);
        // Every node of v2 that v1 does not have is already admitted by v1's firewalls when it is
        // within the recommended maxima (6 servers, 3 load balancers) and takes a slot.
        for (const n of t2.nodes) {
          if (t1.nodes.some((x) => x.name === n.name)) continue;
          const k = Number(n.name.replace(/\D/g, ''));
          if (pinned.has(n.name)) continue; // an explicit ip outside the block: plan-update's firewall step
          const within = n.roles.includes('server') ? k <= 6 : k <= 3;
          for (const role of n.roles) expect(admittedAddresses(t1, role).includes(n.ip!)).toBe(within);
        }
        // When every node added or removed is a slot node within the maxima, no running host needs
        // a new ruleset: v1's and v2's rulesets of every kept node are the same text.
        const changed = [...t1.nodes.filter((n) => !t2.nodes.some((m) => m.name === n.name)), ...t2.nodes.filter((n) => !t1.nodes.some((m) => m.name === n.name))];
        const inSlots = (n: (typeof changed)[number]) => !pinned.has(n.name) && Number(n.name.replace(/\D/g, '')) <= (n.roles.includes('server') ? 6 : 3);
        const overflowKept = t1.nodes.some((n) => Number(n.name.replace(/\D/g, '')) > (n.roles.includes('server') ? 6 : 3));
        if (changed.every(inSlots) && !overflowKept) {
          for (const n of t1.nodes) {
            const m = t2.nodes.find((x) => x.name === n.name);
            if (m) expect(renderFirewall(t2, m)).toBe(renderFirewall(t1, n));
          }
        }
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS / 2);
  });

  it('the issue case: 2 servers + 2 load balancers grow to 3 servers, and lb1 keeps its address', () => {
    const v1 = validateValue(topology({ devices: 80000, layout: 'separate', servers: 2 }, { cidr: '10.31.0.0/24', gateway: '10.31.0.1', dns: ['10.31.0.2'], ntpServers: ['10.31.0.2'], firstAddress: '10.31.0.20' })).topology!;
    const v2 = validateValue(topology({ devices: 80000, layout: 'separate', servers: 3 }, { cidr: '10.31.0.0/24', gateway: '10.31.0.1', dns: ['10.31.0.2'], ntpServers: ['10.31.0.2'], firstAddress: '10.31.0.20' })).topology!;
    const ips = (t: typeof v1) => Object.fromEntries(t.nodes.map((n) => [n.name, n.ip]));
    expect(ips(v1)).toEqual({ ums1: '10.31.0.20', ums2: '10.31.0.21', lb1: '10.31.0.26', lb2: '10.31.0.27' });
    expect(ips(v2)).toEqual({ ums1: '10.31.0.20', ums2: '10.31.0.21', ums3: '10.31.0.22', lb1: '10.31.0.26', lb2: '10.31.0.27' });
    // v1's firewalls already admit ums3 (and the servers and load balancers up to 6 and 3).
    expect(admittedAddresses(v1, 'server')).toEqual(['10.31.0.20', '10.31.0.21', '10.31.0.22', '10.31.0.23', '10.31.0.24', '10.31.0.25']);
    expect(admittedAddresses(v1, 'loadBalancer')).toEqual(['10.31.0.26', '10.31.0.27', '10.31.0.28']);
  });
});
