import { buildReport, renderReportMarkdown } from '../../core/reports/report';
import { check, expectFinding, expectNoFinding, ids, ruleTable as table, topology } from '../helpers/topology';

const db = (database: Record<string, unknown>) => topology({ database: { ...topology().spec.database, ...database } });

describe('UMS-DB-001 (no embedded database)', () => {
  it.each([
    ['embedded with connection details', db({ engine: 'embedded' }), '/spec/database/engine'],
    ['embedded alone (no host, user or variable needed to be refused)', topology({ database: { engine: 'embedded' } }), '/spec/database/engine'],
    ['postgresql', db({ engine: 'postgresql' }), null],
    ['oracle', db({ engine: 'oracle' }), null],
  ])('%s', (_n, doc, path) => {
    const result = check(doc);
    if (path === null) expectNoFinding(result, 'UMS-DB-001');
    else expectFinding(result, 'UMS-DB-001', path);
  });
  it('refuses embedded with UMS-DB-001 only, not a schema error', () => {
    expect(ids(check(topology({ database: { engine: 'embedded' } })))).toEqual(['UMS-DB-001']);
  });
});

describe('UMS-DB-002 (no literal password or token)', () => {
  const secret = 'S3cr3t!-never-print-me';
  const token = (networkToken: Record<string, unknown>) => topology({ networkToken });
  it.each([
    ['a password in passwordVariable', db({ passwordVariable: secret }), '/spec/database/passwordVariable'],
    ['a password key next to the variable', db({ password: secret }), '/spec/database/password'],
    ['a token key in networkToken', token({ mode: 'create', variable: 'UMS_NETWORK_TOKEN', token: secret }), '/spec/networkToken/token'],
    ['the token as networkToken.variable', token({ mode: 'existing', variable: 'aGVsbG8=:d29ybGQ' }), '/spec/networkToken/variable'],
    ['credentials in the installer URL', topology({ installer: { url: `https://igel:${secret}@artifacts.example.internal/setup.bin`, sha256: 'a'.repeat(64) } }), '/spec/installer/url'],
    ['a 65-character variable name', db({ passwordVariable: `V${'A'.repeat(64)}` }), '/spec/database/passwordVariable'],
    ['a 64-character variable name (at the limit)', db({ passwordVariable: `V${'A'.repeat(63)}` }), null],
    ['variable names only', topology(), null],
  ])('%s', (_n, doc, path) => {
    const result = check(doc);
    if (path === null) expectNoFinding(result, 'UMS-DB-002');
    else expectFinding(result, 'UMS-DB-002', path);
  });

  it('never repeats the secret in any finding', () => {
    for (const doc of [db({ passwordVariable: secret }), db({ password: secret }), db({ password: 12345678 })]) {
      const result = check(doc);
      expect(JSON.stringify(result.findings)).not.toContain(secret);
      expect(JSON.stringify(result.findings)).not.toContain('12345678');
    }
  });

  it('reports a literal password key once, not again as an unknown key', () => {
    const result = check(db({ password: secret }));
    expect(ids(result)).toEqual(['UMS-DB-002']);
    expect(result.topology).toBeDefined();
  });
});

describe('UMS-DB-003 (distinct secret variables)', () => {
  it.each([
    ['one variable for the password and the token', topology({ networkToken: { mode: 'create', variable: 'UMS_DB_PASSWORD' } }), '/spec/networkToken/variable'],
    ['the vCenter password variable', db({ passwordVariable: 'vsphere_password' }), '/spec/database/passwordVariable'],
    ['distinct variables', topology(), null],
  ])('%s', (_n, doc, path) => {
    const result = check(doc);
    if (path === null) expectNoFinding(result, 'UMS-DB-003');
    else expectFinding(result, 'UMS-DB-003', path);
  });
});

