#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: speed and memory targets as ratios against baselines measured in the same run,
 * so the figures mean the same on a slow or a busy machine. Prints a table and writes
 * bench/results.json. Run after `npm run build` (the npm script does).
 *
 *   validate cold      node bin/ums-ha.js validate <one file>  vs  node -e 0   (target <= 2.0x)
 *   validate files/s   1,000 generated topologies in one process             (target >= 2,000/s);
 *                      also shown: the same files each with a finding (they take the authoritative
 *                      YAML reader) and the bare yaml parse, for scale
 *   synth 1 / 50       cdktf.json's app command over 1 and 50 generated topologies, run as
 *                      `cdktf synth` runs it (a shell, its environment), spawn to exit,  vs  plain
 *                      cdktf declaring the same VMs (same attributes, same-size guestinfo payload)
 *                      with no domain logic (bench/synth-baseline.js), run the same way; beside it
 *                      the app loaded directly, timed in-process; fresh processes in rounds, the
 *                      median of the rounds' ratios                               (target <= 1.3x)
 *   synth 50 RSS       peak resident memory synthesizing 50 topologies           (target <= 150 MB)
 *   cdktf synth        the whole `cdktf synth` command (CLI included), ums-ha vs the same CLI
 *                      running the baseline as its app (no target: the CLI's own cost is shared)
 *   synth after edit   the first synth after main.ts and a core file changed (rebuild included)
 *                                                                               (target <= 3 s)
 *
 *   invocation         validate through node bin/ums-ha.js, node_modules/.bin/ums-ha, npx and
 *                      npm run, each vs node -e 0 (no target but the bin's, <= 2.0x)
 *
 *   hostile <class>    node bin/ums-ha.js validate on the worst file of each hostile class under the
 *                      input bounds (bench/hostile.js; also a 1.9 GB sparse file, /dev/zero, a FIFO),
 *                      fresh processes: median time and peak RSS   (target < 2 s and < 200 MB each);
 *                      shown with the ratio to node -e 0 measured in the same run
 *
 *   synth aws 1 / 50   the app over 1 and 50 generated aws topologies  vs  plain cdktf declaring the
 *                      same AWS resources (bench/synth-baseline-aws.js), paired as above (target <= 1.3x)
 *   aws bindings       modules of @cdktf/provider-aws an app of vSphere files alone loads (target 0),
 *                      with what loading them would cost
 *
 * Options: --quick (fewer repetitions), --only=<name>[,<name>]
 *          (validate-cold, validate-throughput, synth, cdktf-cli, invocation, hostile, synth-aws, aws-bindings).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateTopologies } = require('./generate');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = (args.find((a) => a.startsWith('--only=')) || '').slice('--only='.length).split(',').filter(Boolean);
const wanted = (name) => only.length === 0 || only.includes(name);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeSpawn(argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Runs candidate and baseline alternately, `n` times each, and compares their medians. */
function interleaved(n, candidate, baseline) {
  const c = [];
  const b = [];
  for (let i = 0; i < 3; i++) {
    candidate();
    baseline();
  }
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      c.push(candidate());
      b.push(baseline());
    } else {
      b.push(baseline());
      c.push(candidate());
    }
  }
  return { candidateMs: median(c), baselineMs: median(b), ratio: median(c) / median(b) };
}

const results = [];
function record(name, value, unit, target, pass, detail) {
  results.push({ name, value: Number(value.toFixed(3)), unit, target, pass, detail });
}

if (wanted('validate-cold')) {
  const file = path.join('topologies', 'berlin-small.yaml');
  const r = interleaved(
    quick ? 9 : 25,
    () => timeSpawn([path.join('bin', 'ums-ha.js'), 'validate', file]),
    () => timeSpawn(['-e', '0']),
  );
  record('validate cold (1 file) / node -e 0', r.ratio, 'x', '<= 2.0', r.ratio <= 2.0, `${r.candidateMs.toFixed(1)} ms vs ${r.baselineMs.toFixed(1)} ms`);
}

/**
 * How to call `validate`: the README's invocation (node bin/ums-ha.js in the checkout), the bin a
 * project that depends on ums-ha gets (node_modules/.bin/ums-ha), and through npm (npx --no-install,
 * npm run), each against `node -e 0`; fresh processes, medians. No target but the first's (the
 * cold validate's): the figures say what the npm wrappers cost.
 */
