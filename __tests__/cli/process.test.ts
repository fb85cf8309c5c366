/**
 * The installed executable as users and CI run it: a real process, its exit code, and what it
 * does not do (print stack traces, load cdktf). Needs the build (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';

const bin = path.join(repoRoot, 'bin', 'ums-ha.js');
const forbid = path.join(repoRoot, '__tests__', 'fixtures', 'forbid-cdktf.js');
const dir = tempDir();

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'ums-ha-cli.js'))) throw new Error('build first: npm run build (npm test does)');
});

function cli(args: string[], nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK_FRAME = /^\s+at .+[:(]\d+:\d+\)?$/m;

describe('bin/ums-ha.js', () => {
  it('validates the shipped examples: exit 0', () => {
    const r = cli(['validate', 'topologies/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ files checked: 0 errors, 0 warnings(, \d+ excepted)?$/m);
  });

  it('never loads cdktf, constructs or a provider for validate (they are made unresolvable)', () => {
    const control = spawnSync(process.execPath, ['-r', forbid, '-e', "require('cdktf')"], { encoding: 'utf8', cwd: repoRoot });
    expect(control.status).not.toBe(0);
    expect(control.stderr).toContain('must not load cdktf');
    for (const format of ['text', 'json', 'github', 'sarif']) {
      const r = cli(['validate', 'topologies/', '__tests__/fixtures', '--format', format], ['-r', forbid]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it.each([
    ['a missing file', ['validate', 'no/such/file.yaml'], 2],
    ['a bad option', ['validate', '--format', 'yaml', 'topologies/'], 2],
    ['no command', [], 2],
    ['a directory without topologies', ['validate', 'docs'], 2],
  ])('%s: exit %i, one clear line, no stack trace', (_n, args, code) => {
    const r = cli(args);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr.trim().length).toBeGreaterThan(0);
  });

  it.each([
    ['binary', Buffer.from([0x00, 0xff, 0x10])],
    ['empty', ''],
    ['huge', Buffer.alloc(3 * 1024 * 1024, 0x61)],
    ['deeply nested', `${'{a: '.repeat(50000)}1${'}'.repeat(50000)}`],
    ['wrong types', 'apiVersion: [1]\nkind: {a: 1}\nmetadata: null\nspec: 12\n'],
    ['not YAML at all', '{{{: ]]] :::'],
  ])('%s content: a finding and exit 1, no stack trace', (name, content) => {
    const file = path.join(dir, `${name.replace(/ /g, '-')}.yaml`);
    fs.writeFileSync(file, content);
    const r = cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ error UMS-(YAML|SCHEMA) /);
    expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
  });
});