describe('UMS-DB-004 (a redundant database, or a single host accepted with a reason)', () => {
  const dbSpec = (extra: Record<string, unknown>) => ({ database: { engine: 'postgresql', host: 'db.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', ...extra } });
  table('UMS-DB-004', [
    ['no redundancy named', dbSpec({}), '/spec/database'],
    ['redundancy single without a reason', dbSpec({ redundancy: 'single' }), '/spec/database/redundancy'],
    ['redundancy single with a reason (the opt-out)', dbSpec({ redundancy: 'single', singleHostReason: 'test lab, rebuilt from backup within a day' }), null],
    ['a cluster', dbSpec({ redundancy: 'cluster' }), null],
    ['a primary with a standby', dbSpec({ redundancy: 'replicated' }), null],
    ['embedded is UMS-DB-001, not this', { database: { engine: 'embedded' } }, null],
  ]);

  it('is a warning that names the host, the servers that stop and the fields', () => {
    const f = expectFinding(check(topology({ devices: 120000, ...dbSpec({}) })), 'UMS-DB-004', '/spec/database');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('database db.example.internal is one host with no redundancy named: if it fails, all 3 UMS Servers stop serving');
    expect(f.message).toContain('redundancy: cluster');
    expect(f.message).toContain('singleHostReason');
  });

  it('the reason has at least 20 characters (schema) and is shown in the report', () => {
    expectFinding(check(topology(dbSpec({ redundancy: 'single', singleHostReason: 'too short' }))), 'UMS-SCHEMA', '/spec/database/singleHostReason');
    const md = renderReportMarkdown(buildReport(check(topology(dbSpec({ redundancy: 'single', singleHostReason: 'test lab, rebuilt from backup within a day' }))))!);
    expect(md).toContain('redundancy: single host, accepted: test lab, rebuilt from backup within a day');
  });
});

describe('UMS-DB-005 (database.authentication only with SQL Server)', () => {
  const mssql = { engine: 'mssql', host: 'sql.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster' };
  table('UMS-DB-005', [
    ['ad-native with postgresql', { database: { ...mssql, engine: 'postgresql', authentication: 'ad-native' } }, '/spec/database/authentication'],
    ['sql with oracle', { database: { ...mssql, engine: 'oracle', authentication: 'sql' } }, '/spec/database/authentication'],
    ['ad-native with mssql', { database: { ...mssql, authentication: 'ad-native' } }, null],
    ['mssql without authentication (sql by default)', { database: mssql }, null],
  ]);

  it('an unknown mode is a schema error; mssql resolves to sql by default', () => {
    expectFinding(check(topology({ database: { ...mssql, authentication: 'windows' } })), 'UMS-SCHEMA', '/spec/database/authentication');
    expect(check(topology({ database: mssql })).topology!.database.authentication).toBe('sql');
  });
});

const kerberos = { realm: 'EXAMPLE.INTERNAL', kdcs: ['dc1.example.internal'] };

describe('UMS-DB-006 (no SQL Server AD Native on these Linux hosts)', () => {
  const mssql = { engine: 'mssql', host: 'sql.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster' };
  table('UMS-DB-006', [
    ['ad-native with mssql', { database: { ...mssql, authentication: 'ad-native' } }, '/spec/database/authentication'],
    ['kerberos with mssql (what IGEL documents for hosts outside the domain)', { database: { ...mssql, authentication: 'kerberos', kerberos } }, null],
    ['sql with mssql', { database: { ...mssql, authentication: 'sql' } }, null],
    ['ad-native with postgresql is UMS-DB-005 instead', { database: { ...mssql, engine: 'postgresql', authentication: 'ad-native' } }, null],
  ]);

  it('offers Kerberos and names where krb5.conf goes; the report has no Windows service logon step', () => {
    const f = expectFinding(check(topology({ database: { ...mssql, authentication: 'ad-native' } })), 'UMS-DB-006', '/spec/database/authentication');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('authentication: kerberos');
    expect(f.message).toContain('rmguiserver/conf');
    const r = buildReport(check(topology({ devices: 120000, database: { ...mssql, authentication: 'ad-native' } })))!;
    expect(r.postInstall.map((s) => s.id)).not.toContain('ad-native-logon');
    expect(JSON.stringify(r.postInstall)).not.toMatch(/logon settings/);
  });
});

describe('UMS-DB-007 (Kerberos names its realm and KDCs, and only then)', () => {
  const mssql = { engine: 'mssql', host: 'sql.example.internal', name: 'rmdb', user: 'igelums', passwordVariable: 'UMS_DB_PASSWORD', redundancy: 'cluster' };
  table('UMS-DB-007', [
    ['kerberos without the block', { database: { ...mssql, authentication: 'kerberos' } }, '/spec/database'],
    ['the block with sql', { database: { ...mssql, authentication: 'sql', kerberos } }, '/spec/database/kerberos'],
    ['kerberos with the block', { database: { ...mssql, authentication: 'kerberos', kerberos } }, null],
  ]);

  it('the schema refuses a lower-case realm and an empty KDC list', () => {
    expectFinding(check(topology({ database: { ...mssql, authentication: 'kerberos', kerberos: { realm: 'example.internal', kdcs: ['dc1'] } } })), 'UMS-SCHEMA', '/spec/database/kerberos/realm');
    expectFinding(check(topology({ database: { ...mssql, authentication: 'kerberos', kerberos: { realm: 'EXAMPLE.INTERNAL', kdcs: [] } } })), 'UMS-SCHEMA', '/spec/database/kerberos/kdcs');
  });
});
