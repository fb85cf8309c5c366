/**
 * The per-node cloud-config parts (bootstrap/cloud-config-yaml.ts) write common texts as literal
 * blocks themselves; js-yaml stays the authority: for every text, shortcut or not, the output must
 * be exactly js-yaml's dump of the same value.
 */
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { parse } from 'yaml';
import { hostnameYaml, writeFilesYaml, YAML_OPTIONS, type WriteFile } from '../../bootstrap/cloud-config-yaml';
import { userDataConfig } from '../../bootstrap/cloud-init';
import { resolveTopology } from '../../core/model/resolve';
import { baseTopology, topology } from '../helpers/topology';

const RUNS = Number(process.env.UMS_HA_PROPERTY_RUNS ?? 40) * 25;

// Characters that change js-yaml's choice of style: indicators, quotes, spaces and tabs, line
// breaks, document markers, non-ASCII and control characters.
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '=', "'", '"', '#', ':', '-', '|', '>', '{', '}', '[', ']', '$', '\\', '.') },
  { weight: 4, arbitrary: fc.constantFrom(' ', '\n', '\n\n', '  ', '\t', '\r', '---', '...', '- ', ': ', ' #') },
  { weight: 1, arbitrary: fc.constantFrom('é', '€', '😀', '\u0085', '\u2028', '\uFEFF', '\x7f', '\x00', '\x1b') },
);
const text = fc.string({ unit, maxLength: 60 });
// Texts shaped like the rendered files (lines of settings or rules) reach the shortcut often.
const lines = fc
  .array(fc.string({ unit: fc.constantFrom('a', 'Z', '0', '=', "'", '#', ':', ' ', '{', '-', '"', '.'), maxLength: 20 }), { minLength: 1, maxLength: 8 })
  .map((ls) => `${ls.join('\n')}\n`);
const content = fc.oneof(text, lines);
const item = fc.record({
  path: fc.constantFrom('/etc/ums-ha/node.env', '/etc/nftables.conf', '/etc/x y', '/tmp/-', 'relative: path'),
  owner: fc.constantFrom('root:root', 'ums', 'no'),
  permissions: fc.constantFrom('0600', '0644', '0755', '600', 'u=rw'),
  content,
});

const jsYaml = (value: unknown) => dump(value, YAML_OPTIONS);

describe('per-node cloud-config YAML', () => {
  it('write_files equals js-yaml dump for random items', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 4 }), (items: WriteFile[]) => {
        expect(writeFilesYaml(items)).toBe(jsYaml({ write_files: items }));
      }),
      { numRuns: RUNS },
    );
  });

  it('takes the shortcut for line-shaped texts, and the result reads back as the text', () => {
    const items = [
      { path: '/etc/ums-ha/node.env', owner: 'root:root', permissions: '0600', content: "# settings\nA='1'\n\nB='x y'\n" },
      { path: '/etc/nftables.conf', owner: 'root:root', permissions: '0644', content: 'one line\n' },
    ];
    const out = writeFilesYaml(items);
    expect(out).toBe(jsYaml({ write_files: items }));
    expect(out).toContain("    permissions: '0600'\n    content: |\n      # settings\n      A='1'\n\n      B='x y'\n");
    expect(parse(out, { version: '1.1' })).toEqual({ write_files: items });
  });

  it('equals js-yaml dump for the files of rendered nodes', () => {
    const topologies = [resolveTopology(baseTopology()), resolveTopology(topology({ devices: 160000 }))];
    for (const t of topologies) {
      for (const node of t.nodes) {
        const files = userDataConfig(t, node).write_files as WriteFile[];
        expect(writeFilesYaml(files)).toBe(jsYaml({ write_files: files }));
        // Every file of a rendered node is a readable literal block (the firewall has no tabs).
        for (const f of files) expect(writeFilesYaml([f])).toMatch(/content: \|\n/);
      }
    }
  });

  it('hostname equals js-yaml dump, for names YAML would read as other types too', () => {
    const names = ['berlin-small-ums1', 'a-b', '2023-01-01', 'no', 'yes-no', 'on-1', '1-2', 'x-1e3', 'null', 'y', 'a--b', 'ums-ha-'];
    for (const name of names) expect(hostnameYaml(name)).toBe(jsYaml({ hostname: name }));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?-[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/), (name) => {
        expect(hostnameYaml(name)).toBe(jsYaml({ hostname: name }));
      }),
      { numRuns: RUNS },
    );
  });
});
