import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalog, rules } from '../../core/rules';
import { SEEDS } from '../../core/model/seeds';

const docs = fs.readFileSync(path.resolve(__dirname, '../../docs/rules.md'), 'utf8');

/** The rule ids of the contract (shared/spec rules.md), UMS-UPD-* aside (they belong to plan-update). */
const CONTRACT_IDS = [
  'UMS-SIZE-001', 'UMS-SIZE-002', 'UMS-SIZE-003', 'UMS-SIZE-004', 'UMS-SIZE-005', 'UMS-SIZE-006',
  'UMS-LAYOUT-001', 'UMS-LAYOUT-002', 'UMS-RES-001', 'UMS-RES-002',
  'UMS-NET-001', 'UMS-NET-002', 'UMS-NET-003', 'UMS-NET-004',
  'UMS-CLOUD-001', 'UMS-CLOUD-002', 'UMS-CLOUD-003', 'UMS-DB-001', 'UMS-DB-002', 'UMS-INST-001',
];

describe('rule catalog', () => {
  it('has unique ids in the UMS-<FAMILY>-NNN scheme', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^UMS-[A-Z]+-\d{3}$/);
  });

  it('implements every rule id of the contract', () => {
    const ids = new Set(rules.map((r) => r.id));
    expect(CONTRACT_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(catalog.map((r) => [r.id, r] as const))('%s is documented in docs/rules.md with its severity', (id, rule) => {
    const row = docs.split('\n').find((line) => line.startsWith(`| ${id} |`));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${rule.severity} |`);
  });

  it('documents no rule the code does not have', () => {
    const documented = [...docs.matchAll(/^\| (UMS-[A-Z]+(?:-\d{3})?) \|/gm)].map((m) => m[1]);
    const known = new Set(catalog.map((r) => r.id));
    expect(documented.filter((id) => !known.has(id!))).toEqual([]);
  });

  it('gives every rule a title, an explanation and known seed files', () => {
    const seeds = new Set<string>(Object.values(SEEDS));
    for (const r of catalog) {
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(20);
      for (const s of r.seed) expect(seeds.has(s)).toBe(true);
    }
  });
});
