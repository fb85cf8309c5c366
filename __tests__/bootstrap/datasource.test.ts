/**
 * ums-ha-datasource (bootstrap/scripts) against the FAKE umsadmin-cli (__tests__/fixtures/fake-bin):
 * when `umsadmin-cli db list` fails, the script stops with one line of its own and adds no data
 * source (the failure is never read as "no data source" or printed as one); a host written in
 * other case is the same DNS name, so no second data source is created beside it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

const script = path.join(repoRoot, 'bootstrap', 'scripts', 'ums-ha-datasource.sh');
const fakeBin = path.join(repoRoot, '__tests__', 'fixtures', 'fake-bin');

const dir = tempDir('ums-ha-datasource-');

/** Runs the script in `mode` against the FAKE umsadmin-cli holding `state`; its exit, stderr, state and calls. */
function run(mode: string, state: string, extra: Record<string, string> = {}) {
  const at = fs.mkdtempSync(path.join(dir, 'run-'));
  fs.writeFileSync(path.join(at, 'state'), state);
  const r = spawnSync('bash', [script, mode], {
    env: {
      PATH: `${fakeBin}:/usr/bin:/bin`,
      UMS_HA_CONF: path.join(at, 'absent.env'),
      UMS_HA_RUN_DIR: path.join(at, 'run'),
      FAKE_UMSADMIN_STATE: path.join(at, 'state'),
      FAKE_UMSADMIN_RECORD: path.join(at, 'record'),
      UMS_HA_DB_ENGINE: 'postgresql',
      UMS_HA_DB_HOST: 'db.example.internal',
      UMS_HA_DB_PORT: '5432',
      UMS_HA_DB_NAME: 'rmdb',
      UMS_HA_DB_USER: 'igelums',
      UMS_HA_DB_PASSWORD: 'secret',
      ...extra,
    },
    encoding: 'utf8',
    timeout: 20000,
  });
  const record = fs.existsSync(path.join(at, 'record')) ? fs.readFileSync(path.join(at, 'record'), 'utf8') : '';
  return { code: r.status, stderr: r.stderr, state: fs.readFileSync(path.join(at, 'state'), 'utf8'), record };
}

describe('ums-ha-datasource with a failing umsadmin-cli db list (FAKE umsadmin-cli)', () => {
  it.each(['define', 'join', 'verify'])('%s: stops with its own line, creates and activates nothing', (mode) => {
    const r = run(mode, '', { FAKE_UMSADMIN_FAIL: 'db list' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ums-ha-datasource: umsadmin-cli db list failed: the data sources cannot be told');
    // The list's error text is not parsed as a data source row.
    expect(r.stderr).not.toContain(' as , active');
    expect(r.state).toBe('');
    expect(r.record).not.toMatch(/db (create|activate)/);
  });

  it('the control: a working list with none of ours, define creates and activates it', () => {
    const r = run('define', '');
    expect(r.code).toBe(0);
    expect(r.state).toBe('PostgreSQL;db.example.internal;5432;rmdb;igelums;true\n');
  });

  it('verify with another data source active names it, one entry per data source', () => {
    const r = run('verify', 'PostgreSQL;other.example.internal;5432;otherdb;igelums;true\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ums-ha-datasource: the active data source is not postgresql rmdb on db.example.internal:5432 as igelums (umsadmin-cli db list: PostgreSQL otherdb@other.example.internal as igelums, active true)\n');
  });
});

describe('ums-ha-datasource: the database host is a DNS name, compared without case (FAKE umsadmin-cli)', () => {
  it.each(['define', 'join'])('%s keeps a connection added as DB.Example.Internal and creates no second one', (mode) => {
    const r = run(mode, 'PostgreSQL;DB.Example.Internal;5432;rmdb;igelums;true\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.state).toBe('PostgreSQL;DB.Example.Internal;5432;rmdb;igelums;true\n');
  });
});
