import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir();
const write = (name: string, doc: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof doc === 'string' ? doc : stringify(doc));
  return f;
};
const example = path.join(repoRoot, 'topologies', 'frankfurt-large.yaml');
const old = path.join(repoRoot, '__tests__', 'fixtures', 'update', 'frankfurt-12.06.yaml');

describe('ums-ha report', () => {
  it('prints Markdown with a Mermaid diagram by default, JSON on request', async () => {
    const md = await run('report', example);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Sizing review: frankfurt-large/);
    expect(md.stdout).toContain('```mermaid\nflowchart LR');
    const json = await run('report', example, '--format', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({ file: example, topology: 'frankfurt-large', servers: { count: 3 }, loadBalancers: { count: 2 } });
  });

  it('exits 1 for a design with errors (still reporting it), 1 without a schema-valid file, 2 for a missing file', async () => {
    const bad = await run('report', write('bad.yaml', topology({ devices: 120000, servers: 2 })));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('UMS-SIZE-001');
    const schema = await run('report', write('schema.yaml', topology({ devices: 'x' })));
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/schema\.yaml:\d+:\d+ error UMS-SCHEMA /);
    const missing = await run('report', path.join(dir, 'none.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${path.join(dir, 'none.yaml')}: no such file or directory`);
    const folder = await run('report', dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${dir} is a directory: give one topology file`);
  });
});

describe('ums-ha plan-update', () => {
  it('refuses 12.07.x -> 12.06.x with UMS-UPD-001 (exit 1, finding on stderr with position)', async () => {
    const r = await run('plan-update', '--from', example, '--to', old);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/frankfurt-12\.06\.yaml:\d+:\d+ error UMS-UPD-001 12\.06\.110 is older than the deployed 12\.07\.100/);
    expect(r.stdout).toContain('**Refused:**');
  });

  it('produces both runbooks for 12.06 -> 12.07', async () => {
    const short = await run('plan-update', '--from', old, '--to', example);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain('### 5. Stop every UMS Server except frankfurt-large-ums1');
    const none = await run('plan-update', '--from', old, '--to', example, '--method', 'no-downtime', '--format', 'json');
    expect(none.code).toBe(0);
    const plan = JSON.parse(none.stdout);
    expect(plan).toMatchObject({ method: 'no-downtime', kind: 'version-update', from: '12.06.110', to: '12.07.100' });
    expect(plan.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('UMS-UPD-003');
  });

  it('refuses to plan from a topology with errors, and needs both files', async () => {
    const bad = write('bad-from.yaml', topology({ devices: 120000, servers: 2 }));
    const r = await run('plan-update', '--from', bad, '--to', example);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has errors: fix them before planning an update');
    expect((await run('plan-update', '--to', example)).code).toBe(2);
    expect((await run('plan-update', '--from', old, '--to', example, '--method', 'yolo')).code).toBe(2);
  });
});
