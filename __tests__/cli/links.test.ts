/**
 * No file outside the topology folder is read through a symbolic link (issue 23.1): validate (every
 * format), report, plan-update and synthesis refuse a link whose target, every link resolved, lies
 * outside the folder that holds it, in one line, and print nothing of the target. Links inside the
 * folder are followed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot, run, tempDir } from '../helpers/cli';
import { topology } from '../helpers/topology';

const dir = tempDir('ums-ha-links-');
/** Outside the topology folder: a YAML file of secrets, shaped like a topology so that its values reach the checks. */
const secrets = path.join(dir, 'outside', 'secrets.yaml');
const MARK = 'hunter2';
fs.mkdirSync(path.dirname(secrets));
fs.writeFileSync(
  secrets,
  [`apiVersion: ${MARK}-api`, `kind: ${MARK}-kind`, 'metadata:', `  name: ${MARK}-name`, `  description: ${MARK}-description`, `aws_secret_access_key: ${MARK}-key`, `root:${MARK}:19000:0:99999:7:::`, ''].join('\n'),
);
const named = (name: string) => stringify({ ...topology(), metadata: { name } });

/** The folder under test: good files, links inside, and links out of it in every shape. */
const t = path.join(dir, 't');
fs.mkdirSync(t);
fs.writeFileSync(path.join(t, 'a-good.yaml'), named('good-site'));
fs.writeFileSync(path.join(t, 'inner.txt'), named('inner-site'));
fs.writeFileSync(path.join(t, 'hop-target.txt'), named('hop-site'));
fs.symlinkSync('inner.txt', path.join(t, 'inside.yaml')); // inside the folder: followed
fs.symlinkSync('.hop', path.join(t, 'inside-chain.yaml')); // a link to a link, both inside
fs.symlinkSync('hop-target.txt', path.join(t, '.hop'));
fs.symlinkSync(secrets, path.join(t, 'absolute.yaml')); // an absolute path
fs.symlinkSync('/etc/passwd', path.join(t, 'etc.yaml'));
fs.symlinkSync(`${'../'.repeat(12)}${secrets.slice(1)}`, path.join(t, 'dotdot.yaml')); // a .. chain
fs.symlinkSync('.out-hop', path.join(t, 'chain.yaml')); // a link to a link that leaves
fs.symlinkSync('../outside/secrets.yaml', path.join(t, '.out-hop'));
fs.symlinkSync('../t/../outside/./secrets.yaml', path.join(t, 'dotdot-mixed.yml'));
const OUT = ['absolute.yaml', 'chain.yaml', 'dotdot-mixed.yml', 'dotdot.yaml', 'etc.yaml'];
const refusal = (file: string) => `ums-ha: ${file} is a symbolic link that leads outside ${path.dirname(file)}: not read (a link must stay inside the folder it is in)`;

/** Nothing of the targets outside: no secret, no line of /etc/passwd. */
function expectNothingOfTheTargets(text: string) {
  expect(text).not.toContain(MARK);
  expect(text).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
}

describe('validate reads no file outside the folder through a link (issue 23.1)', () => {
  it.each(['text', 'json', 'github', 'sarif'])('--format %s: one line per link out of the folder, the others checked, nothing of the targets printed', async (format) => {
    const r = await run('validate', t, '--format', format);
    expect(r.code).toBe(2);
    expectNothingOfTheTargets(r.stdout + r.stderr);
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual(OUT.map((f) => refusal(path.join(t, f))).sort());
    // The three files inside (one plain, one link, one link to a link) are checked.
    if (format === 'text') expect(r.stdout).toMatch(/3 files checked: 0 errors/);
    if (format === 'json') expect((JSON.parse(r.stdout) as { files: unknown[] }).files).toHaveLength(3);
  });

  it('explicit file arguments follow the same rule', async () => {
    for (const f of OUT) {
      const r = await run('validate', path.join(t, f), path.join(t, 'inside.yaml'), '--format', 'github');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${refusal(path.join(t, f))}\n`);
      expectNothingOfTheTargets(r.stdout);
    }
    expect((await run('validate', path.join(t, 'inside-chain.yaml'))).code).toBe(0);
  });

  it('a folder given that is a link out of the working directory is refused', async () => {
    const linked = path.join(dir, 'linked-folder');
    fs.symlinkSync(path.join(dir, 'outside'), linked);
    const r = await run('validate', linked);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ums-ha: ${linked} is a symbolic link to a folder outside the working directory: not read (name the folder itself)\n`);
    expectNothingOfTheTargets(r.stdout + r.stderr);
  });
});

describe('report and plan-update read no file outside the folder through a link', () => {
  it.each(OUT)('report %s', async (f) => {
    const r = await run('report', path.join(t, f));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${refusal(path.join(t, f))}\n`);
    expect(r.stdout).toBe('');
  });

  it.each(OUT)('plan-update --from/--to %s', async (f) => {
    for (const args of [
      ['--from', path.join(t, f), '--to', path.join(t, 'a-good.yaml')],
      ['--from', path.join(t, 'a-good.yaml'), '--to', path.join(t, f)],
    ]) {
      const r = await run('plan-update', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${refusal(path.join(t, f))}\n`);
      expect(r.stdout).toBe('');
    }
  });
});

describe('synthesis reads no file outside the folder through a link', () => {
  it('the app refuses each link out of UMS_TOPOLOGY_DIR in one line, exit 2, and writes nothing', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ums-ha-app.js')], {
      cwd: dir,
      env: { ...process.env, UMS_TOPOLOGY_DIR: 't', CDKTF_OUTDIR: path.join(dir, 'links.out'), UMS_HA_DEBUG: undefined },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expectNothingOfTheTargets(r.stdout + r.stderr);
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual(OUT.map((f) => refusal(path.join('t', f))).sort());
    expect(fs.existsSync(path.join(dir, 'links.out', 'stacks'))).toBe(false);
  });
});
