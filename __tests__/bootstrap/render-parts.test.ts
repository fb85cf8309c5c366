/**
 * renderUserData writes a node's cloud-config in parts (host name, a block shared by every node of
 * the topology and rendered once, the node's files, the static scripts rendered once). The parts
 * must give exactly the text of the whole config dumped at once.
 */
import { dump } from 'js-yaml';
import { parse } from 'yaml';
import { renderUserData, userDataConfig } from '../../bootstrap/cloud-init';
import { resolveTopology } from '../../core/model/resolve';
import { baseTopology, topology } from '../helpers/topology';

const cases = [
  resolveTopology(baseTopology()),
  resolveTopology(topology({ devices: 120000 }, { ntpServers: ['10.20.0.10', 'no', '2023-01-01'] })),
];

describe('user-data rendered in parts', () => {
  it.each(cases.flatMap((t) => t.nodes.map((n) => [`${t.name} ${n.name}`, t, n] as const)))('%s equals the whole config dumped at once', (_name, t, node) => {
    const text = renderUserData(t, node);
    const whole = `#cloud-config\n${dump(userDataConfig(t, node), { lineWidth: -1, noRefs: true })}`;
    expect(text.startsWith(whole)).toBe(true);
    // What follows continues the write_files list with the three static scripts.
    const parsed = parse(text, { version: '1.1' }) as { write_files: Array<{ path: string }> };
    expect(parsed.write_files.map((f) => f.path)).toEqual([
      ...(userDataConfig(t, node).write_files as Array<{ path: string }>).map((f) => f.path),
      '/usr/local/sbin/ums-ha-install',
      '/usr/local/lib/ums-ha/ums-ha-preflight',
      '/usr/local/lib/ums-ha/installer.exp',
      '/usr/local/lib/ums-ha/ums-ha-datasource',
    ]);
  });

  it('renders the shared block per topology, not once for all', () => {
    const [a, b] = cases as [ReturnType<typeof resolveTopology>, ReturnType<typeof resolveTopology>];
    expect(renderUserData(a, a.nodes[0]!)).toContain(`servers:\n    - ${a.network.ntpServers[0]}\n`);
    expect(renderUserData(b, b.nodes[0]!)).toContain("servers:\n    - 10.20.0.10\n    - 'no'\n    - '2023-01-01'\n");
  });
});
