/**
 * The real cdktf CLI (node_modules/cdktf-cli 0.21) when a stack goes away (issue 21.1): the CLI
 * lists the folders of stacks/ before it runs the app and removes afterwards those the manifest
 * does not name, failing with ENOENT on one that is already gone. `cdktf synth` (with and without
 * --output) exits 0 on a second site, after a topology is renamed and after a file is removed, and a
 * stack folder with Terraform's files is moved to retired/, not deleted (issue 23.2).
 *
 * `cdktf diff` and `cdktf deploy` run the same synthesis first; here they run inside a network
 * namespace of their own (nothing can leave the machine) with the AWS provider from the offline
 * mirror: they get past the synthesis and the CLI's removal of stale folders to `terraform init`
 * and `terraform plan`, which stops for want of AWS credentials (no AWS here). So what is proved for
 * them is "no failure at the stack listing", not a deploy.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli';
import { providerMirror } from '../helpers/terraform';

const CDKTF = path.join(repoRoot, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const APP = path.join(repoRoot, 'bin', 'ums-ha-app.js');
const dir = tempDir('ums-ha-cdktf-cli-');
const strip = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const timings: string[] = [];

/** A cdktf project running this app, with two sites: site1 (two vSphere stacks), site2 (one AWS stack). */
const project = path.join(dir, 'project');
fs.mkdirSync(path.join(project, 'site1'), { recursive: true });
fs.mkdirSync(path.join(project, 'site2'));
for (const f of ['berlin-small.yaml', 'frankfurt-large.yaml']) fs.copyFileSync(path.join(repoRoot, 'topologies', f), path.join(project, 'site1', f));
fs.copyFileSync(path.join(repoRoot, 'topologies', 'hamburg-aws.yaml'), path.join(project, 'site2', 'hamburg-aws.yaml'));
fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `node ${APP}`, sendCrashReports: 'false' }));

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', ...extra };
  for (const k of ['CDKTF_OUTDIR', 'UMS_HA_DEBUG', 'UMS_HA_BACKEND_FILE', 'SYNTH_HCL_OUTPUT', 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS']) delete e[k];
  return e;
}
/** `npm run synth`: the app alone. */
function synth(site: string, outdir = 'cdktf.out') {
  const r = spawnSync(process.execPath, [APP], { cwd: project, env: env({ UMS_TOPOLOGY_DIR: site, CDKTF_OUTDIR: outdir }), encoding: 'utf8', timeout: 120_000 });
  expect(r.status).toBe(0);
}
/** The cdktf CLI; `isolated` runs it in a network namespace of its own (loopback only). */
function cdktf(args: string[], site: string, isolated = false) {
  const started = Date.now();
  const command = isolated ? 'unshare' : process.execPath;
  const argv = isolated ? ['-n', process.execPath, CDKTF, ...args] : [CDKTF, ...args];
  const mirror = path.join(dir, 'mirror.tfrc');
  fs.writeFileSync(mirror, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(providerMirror())}\n  }\n}\n`);
  const extra: Record<string, string> = { UMS_TOPOLOGY_DIR: site, TF_CLI_CONFIG_FILE: mirror, AWS_EC2_METADATA_DISABLED: 'true' };
  const e = env(extra);
  for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete e[k];
  const r = spawnSync(command, argv, { cwd: project, env: e, encoding: 'utf8', input: '', timeout: 400_000 });
  const seconds = (Date.now() - started) / 1000;
  timings.push(`cdktf ${args.join(' ')} (${site}): exit ${r.status}, ${seconds.toFixed(1)} s`);
  return { status: r.status, signal: r.signal, out: strip(`${r.stdout}${r.stderr}`) };
}
const stacksOf = (outdir = 'cdktf.out') => fs.readdirSync(path.join(project, outdir, 'stacks')).sort();
/** Nothing of the failure the CLI showed before: no ENOENT at the listing, no stack trace. */
const noListingFailure = (out: string) => {
  expect(out).not.toMatch(/ENOENT|lstat|no such file or directory/);
  expect(out).not.toMatch(/\n\s+at /);
};

afterAll(() => process.stderr.write(`cdktf CLI path:\n  ${timings.join('\n  ')}\n`));

describe('the cdktf CLI when a stack goes away (issue 21.1)', () => {
  it('cdktf synth on a second site, after a rename (with a stack folder holding .terraform) and after a removed file, with and without --output: exit 0, exactly the stacks of the run', () => {
    synth('site1');
    expect(stacksOf()).toEqual(['berlin-small', 'frankfurt-large']);
    // The second site: the app no longer writes the first site's stacks.
    let r = cdktf(['synth'], 'site2');
    noListingFailure(r.out);
    expect(r.status).toBe(0);
    expect(stacksOf()).toEqual(['hamburg-aws']);
    expect(r.out).toContain('the cdktf CLI removes it after this run');

    // A renamed topology whose old stack folder holds Terraform's working folder: moved, not deleted.
    fs.mkdirSync(path.join(project, 'cdktf.out', 'stacks', 'hamburg-aws', '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(project, 'cdktf.out', 'stacks', 'hamburg-aws', '.terraform', 'providers', 'p'), 'provider');
    const file = path.join(project, 'site2', 'hamburg-aws.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/name: hamburg-aws\n/, 'name: hamburg-aws-two\n'));
    r = cdktf(['synth'], 'site2');
    noListingFailure(r.out);
    expect(r.status).toBe(0);
    expect(stacksOf()).toEqual(['hamburg-aws-two']);
    expect(fs.readFileSync(path.join(project, 'cdktf.out', 'retired', 'hamburg-aws', '.terraform', 'providers', 'p'), 'utf8')).toBe('provider');
    expect(r.out).toContain('moved cdktf.out/stacks/hamburg-aws to cdktf.out/retired/hamburg-aws, not deleted');

    // --output: a first run into a new folder, then a removed file.
    r = cdktf(['synth', '--output', 'other.out'], 'site1');
    expect(r.status).toBe(0);
    expect(stacksOf('other.out')).toEqual(['berlin-small', 'frankfurt-large']);
    fs.renameSync(path.join(project, 'site1', 'frankfurt-large.yaml'), path.join(dir, 'frankfurt-large.yaml'));
    r = cdktf(['synth', '--output', 'other.out'], 'site1');
    noListingFailure(r.out);
    expect(r.status).toBe(0);
    expect(stacksOf('other.out')).toEqual(['berlin-small']);
    fs.renameSync(path.join(dir, 'frankfurt-large.yaml'), path.join(project, 'site1', 'frankfurt-large.yaml'));
  }, 900_000);

  it.each([
    ['diff', ['diff', 'hamburg-aws-two']],
    ['deploy', ['deploy', 'hamburg-aws-two', '--auto-approve']],
  ])('cdktf %s on a second site gets past the stack listing to terraform plan (offline, in its own network namespace)', (_name, args) => {
    synth('site1');
    expect(stacksOf()).toEqual(['berlin-small', 'frankfurt-large']);
    const r = cdktf([...args, '--skip-provider-lock'], 'site2', true);
    expect(r.signal).toBeNull();
    noListingFailure(r.out);
    // The synthesis and the CLI's removal of the first site's folders went through; terraform ran
    // init from the mirror and stopped at the provider's credentials (no AWS account here).
    expect(stacksOf()).toEqual(['hamburg-aws-two']);
    expect(r.out).toContain('the cdktf CLI removes it after this run');
    expect(r.out).toMatch(/No valid credential sources found/);
    expect(r.status).not.toBe(0);
  }, 900_000);
});