if (wanted('invocation')) {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-dependent-'));
  try {
    fs.mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    fs.symlinkSync(root, path.join(project, 'node_modules', 'ums-ha'));
    fs.symlinkSync(path.join('..', 'ums-ha', 'bin', 'ums-ha.js'), path.join(project, 'node_modules', '.bin', 'ums-ha'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'dependent', private: true, dependencies: { 'ums-ha': 'file:ums-ha' }, scripts: { validate: 'ums-ha validate' } }));
    const file = path.join(root, 'topologies', 'berlin-small.yaml');
    const time = (command, args, cwd) => () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const reps = quick ? 3 : 7;
    const ways = [
      ['node bin/ums-ha.js validate (README)', time(process.execPath, [path.join('bin', 'ums-ha.js'), 'validate', file], root)],
      ['node_modules/.bin/ums-ha validate (a dependent project)', time(path.join(project, 'node_modules', '.bin', 'ums-ha'), ['validate', file], project)],
      ['npx --no-install ums-ha validate', time('npx', ['--no-install', 'ums-ha', 'validate', file], project)],
      ['npm run --silent validate', time('npm', ['run', '--silent', 'validate', '--', file], project)],
    ];
    for (const [name, run] of ways) {
      const r = interleaved(reps, run, timeSpawn.bind(null, ['-e', '0']));
      const first = name.endsWith('(README)');
      record(`invocation: ${name} / node -e 0`, r.ratio, 'x', first ? '<= 2.0' : '-', first ? r.ratio <= 2.0 : true, `${r.candidateMs.toFixed(0)} ms vs ${r.baselineMs.toFixed(0)} ms`);
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

/** cdktf.json's app command, and the environment `cdktf synth` (0.21) runs an app command in, through a shell. */
const APP_COMMAND = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app;
function cdktfSynthEnv(outdir, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TF_VAR_')));
  if (!env.NODE_OPTIONS) env.NODE_OPTIONS = '--max-old-space-size=4096';
  return { ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true', CDKTF_CONTEXT_JSON: '{"cdktfRelativeModules":[]}', SYNTH_HCL_OUTPUT: 'false', ...extra };
}
/** Runs `command` as `cdktf synth` runs an app command; wall-clock ms from spawn to exit, and its stdout. */
function runAsCdktfSynth(command, cwd, outdir, extra) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, { shell: true, cwd, env: cdktfSynthEnv(outdir, extra), encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
const quote = (arg) => `'${String(arg).replace(/'/g, `'\\''`)}'`;

/**
 * Synthesis of `count` generated topologies against the raw-cdktf baseline, in fresh processes, in
 * rounds of three back to back (rotating the order): the baseline and cdktf.json's app command, both
 * run as `cdktf synth` runs an app command (a shell, its environment), timed from spawn to exit; and
 * the app loaded directly (bench/synth-candidate.js), timed inside the process against the
 * baseline's own in-process time, as before. Ratios: the median of the rounds' ratios.
 */
function benchSynth(count, reps) {
  const { resolveTopology } = require(path.join(root, 'dist', 'core', 'model', 'resolve.js'));
  const { generateTopologyObjects } = require('./generate');
  const { stringify } = require('yaml');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-synth-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const objects = generateTopologyObjects(count, 7);
    objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(o)));
    const vmCounts = objects.map((o) => resolveTopology(o).nodes.length).join(',');
    // The baseline's VMs carry a payload as large as ours, on average.
    const { renderUserData, encodeGuestinfo } = require(path.join(root, 'dist', 'bootstrap', 'cloud-init.js'));
    const sizes = objects.flatMap((o) => {
      const t = resolveTopology(o);
      return t.nodes.map((n) => encodeGuestinfo('userdata', renderUserData(t, n), { gzip: true }).value.length);
    });
    const payloadBytes = String(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const baselineCommand = (out) => `node ${quote(path.join(__dirname, 'synth-baseline.js'))} ${quote(out)} ${vmCounts} ${payloadBytes}`;
    let k = 0;
    const runs = {
      base: () => {
        const r = runAsCdktfSynth(baselineCommand(path.join(work, `b${k++}`)), root, path.join(work, `b${k++}`));
        return { wall: r.ms, inProcess: JSON.parse(r.stdout).ms };
      },
      app: () => ({ wall: runAsCdktfSynth(APP_COMMAND, root, path.join(work, `a${k++}`), { UMS_TOPOLOGY_DIR: dir }).ms }),
      direct: () => {
        const r = spawnSync(process.execPath, [path.join(__dirname, 'synth-candidate.js'), dir, path.join(work, `c${k++}`)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`synth-candidate.js failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout);
        return { inProcess: out.ms, maxRssMb: out.maxRssMb };
      },
    };
    // One round to warm the file cache (and write a compile cache the build did not), then rounds
    // back to back in rotating order, so a slow spell of the machine weighs on every side of a round.
    const names = ['base', 'app', 'direct'];
    names.forEach((name) => runs[name]());
    const rounds = [];
    for (let i = 0; i < reps; i++) {
      const round = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        round[name] = runs[name]();
      }
      rounds.push(round);
    }
    return {
      appRatio: median(rounds.map((r) => r.app.wall / r.base.wall)),
      appMs: median(rounds.map((r) => r.app.wall)),
      baseWallMs: median(rounds.map((r) => r.base.wall)),
      directRatio: median(rounds.map((r) => r.direct.inProcess / r.base.inProcess)),
      directMs: median(rounds.map((r) => r.direct.inProcess)),
      baseInProcessMs: median(rounds.map((r) => r.base.inProcess)),
      directRss: Math.max(...rounds.map((r) => r.direct.maxRssMb)),
      vms: vmCounts.split(',').reduce((a, b) => a + Number(b), 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The first synth after an edit: a copy of the built checkout (node_modules linked), then, `reps`
 * times, main.ts and a core file edited and cdktf.json's app command run as cdktf synth runs it over
 * one topology; the app entry rebuilds the bundle before synthesizing (scripts/app-build.js).
 */
function benchFirstSynthAfterEdit(reps) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-edit-'));
  try {
    const copy = path.join(work, 'checkout');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '__tests__', 'coverage', '.terraform']);
    for (const entry of fs.readdirSync(root).filter((e) => !skip.has(e) && !e.startsWith('terraform.'))) {
      fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(root, 'topologies', 'berlin-small.yaml'), path.join(dir, 'berlin-small.yaml'));
    const synth = (i) => runAsCdktfSynth(APP_COMMAND, copy, path.join(work, `o${i}`), { UMS_TOPOLOGY_DIR: dir });
    synth('warm');
    const edited = [];
    const unchanged = [];
    for (let i = 0; i < reps; i++) {
      for (const file of ['main.ts', path.join('core', 'model', 'resolve.ts')]) fs.appendFileSync(path.join(copy, file), `\n// edit ${i}\n`);
      const r = synth(`e${i}`);
      if (!/rebuilt dist\/ums-ha-app\.js/.test(r.stderr)) throw new Error(`the edit was not rebuilt: ${r.stderr}`);
      edited.push(r.ms);
      unchanged.push(synth(`u${i}`).ms);
    }
    return { editedMs: median(edited), unchangedMs: median(unchanged) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `cdktf synth` itself, end to end (the CLI's own start, its terraform calls, then the app): over one
 * generated topology with ums-ha's cdktf.json, against the same CLI running the baseline as its app
 * in a project of its own. The CLI's cost is on both sides; this is what a user waits for.
 */
function benchCdktfCli(reps) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-cli-'));
  try {
    const { generateTopologyObjects } = require('./generate');
    const { resolveTopology } = require(path.join(root, 'dist', 'core', 'model', 'resolve.js'));
    const { stringify } = require('yaml');
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const [doc] = generateTopologyObjects(1, 7);
    fs.writeFileSync(path.join(dir, 't0.yaml'), stringify(doc));
    const vms = resolveTopology(doc).nodes.length;
    const baseline = path.join(work, 'baseline');
    fs.mkdirSync(baseline);
    // A project like ums-ha's: a package.json with the same framework dependencies and node_modules.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(baseline, 'package.json'), JSON.stringify({ name: 'baseline', private: true, dependencies: { cdktf: pkg.dependencies.cdktf, constructs: pkg.dependencies.constructs, '@cdktf/provider-vsphere': pkg.dependencies['@cdktf/provider-vsphere'] }, devDependencies: { 'cdktf-cli': pkg.devDependencies['cdktf-cli'] } }));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(baseline, 'node_modules'));
    const config = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    fs.writeFileSync(path.join(baseline, 'cdktf.json'), JSON.stringify({ ...config, app: `node ${quote(path.join(__dirname, 'synth-baseline.js'))} "$CDKTF_OUTDIR" ${vms} 9000` }));
    const cli = path.join(root, 'node_modules', '.bin', 'cdktf');
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: '1', UMS_TOPOLOGY_DIR: dir };
    let k = 0;
    const run = (cwd) => () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(cli, ['synth', '--output', path.join(work, `o${k++}`)], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 22 });
      if (r.status !== 0) throw new Error(`cdktf synth in ${cwd} exited ${r.status}: ${r.stderr}${r.stdout}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    return interleaved(reps, run(root), run(baseline));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (wanted('cdktf-cli')) {
  const cli = benchCdktfCli(quick ? 2 : 5);
  record('cdktf synth (the CLI), 1 topology / the CLI with raw cdktf', cli.ratio, 'x', '-', true, `the whole command: medians ${cli.candidateMs.toFixed(0)} ms vs ${cli.baselineMs.toFixed(0)} ms`);
}

if (wanted('synth')) {
  for (const count of [1, 50]) {
    const r = benchSynth(count, quick ? 3 : count === 1 ? 11 : 7);
    const label = `synth ${count} topolog${count === 1 ? 'y' : 'ies'}`;
    record(`${label}, cdktf.json app / raw cdktf`, r.appRatio, 'x', '<= 1.3', r.appRatio <= 1.3, `as cdktf synth runs both, spawn to exit: medians ${r.appMs.toFixed(0)} ms vs ${r.baseWallMs.toFixed(0)} ms, ${r.vms} VMs`);
    record(`  the app loaded directly / raw cdktf`, r.directRatio, 'x', '<= 1.3', r.directRatio <= 1.3, `bench/synth-candidate.js, in-process: medians ${r.directMs.toFixed(0)} ms vs ${r.baseInProcessMs.toFixed(0)} ms`);
    if (count === 50) record('synth 50 topologies peak RSS', r.directRss, 'MB', '<= 150', r.directRss <= 150, 'the app loaded directly');
  }
  const e = benchFirstSynthAfterEdit(quick ? 2 : 5);
  record('first synth after an edit (1 topology)', e.editedMs / 1000, 's', '<= 3', e.editedMs <= 3000, `main.ts and core/model/resolve.ts edited, cdktf.json app as cdktf synth runs it; unchanged: ${e.unchangedMs.toFixed(0)} ms`);
}

/** Validates every file of `dir` in this process `reps` times (after one warm-up); median ms per run. */
/** One fresh process under the RSS hook: wall time (ms), peak RSS (MB), exit code and output. */
function measured(argv, work) {
  const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', path.join(__dirname, 'rss-hook.js'), ...argv], {
    cwd: root,
    env: { ...process.env, UMS_HA_BENCH_RSS: rssFile },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  return { ms, rssMb, code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

if (wanted('hostile')) {
  const { HOSTILE } = require('./hostile');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-hostile-'));
  try {
    const cases = Object.entries(HOSTILE).map(([name, make]) => {
      const file = path.join(work, `${name.replace(/\W+/g, '-')}.yaml`);
      fs.writeFileSync(file, make());
      return [name, file];
    });
    const big = path.join(work, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 1_900_000_000); // sparse: no disk space
    const fifo = path.join(work, 'pipe.yaml');
    spawnSync('mkfifo', [fifo]);
    cases.push(['file over the limit (1.9 GB)', big], ['/dev/zero', '/dev/zero'], ['a FIFO', fifo]);
    const reps = quick ? 1 : 3;
    const base = median(Array.from({ length: reps + 2 }, () => measured(['-e', '0'], work).ms));
    for (const [name, file] of cases) {
      const runs = Array.from({ length: reps }, () => measured([path.join('bin', 'ums-ha.js'), 'validate', file, '--format', 'json'], work));
      const ms = median(runs.map((r) => r.ms));
      const mb = Math.max(...runs.map((r) => r.rssMb));
      const last = runs[runs.length - 1];
      // Every class ends in findings (exit 1) or a one-line problem (exit 2), never an internal error.
      const answered = runs.every((r) => (r.code === 1 && r.stderr === '') || (r.code === 2 && r.stderr.trim().split('\n').length === 1 && !r.stderr.includes('internal error')));
      const why = last.code === 1 ? (JSON.parse(last.stdout).files[0].findings[0] || { message: '?' }).message : last.stderr.trim();
      record(`hostile: ${name}`, ms, 'ms', '< 2000, < 200 MB', answered && ms < 2000 && mb < 200, `${mb.toFixed(0)} MB peak, ${(ms / base).toFixed(1)}x node -e 0 (${base.toFixed(0)} ms); exit ${last.code}: ${why.slice(0, 70)}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Synthesis of `count` generated aws topologies: ums-ha vs the raw-cdktf baseline with the same resources. */
function benchAwsSynth(count, reps) {
  const { resolveTopology } = require(path.join(root, 'dist', 'core', 'model', 'resolve.js'));
  const { securityGroupRules, loadBalancerPorts } = require(path.join(root, 'dist', 'platforms', 'aws', 'placement.js'));
  const { renderUserData, encodeEc2UserData } = require(path.join(root, 'dist', 'bootstrap', 'cloud-init.js'));
  const { generateAwsTopologyObjects } = require('./generate');
  const { stringify } = require('yaml');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-aws-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    const objects = generateAwsTopologyObjects(count, 11);
    objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `t${i}.yaml`), stringify(o)));
    const shapes = objects.map((o) => {
      const t = resolveTopology(o);
      const rules = securityGroupRules(t);
      return { instances: t.nodes.length, subnets: o.spec.aws.subnets.length, ingress: rules.filter((r) => r.direction === 'ingress').length, egress: rules.filter((r) => r.direction === 'egress').length, ports: loadBalancerPorts(t).length };
    });
    const shapesFile = path.join(work, 'shapes.json');
    fs.writeFileSync(shapesFile, JSON.stringify(shapes));
    const sizes = objects.flatMap((o) => {
      const t = resolveTopology(o);
      return t.nodes.map((n) => encodeEc2UserData('user data', renderUserData(t, n)).length);
    });
    const payloadChars = String(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const child = (script, argv) => {
      const r = spawnSync(process.execPath, [path.join(__dirname, script), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    child('synth-baseline-aws.js', [path.join(work, 'warm-b'), shapesFile, payloadChars]);
    child('synth-candidate.js', [dir, path.join(work, 'warm-c')]);
    const pairs = [];
    for (let i = 0; i < reps; i++) {
      const runBase = () => child('synth-baseline-aws.js', [path.join(work, `b${i}`), shapesFile, payloadChars]);
      const runOurs = () => child('synth-candidate.js', [dir, path.join(work, `c${i}`)]);
      if (i % 2) {
        const ours = runOurs();
        pairs.push({ ours, base: runBase() });
      } else {
        const base = runBase();
        pairs.push({ ours: runOurs(), base });
      }
    }
    const ms = (pick) => median(pairs.map((p) => pick(p).ms));
    return {
      ratio: median(pairs.map((p) => p.ours.ms / p.base.ms)),
      ours: ms((p) => p.ours),
      base: ms((p) => p.base),
      instances: shapes.reduce((a, b) => a + b.instances, 0),
      rules: shapes.reduce((a, b) => a + b.ingress + b.egress, 0),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (wanted('synth-aws')) {
  for (const count of [1, 50]) {
    const r = benchAwsSynth(count, quick ? 3 : count === 1 ? 11 : 7);
    record(`synth ${count} aws topolog${count === 1 ? 'y' : 'ies'} / raw cdktf`, r.ratio, 'x', '<= 1.3', r.ratio <= 1.3, `median of paired ratios; medians ${r.ours.toFixed(0)} ms vs ${r.base.toFixed(0)} ms, ${r.instances} instances, ${r.rules} security group rules`);
  }
}

if (wanted('aws-bindings')) {
  // An app of vSphere files alone must not read the AWS bindings: count the modules it loads.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-bindings-'));
  try {
    const dir = path.join(work, 'topologies');
    fs.mkdirSync(dir);
    for (const f of ['berlin-small.yaml', 'frankfurt-large.yaml']) fs.copyFileSync(path.join(root, 'topologies', f), path.join(dir, f));
    const counter = path.join(root, '__tests__', 'fixtures', 'count-aws-bindings.js');
    const r = spawnSync(process.execPath, ['-r', counter, path.join(__dirname, 'synth-candidate.js'), dir, path.join(work, 'out')], { encoding: 'utf8' });
    const loaded = Number((/aws-bindings-loaded=(\d+)/.exec(r.stderr) || [])[1] ?? -1);
    // What they would cost: loading the bindings the aws stack uses, in a fresh process, vs node -e 0.
    const bindings = ['provider', 'instance', 'lb', 'lb-target-group', 'lb-listener', 'lb-target-group-attachment', 'security-group', 'vpc-security-group-ingress-rule', 'vpc-security-group-egress-rule', 'iam-role', 'iam-role-policy', 'iam-instance-profile', 'data-aws-vpc', 'data-aws-subnet', 'data-aws-caller-identity', 'data-aws-partition'];
    const load = interleaved(
      quick ? 3 : 9,
      () => timeSpawn(['-e', `${bindings.map((b) => `require('@cdktf/provider-aws/lib/${b}')`).join(';')}`]),
      () => timeSpawn(['-e', "require('cdktf')"]),
    );
    record('vSphere-only app: AWS binding modules loaded', loaded, 'modules', '= 0', loaded === 0, `loading them would add ${(load.candidateMs - load.baselineMs).toFixed(0)} ms (${load.candidateMs.toFixed(0)} ms vs ${load.baselineMs.toFixed(0)} ms for cdktf alone)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Validates every file of `dir` in this process `reps` times (after one warm-up); median ms per run. */
async function timeValidateDir(dir, reps) {
  const { main } = require(path.join(root, 'dist', 'ums-ha-cli.js'));
  const sink = { stdout: () => {}, stderr: (s) => process.stderr.write(s) };
  const runOnce = async () => {
    const start = process.hrtime.bigint();
    const code = await main(['validate', dir, '--format', 'json'], sink);
    if (code === 2) throw new Error('validate could not read the generated files');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  await runOnce();
  const times = [];
  for (let i = 0; i < reps; i++) times.push(await runOnce());
  return median(times);
}

if (wanted('validate-throughput')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-'));
  const withFindings = fs.mkdtempSync(path.join(os.tmpdir(), 'ums-ha-bench-findings-'));
  const cleanup = () => [dir, withFindings].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  try {
    const topologies = generateTopologies(1000);
    topologies.forEach((text, i) => {
      const name = `t${String(i).padStart(4, '0')}.yaml`;
      fs.writeFileSync(path.join(dir, name), text);
      // The same file with one unknown key: a finding, so the authoritative reader reads it.
      fs.writeFileSync(path.join(withFindings, name), text.replace('metadata:\n', 'metadata:\n  owner: platform-team\n'));
    });
    const reps = quick ? 3 : 7;
    (async () => {
      const ms = await timeValidateDir(dir, reps);
      const perSecond = 1000 / (ms / 1000);
      record('validate throughput (1,000 files, one process)', perSecond, 'files/s', '>= 2000', perSecond >= 2000, `${ms.toFixed(0)} ms per 1,000 files`);
      // Files with a finding take the authoritative reader (yaml, with positions): no target, shown
      // so the cost of a pull request full of broken files is known too.
      const slowMs = await timeValidateDir(withFindings, reps);
      record('  the same, each file with a finding', 1000 / (slowMs / 1000), 'files/s', '-', true, `${slowMs.toFixed(0)} ms per 1,000 files (authoritative reader)`);
      // For scale: the yaml library alone parsing the same clean files, read from disk the same way.
      const yaml = require('yaml');
      const files = fs.readdirSync(dir).map((n) => path.join(dir, n));
      const parseOnly = () => {
        const start = process.hrtime.bigint();
        for (const f of files) yaml.parseAllDocuments(fs.readFileSync(f, 'utf8'), { lineCounter: new yaml.LineCounter() });
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      parseOnly();
      const parseTimes = [];
      for (let i = 0; i < reps; i++) parseTimes.push(parseOnly());
      const parseMs = median(parseTimes);
      record('  baseline: read + yaml parse only', 1000 / (parseMs / 1000), 'files/s', '-', true, `validate takes ${(ms / parseMs).toFixed(2)}x the bare yaml parse`);
      finish();
    })()
      .catch((err) => {
        process.stderr.write(`bench: ${err.message}\n`);
        process.exitCode = 1;
      })
      .finally(cleanup);
  } catch (err) {
    cleanup();
    throw err;
  }
} else {
  finish();
}

function finish() {
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(`\nums-ha bench on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}\n\n`);
  process.stdout.write(`${'measure'.padEnd(width)}  ${'value'.padStart(10)}  target      ok    detail\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(width)}  ${`${r.value} ${r.unit}`.padStart(10)}  ${r.target.padEnd(10)}  ${r.pass ? 'yes' : 'NO '}   ${r.detail}\n`);
  }
  const out = { date: new Date().toISOString(), machine, results };
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write('\nwritten: bench/results.json\n');
}
