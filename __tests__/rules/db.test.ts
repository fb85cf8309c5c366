import { check, expectFinding, expectNoFinding, ids, topology } from '../helpers/topology';

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
