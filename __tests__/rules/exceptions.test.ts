import { check, expectFinding, expectNoFinding, ids, topology } from '../helpers/topology';
import { buildReport, renderReportMarkdown } from '../../core/reports/report';
import { run, tempDir } from '../helpers/cli';
import { sarifErrors } from '../helpers/sarif';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

const dir = tempDir();
const reason = '7 servers reviewed with IGEL sizing support, ticket 4711';
// 7 servers behind an external load balancer (OS 12 devices only): UMS-SIZE-005 is the one warning (with IGEL load
// balancers, 3 of them leave 2 for 7 servers after one failure: UMS-SIZE-007 as well).
const sevenServers = (exceptions: unknown[]) => topology({ devices: 120000, servers: 7, loadBalancing: 'external', deviceOs: ['os12'], clusterAddress: 'ums.example.internal:8443', exceptions });

describe('spec.exceptions', () => {
  it('moves an accepted warning to suppressed, with its reason', () => {
    const r = check(sevenServers([{ id: 'UMS-SIZE-005', reason }]));
    expectNoFinding(r, 'UMS-SIZE-005');
    expect(r.suppressed).toEqual([{ finding: expect.objectContaining({ ruleId: 'UMS-SIZE-005', path: '/spec/servers' }), reason }]);
    expect(r.valid).toBe(true);
  });

  describe('UMS-EXC-001 (errors cannot be excepted)', () => {
    it.each([
      ['an error rule', [{ id: 'UMS-SIZE-001', reason }], '/spec/exceptions/0/id'],
    ])('refuses excepting %s, and keeps the error', (_n, exceptions, pointer) => {
      const r = check(topology({ devices: 120000, servers: 2, exceptions }));
      expectFinding(r, 'UMS-EXC-001', pointer);
      expectFinding(r, 'UMS-SIZE-001', '/spec/servers');
      expect(r.valid).toBe(false);
    });
    it('is not applicable to warnings', () => {
      expectNoFinding(check(sevenServers([{ id: 'UMS-SIZE-005', reason }])), 'UMS-EXC-001');
    });
  });

  describe('UMS-EXC-002 (stale exception)', () => {
    it.each([
      ['a warning that does not occur', [{ id: 'UMS-SIZE-006', reason }]],
      ['an id that is no rule', [{ id: 'UMS-ABC-123', reason }]],
    ])('reports %s', (_n, exceptions) => {
      expectFinding(check(topology({ exceptions })), 'UMS-EXC-002', '/spec/exceptions/0/id');
    });
    it('is quiet when the exception is used', () => {
      expectNoFinding(check(sevenServers([{ id: 'UMS-SIZE-005', reason }])), 'UMS-EXC-002');
    });
  });

  it('rejects a reason shorter than 20 characters (at the limit: 20 passes)', () => {
    expectFinding(check(sevenServers([{ id: 'UMS-SIZE-005', reason: 'x'.repeat(19) }])), 'UMS-SCHEMA', '/spec/exceptions/0/reason');
    expect(ids(check(sevenServers([{ id: 'UMS-SIZE-005', reason: 'x'.repeat(20) }])))).toEqual([]);
  });

  it('shows accepted exceptions in the report', () => {
    const md = renderReportMarkdown(buildReport(check(sevenServers([{ id: 'UMS-SIZE-005', reason }])))!);
    expect(md).toContain('## Accepted exceptions');
    expect(md).toContain(reason);
  });

  it('CLI: --strict passes, text counts it, json lists it, SARIF marks it suppressed', async () => {
    const file = path.join(dir, 'seven.yaml');
    fs.writeFileSync(file, stringify(sevenServers([{ id: 'UMS-SIZE-005', reason }])));
    const text = await run('validate', file, '--strict');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('1 file checked: 0 errors, 0 warnings, 1 excepted\n');
    const json = JSON.parse((await run('validate', file, '--format', 'json')).stdout);
    expect(json.files[0].suppressed).toEqual([expect.objectContaining({ ruleId: 'UMS-SIZE-005', reason })]);
    const sarif = JSON.parse((await run('validate', file, '--format', 'sarif')).stdout);
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toEqual([expect.objectContaining({ ruleId: 'UMS-SIZE-005', suppressions: [{ kind: 'inSource', justification: reason }] })]);
  });
});
