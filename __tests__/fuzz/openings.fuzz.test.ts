/**
 * Risky openings are named (issue 23, point 5), under fuzzing: device and admin lists built from
 * the risky shapes (0.0.0.0/0 and its /1 halves, anything wider than a /8, the HA network or a
 * network containing it, host bits, loopback, multicast, an entry twice), an HA network of /0 or
 * /1, and on aws more networks than a security group's 60 rules hold. Oracle: every risky entry
 * has a finding (error, or a warning that says how to accept it in spec.exceptions) at its
 * pointer; a list of plain, distinct networks has none.
 *
 * `npm test` runs UMS_HA_FUZZ_RUNS cases per property (default 150); `npm run fuzz` more.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { securityGroupRules } from '../../platforms/aws/placement';
import type { Finding } from '../../core/base/findings';
import { validateText, type ValidationResult } from '../../core/reader/validate';
import { awsTopology, topology } from '../helpers/topology';
import { CASE_MEGABYTES_LIMIT, CASE_SECONDS_LIMIT, ClassMeasure } from './measure';

const RUNS = Number(process.env.UMS_HA_FUZZ_RUNS ?? 150);
const measure = new ClassMeasure('risky openings');
const quota = new ClassMeasure('security group quota (aws)');
afterAll(() => {
  for (const m of [measure, quota]) process.stdout.write(`fuzz ${m.line()}\n`);
});

type Shape = 'open' | 'ha' | 'hostbits' | 'loopback' | 'multicast' | 'duplicate' | 'plain';
const octet = fc.nat({ max: 255 });
/** One entry of a shape; the HA network is 10.20.0.0/24 (vsphere) or 10.20.0.0/16 (aws). */
function entry(shape: Shape, i: number, ha: string): fc.Arbitrary<string> {
  switch (shape) {
    case 'open':
      return fc.oneof(fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1'), fc.integer({ min: 2, max: 7 }).map((p) => `${(256 >> p) * 0}.0.0.0/${p}`));
    case 'ha':
      return fc.constantFrom(ha, '10.20.0.0/16', '10.0.0.0/8', '10.16.0.0/12').filter((c) => Number(c.split('/')[1]) <= Number(ha.split('/')[1]));
    case 'hostbits':
      return fc.tuple(fc.integer({ min: 11, max: 99 }), octet, octet, fc.integer({ min: 1, max: 255 }), fc.integer({ min: 8, max: 31 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`).filter((c) => hostBitsOf(c));
    case 'loopback':
      return fc.tuple(octet, fc.constantFrom(8, 16, 24, 32)).map(([b, p]) => `127.${p > 8 ? b : 0}.0.0/${p}`);
    case 'multicast':
      return fc.tuple(fc.integer({ min: 224, max: 239 }), fc.constantFrom(8, 16, 24)).map(([a, p]) => `${a}.0.0.0/${p}`);
    default:
      // Plain: a /24 of its own (distinct by index), beside the HA network.
      return fc.constant(`10.${100 + (i % 100)}.${Math.floor(i / 100)}.0/24`);
  }
}
function hostBitsOf(cidr: string): boolean {
  const [a, p] = cidr.split('/') as [string, string];
  const n = a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const host = 32 - Number(p);
  return host > 0 && n % 2 ** host !== 0;
}

const shape = fc.constantFrom<Shape>('open', 'ha', 'hostbits', 'loopback', 'multicast', 'duplicate', 'plain', 'plain', 'plain');
/** A list of shapes and their entries (a duplicate repeats the entry before it, or is plain when first). */
function list(ha: string): fc.Arbitrary<Array<{ shape: Shape; cidr: string }>> {
  return fc.array(shape, { minLength: 1, maxLength: 5 }).chain((shapes) =>
    fc.tuple(...shapes.map((s, i) => entry(s === 'duplicate' ? 'plain' : s, i, ha))).map((cidrs) => {
      const out: Array<{ shape: Shape; cidr: string }> = [];
      shapes.forEach((s, i) => out.push(s === 'duplicate' && i > 0 ? { shape: s, cidr: out[i - 1]!.cidr } : { shape: s === 'duplicate' ? 'plain' : s, cidr: cidrs[i] as string }));
      return out;
    }),
  );
}

const all = (r: ValidationResult): Finding[] => [...r.findings, ...(r.suppressed ?? []).map((s) => s.finding)];

describe(`risky openings under fuzzing (${RUNS} cases)`, () => {
  it('every risky device or admin network, and an HA network of /0 or /1, is a finding at its pointer', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom('normal', '/0', '/1'), fc.nat(), (aws, haShape, seed) => {
        const ha = aws ? '10.20.0.0/16' : '10.20.0.0/24';
        const [devices, admins] = fc.sample(fc.tuple(list(ha), list(ha)), { seed, numRuns: 1 })[0]!;
        const network = { deviceCidrs: devices.map((e) => e.cidr), adminCidrs: admins.map((e) => e.cidr), ...(haShape === 'normal' ? {} : { cidr: haShape === '/0' ? '0.0.0.0/0' : '0.0.0.0/1' }) };
        const doc = aws ? awsTopology({}, network) : topology({}, network);
        const text = stringify(doc);
        const r = measure.run(Buffer.byteLength(text), () => validateText(text), (x) => x.findings.length === 0);
        const found = all(r);
        const at = (path: string) => found.filter((f) => f.path === path);
        for (const [name, entries] of [['deviceCidrs', devices], ['adminCidrs', admins]] as const) {
          entries.forEach((e, i) => {
            const path = `/spec/network/${name}/${i}`;
            // With the HA network replaced by /0 or /1, an entry of the HA network's shape contains nothing of it.
            if (e.shape === 'plain' || (e.shape === 'ha' && haShape !== 'normal')) return;
            // A duplicate is named at its later entry; every other risky entry at itself.
            const hits = at(path);
            if (hits.length === 0) throw new Error(`no finding at ${path} for the ${e.shape} entry ${e.cidr} (network ${JSON.stringify(network)})`);
            for (const h of hits) if (h.severity === 'warning') expect(h.message).toContain('spec.exceptions');
          });
        }
        if (haShape !== 'normal') expect(at('/spec/network/cidr').some((f) => f.severity === 'error')).toBe(true);
        if (haShape === 'normal' && [...devices, ...admins].every((e) => e.shape === 'plain')) {
          expect(found.filter((f) => f.path.startsWith('/spec/network/deviceCidrs') || f.path.startsWith('/spec/network/adminCidrs'))).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
    expect(measure.slowestMs).toBeLessThan(CASE_SECONDS_LIMIT * 1000);
    expect(measure.mostMegabytes).toBeLessThan(CASE_MEGABYTES_LIMIT);
  });

  it('aws: a security group with more than 60 rules of one direction is a warning; 60 or fewer is none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 40 }), (deviceCount, adminCount) => {
        const networks = (n: number, second: number) => Array.from({ length: n }, (_, i) => `10.${second}.${i}.0/24`);
        const doc = awsTopology({}, { deviceCidrs: networks(deviceCount, 100), adminCidrs: networks(adminCount, 101).concat(adminCount === 0 ? ['10.102.0.0/24'] : []) });
        const text = stringify(doc);
        const r = quota.run(Buffer.byteLength(text), () => validateText(text), (x) => x.findings.length === 0);
        expect(r.topology).toBeDefined(); // at most 64 networks a list: the schema's bound
        const counts = new Map<string, number>();
        for (const rule of securityGroupRules(r.topology!)) counts.set(`${rule.group} ${rule.direction}`, (counts.get(`${rule.group} ${rule.direction}`) ?? 0) + 1);
        const over = [...counts.values()].some((n) => n > 60);
        const warned = all(r).filter((f) => /quota/.test(f.message));
        expect(warned.length > 0).toBe(over);
        for (const f of warned) expect(f.severity).toBe('warning');
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
    expect(quota.slowestMs).toBeLessThan(CASE_SECONDS_LIMIT * 1000);
  });
});
